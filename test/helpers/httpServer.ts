// A local HTTP server on 127.0.0.1 for the unit tests of server clients: answers each request with a handler (or
// never, for timeouts) and records what it was sent.
import http from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

export type Handler = (
  req: http.IncomingMessage,
  body: string,
  url: URL,
) => { status?: number; body: string; type?: string } | undefined;

/** A local HTTP server on 127.0.0.1 answering with `handler`; records requests. */
export async function serve(handler: Handler): Promise<{
  url: string;
  requests: { method: string; url: URL; body: string; auth?: string }[];
  close: () => Promise<void>;
}> {
  const requests: { method: string; url: URL; body: string; auth?: string }[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push({ method: req.method ?? '', url, body, auth: req.headers.authorization });
      const answer = handler(req, body, url);
      if (!answer) return; // never answer (timeout test)
      res.writeHead(answer.status ?? 200, { 'Content-Type': answer.type ?? 'application/json' });
      res.end(answer.body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
