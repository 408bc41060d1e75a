// Colours come from the VS Code theme's CSS variables; they are read again whenever the theme changes (VS Code
// swaps the body class and rewrites the variables on the html element).
import { normalizeHex, seriesPalette, type ThemeKind } from '../../src/core/chart/palette';

export interface ChartTheme {
  kind: ThemeKind;
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  border: string;
  passed: string;
  failed: string;
  warning: string;
  fontFamily: string;
  fontSize: number;
  /** The theme's chart colours, in the order series use them. */
  base: string[];
  palette(count: number): string[];
}

const FALLBACK: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-testing-iconPassed': '#73c991',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-purple': '#b180d7',
};

export function themeKind(): ThemeKind {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.contains('vscode-high-contrast')) return 'high-contrast';
  if (classes.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback?: string) =>
    style.getPropertyValue(name).trim() || fallback || FALLBACK[name] || '';
  const kind = themeKind();
  const light = kind === 'light' || kind === 'high-contrast-light';
  const base = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'].map((c) => read(`--vscode-charts-${c}`));
  const border = read('--vscode-contrastBorder', '') || read('--vscode-panel-border');
  const foreground = read('--vscode-foreground');
  return {
    kind,
    foreground,
    muted: read('--vscode-descriptionForeground'),
    background: read('--vscode-editor-background'),
    grid: withAlpha(
      read('--vscode-panel-border', light ? '#e5e5e5' : '#2b2b2b'),
      kind.startsWith('high-contrast') ? 0.6 : 1,
    ),
    border,
    passed: read('--vscode-testing-iconPassed'),
    failed: read('--vscode-testing-iconFailed', '') || read('--vscode-errorForeground'),
    warning: read('--vscode-editorWarning-foreground'),
    fontFamily: read('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(read('--vscode-font-size', '13px')) || 13,
    base,
    palette: (count) => seriesPalette(count, base, kind),
  };
}

/** Calls `onChange` when the theme changes (body class or the variables on the html element). */
export function watchTheme(onChange: () => void): void {
  let last = signature();
  const check = () => {
    const now = signature();
    if (now !== last) {
      last = now;
      onChange();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

function signature(): string {
  return `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
}

/** `#rrggbb` plus an alpha as `rgba(...)`; other notations are returned unchanged. */
export function withAlpha(colour: string, alpha: number): string {
  const hex = normalizeHex(colour);
  if (!hex || alpha >= 1) return hex ?? colour;
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
