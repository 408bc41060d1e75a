/** The pieces a webview page is made of. Every URI is already a webview URI (`asWebviewUri`). */
export interface WebviewPage {
  title: string;
  /** `webview.cspSource`: the only origin allowed for styles, fonts and images. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: readonly string[];
  /** Extra origins for `img-src`, e.g. `data:` for chart exports. */
  imgSources?: readonly string[];
}

/** Escapes text for use inside HTML text or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The strict CSP every panel uses: nothing by default, scripts only with the nonce. */
export function contentSecurityPolicy(page: Pick<WebviewPage, 'cspSource' | 'nonce' | 'imgSources'>): string {
  const img = [page.cspSource, ...(page.imgSources ?? [])].join(' ');
  return [
    "default-src 'none'",
    `script-src 'nonce-${page.nonce}'`,
    `style-src ${page.cspSource} 'nonce-${page.nonce}'`,
    `font-src ${page.cspSource}`,
    `img-src ${img}`,
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
  ].join('; ');
}

/**
 * The HTML shell of a panel. The page body is empty: the panel script builds the DOM and inserts every piece of
 * user-derived text as text (never as HTML).
 */
export function renderWebviewHtml(page: WebviewPage): string {
  const styles = page.styleUris
    .map((uri) => `<link rel="stylesheet" href="${escapeHtml(uri)}" nonce="${page.nonce}">`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeHtml(page.title)}</title>
    ${styles}
  </head>
  <body>
    <main id="root" aria-busy="true"></main>
    <script nonce="${page.nonce}" src="${escapeHtml(page.scriptUri)}"></script>
  </body>
</html>`;
}
