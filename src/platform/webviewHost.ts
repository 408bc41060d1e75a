import * as vscode from 'vscode';
import { createNonce } from '../core/security/nonce';
import { renderWebviewHtml } from '../core/webview/html';
import { Disposable } from './disposable';

/** Every protocol message has a discriminating `type`; each panel's protocol starts with a `ready` message. */
export interface Message {
  type: string;
}

export interface WebviewHostOptions {
  /** Name of the bundle folder (`dist/webview/<bundle>.js`). */
  bundle: string;
  title: string;
  extensionUri: vscode.Uri;
  /** Extra `img-src` origins (e.g. `data:`). */
  imgSources?: string[];
  /** Extra stylesheets of this panel: file names under `media/`, linked after `media/webview.css`. */
  styles?: string[];
}

/**
 * Hosts one webview panel: strict CSP with a fresh nonce, resources limited to the built assets, messages queued
 * until the panel says `ready`, then delivered in order. The panel persists only UI state itself; the host is
 * re-created by a serializer after a reload.
 */
export class WebviewHost<ToWebview extends Message, FromWebview extends Message> extends Disposable {
  private ready = false;
  private queue: ToWebview[] = [];
  private readonly messageEmitter = this.register(new vscode.EventEmitter<FromWebview>());
  private readonly readyEmitter = this.register(new vscode.EventEmitter<void>());
  /** Messages from the panel other than `ready`. */
  readonly onMessage = this.messageEmitter.event;
  /** Fires each time the panel (re)loads and says it is ready. */
  readonly onReady = this.readyEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: WebviewHostOptions,
  ) {
    super();
    const distRoot = vscode.Uri.joinPath(options.extensionUri, 'dist', 'webview');
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [distRoot, vscode.Uri.joinPath(options.extensionUri, 'media')],
    };
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        if (!raw || typeof raw !== 'object' || typeof (raw as Message).type !== 'string') return;
        const message = raw as FromWebview;
        if (message.type === 'ready') {
          this.ready = true;
          this.readyEmitter.fire();
          const pending = this.queue;
          this.queue = [];
          for (const m of pending) void panel.webview.postMessage(m);
          return;
        }
        this.messageEmitter.fire(message);
      }),
    );
    this.render();
  }

  /** (Re)writes the HTML with a new nonce; the panel reloads and sends `ready` again. */
  render(): void {
    this.ready = false;
    const webview = this.panel.webview;
    const asset = (name: string) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.options.extensionUri, 'dist', 'webview', name)).toString();
    const media = (name: string) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.options.extensionUri, 'media', name)).toString();
    webview.html = renderWebviewHtml({
      title: this.options.title,
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: asset(`${this.options.bundle}.js`),
      styleUris: [asset('codicon.css'), media('webview.css'), ...(this.options.styles ?? []).map(media)],
      imgSources: this.options.imgSources,
    });
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Sends now when the panel is ready, else queues until it is. */
  post(message: ToWebview): void {
    if (this.isDisposed) return;
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }
}
