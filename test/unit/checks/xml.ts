// A small, strict XML reader for checking the JUnit report without adding a dependency.
import assert from 'node:assert/strict';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  assert.doesNotMatch(text, /&(?!(amp|lt|gt|quot|apos|#\d+);)/, `unescaped & in ${text}`);
  return text.replace(/&(amp|lt|gt|quot|apos|#(\d+));/g, (_m, name: string, code: string | undefined) =>
    code ? String.fromCharCode(Number(code)) : ENTITIES[name],
  );
}

/** A small, strict XML reader for the JUnit report: well-formed nesting, quoted attributes, known entities. */
export function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  for (const token of body.match(/<[^>]*>|[^<]+/g) ?? []) {
    const top = stack[stack.length - 1];
    if (!token.startsWith('<')) {
      top.text += unescapeXml(token);
      continue;
    }
    const close = /^<\/([A-Za-z][\w.-]*)>$/.exec(token);
    if (close) {
      assert.equal(close[1], top.name, 'closing tag matches');
      stack.pop();
      continue;
    }
    const open = /^<([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w:-]*="[^"<]*")*)\s*(\/?)>$/.exec(token);
    assert.ok(open, `well-formed tag: ${token}`);
    const element: XmlElement = { name: open[1], attributes: {}, children: [], text: '' };
    for (const [, name, value] of open[2].matchAll(/([A-Za-z][\w:-]*)="([^"]*)"/g))
      element.attributes[name] = unescapeXml(value);
    top.children.push(element);
    if (!open[3]) stack.push(element);
  }
  assert.equal(stack.length, 1, 'every element is closed');
  assert.equal(root.children.length, 1, 'one root element');
  return root.children[0];
}
