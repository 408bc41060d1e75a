// The one HTTP request path of the clients of servers (an MLflow tracking server, a Prometheus server): the address
// with any credentials in it turned into an Authorization header, a bearer token, a timeout, an answer read as a
// stream and abandoned once it passes a byte limit, and failures sorted into what a user can act on. Each client
// words its own messages from `HttpFailure`; secrets are redacted from every text that leaves here.

export const MB = 1024 * 1024;

/** `64 MB`, `1.5 MB`. */
export function megabytes(bytes: number): string {
  return `${Number((bytes / MB).toFixed(1))} MB`;
}

/** What went wrong below the level of the server's answer. */
export type HttpFailureKind = 'timeout' | 'cancelled' | 'refused' | 'unreachable' | 'limit';

/** A request that got no usable answer; the client turns it into its own error. */
export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    /** `unreachable`: the system's code or message; `limit`: empty. */
    readonly detail: string,
    /** `limit`: the size the answer announced, when it did. */
    readonly announced?: number,
  ) {
    super(`${kind}${detail ? `: ${detail}` : ''}`);
    this.name = 'HttpFailure';
  }
}

/** A server's address, parsed: where to send requests, what to show, and the secrets to keep out of messages. */
export interface ServerAddress {
  /** The address without credentials, query or fragment, ending in '/'. */
  url: URL;
  /** The address as shown in messages (no credentials, no trailing '/'). */
  shown: string;
  headers: Record<string, string>;
  secrets: string[];
}

/**
 * Parses a server's address: `invalid` when it is not a URL, `protocol` when it is not http(s). Credentials in the
 * URL become Basic authentication (fetch refuses URLs that carry them); a token becomes `Authorization: Bearer`.
 */
export function serverAddress(
  raw: string,
  token?: string,
): ServerAddress | { error: 'invalid' } | { error: 'protocol'; protocol: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: 'invalid' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'protocol', protocol: url.protocol };
  const headers: Record<string, string> = { Accept: 'application/json' };
  const secrets: string[] = [];
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    if (password) secrets.push(password, url.password);
    url.username = '';
    url.password = '';
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
    secrets.push(token);
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { url, shown: url.toString().replace(/\/$/, ''), headers, secrets };
}

/** Removes every secret from a text. */
/** An answer's body read as JSON; `parsed` is false when it is not JSON (the caller words what that means). */
export function parseJsonBody(body: string): { parsed: boolean; json: unknown } {
  try {
    return { parsed: true, json: JSON.parse(body) as unknown };
  } catch {
    return { parsed: false, json: undefined };
  }
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}

export interface LimitedRequest {
  timeoutMs: number;
  maxResponseBytes: number;
  /** Cancels the request (the caller's cancellation); the failure is then `cancelled`. */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/**
 * One request: the answer and its body as text. Throws an `HttpFailure` when no answer came in time, the connection
 * failed, the caller cancelled, or the body passed `maxResponseBytes` (an answer that announces a larger
 * Content-Length is refused before its body is read; a streamed one is abandoned, connection closed, at the limit).
 */
export async function requestText(
  url: URL,
  init: RequestInit,
  options: LimitedRequest,
): Promise<{ response: Response; body: string }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const cancel = (): void => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener('abort', cancel);
  try {
    const response = await (options.fetch ?? fetch)(url, { ...init, signal: controller.signal });
    const body = await readLimited(response, options.maxResponseBytes, controller);
    return { response, body };
  } catch (err) {
    if (err instanceof HttpFailure) throw err;
    if (controller.signal.aborted) throw new HttpFailure(timedOut ? 'timeout' : 'cancelled', '');
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') throw new HttpFailure('refused', code);
    throw new HttpFailure('unreachable', code ?? cause?.message ?? (err instanceof Error ? err.message : String(err)));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
  }
}

async function readLimited(response: Response, limit: number, controller: AbortController): Promise<string> {
  const announced = Number(response.headers.get('content-length') ?? '');
  if (Number.isFinite(announced) && announced > limit && !response.headers.get('content-encoding')) {
    controller.abort();
    throw new HttpFailure('limit', '', announced);
  }
  if (!response.body) {
    const text = await response.text();
    if (Buffer.byteLength(text) > limit) throw new HttpFailure('limit', '');
    return text;
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      throw new HttpFailure('limit', '');
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}
