// The panel side of the webview contract: the VS Code API handle, the ready handshake, typed messages and
// UI-state persistence. Panels never import `vscode`; they talk to the host only through these messages.

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export interface PanelChannel<ToHost extends { type: string }, FromHost extends { type: string }, State> {
  post(message: ToHost): void;
  /** UI state only (filters, zoom, selection): restored after a reload or by the serializer. */
  state(): State | undefined;
  saveState(state: State): void;
  onMessage(handler: (message: FromHost) => void): void;
  /** Tells the host the page is listening; call once every handler is installed. */
  ready(): void;
}

let api: VsCodeApi<unknown> | undefined;

export function connect<ToHost extends { type: string }, FromHost extends { type: string }, State>(): PanelChannel<
  ToHost,
  FromHost,
  State
> {
  api ??= acquireVsCodeApi<unknown>();
  const vscode = api as VsCodeApi<State>;
  return {
    post: (message) => vscode.postMessage(message),
    state: () => vscode.getState(),
    saveState: (state) => vscode.setState(state),
    onMessage(handler) {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const data = event.data;
        if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string')
          handler(data as FromHost);
      });
    },
    ready: () => vscode.postMessage({ type: 'ready' }),
  };
}

/** Creates an element with text content only: user-derived text never becomes HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}
