import assert from 'node:assert/strict';
import { contentSecurityPolicy, escapeHtml, renderWebviewHtml } from '../../../src/core/webview/html';

const page = {
  title: 'Metric <History>',
  cspSource: 'https://webview.test',
  nonce: 'abc123NONCE==',
  scriptUri: 'https://webview.test/dist/webview/panel.js',
  styleUris: ['https://webview.test/media/webview.css'],
};

describe('webview html', () => {
  it('builds a CSP that denies everything but nonce scripts and the webview origin', () => {
    const csp = contentSecurityPolicy(page);
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'nonce-abc123NONCE=='"]);
    assert.deepEqual(directives.get('img-src'), ['https://webview.test']);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
  });

  it('adds extra image sources only when asked', () => {
    assert.match(contentSecurityPolicy({ ...page, imgSources: ['data:'] }), /img-src https:\/\/webview\.test data:/);
  });

  it('puts the nonce on the script and escapes the title', () => {
    const html = renderWebviewHtml(page);
    assert.match(
      html,
      /<script nonce="abc123NONCE==" src="https:\/\/webview\.test\/dist\/webview\/panel\.js"><\/script>/,
    );
    assert.ok(html.includes('<title>Metric &#60;History&#62;</title>'));
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'exactly one script tag');
  });

  it('escapes every HTML-significant character', () => {
    assert.equal(
      escapeHtml(`<img src=x onerror="alert('1')">&`),
      '&#60;img src=x onerror=&#34;alert(&#39;1&#39;)&#34;&#62;&#38;',
    );
  });
});
