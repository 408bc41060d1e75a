// Issue 11, case 4: a misbehaving tracking server cannot make the REST client loop forever or read an answer of
// any size. Real HTTP servers on 127.0.0.1: one hands out a new page token on every request, one streams an
// endless body (with and without a Content-Length).
import assert from 'node:assert/strict';
import http from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { MlflowRestClient, MlflowRestError } from '../../../../src/core/formats/mlflow/rest';

interface Misbehaving {
  url: string;
  /** Requests answered so far. */
  requests: () => number;
  /** Body bytes the server managed to hand to the socket. */
  bytesSent: () => number;
  /** Resolves when the client has closed the connection of the streaming answer. */
  clientClosed: Promise<void>;
  close: () => Promise<void>;
}

const MB = 1024 * 1024;

/**
 * `tokens`: every answer carries a fresh next_page_token (a safety stop after `stopAfter` requests, so a client
 * without a limit ends and fails the test instead of hanging it). `stream`: an experiments list that grows by 1 MB
 * chunks, written with back-pressure, until `streamTotal` bytes or the client goes away.
 */
async function misbehave(
  mode: 'tokens' | 'stream' | 'declared',
  stopAfter = 5000,
  streamTotal = 200 * MB,
): Promise<Misbehaving> {
  let requests = 0;
  let bytesSent = 0;
  let closed!: () => void;
  const clientClosed = new Promise<void>((resolve) => (closed = resolve));
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      if (mode === 'tokens') {
        const more = requests < stopAfter ? { next_page_token: `page-${requests}` } : {};
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ experiments: [{ experiment_id: String(requests), name: 'e' }], ...more }));
        return;
      }
      const head = Buffer.from('{"experiments":[');
      const item = Buffer.from('{"experiment_id":"1","name":"e"},');
      const chunk = Buffer.concat(Array.from({ length: Math.floor(MB / item.length) }, () => item));
      const tail = Buffer.from('{"experiment_id":"2","name":"end"}]}');
      res.writeHead(200, {
        'Content-Type': 'application/json',
        ...(mode === 'declared' ? { 'Content-Length': String(500 * MB) } : {}),
      });
      res.on('close', () => closed());
      res.write(head);
      bytesSent += head.length;
      const pump = (): void => {
        while (!res.destroyed) {
          if (bytesSent + chunk.length > streamTotal) {
            if (mode !== 'declared') res.end(tail);
            return;
          }
          bytesSent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
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
    requests: () => requests,
    bytesSent: () => bytesSent,
    clientClosed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function limitError(promise: Promise<unknown>): Promise<MlflowRestError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof MlflowRestError, `an MlflowRestError, not ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to stop at a limit');
}

describe('MLflow REST client limits', function () {
  this.timeout(60_000);

  it('stops a listing whose page tokens never end at maxPages, and says how to raise it', async () => {
    const server = await misbehave('tokens');
    try {
      const client = new MlflowRestClient({ baseUrl: server.url, maxPages: 40 });
      const err = await limitError(client.searchExperiments());
      assert.equal(err.kind, 'limit');
      assert.equal(server.requests(), 40);
      assert.match(err.message, /more than 40 pages/);
      assert.match(err.message, /mlops\.mlflow\.maxPages/);
    } finally {
      await server.close();
    }
  });

  it('stops at 1,000 pages by default', async () => {
    // The same endless listing through an in-process fetch, so the default costs no thousand real requests.
    let calls = 0;
    const endless: typeof fetch = () =>
      Promise.resolve(
        new Response(JSON.stringify({ experiments: [], next_page_token: `page-${++calls}` }), {
          headers: { 'Content-Type': 'application/json' },
        }),
      );
    const err = await limitError(
      new MlflowRestClient({ baseUrl: 'http://127.0.0.1:9', fetch: endless }).searchExperiments(),
    );
    assert.equal(err.kind, 'limit');
    assert.equal(calls, 1000);
    assert.match(err.message, /more than 1000 pages/);
  });

  it('stops reading an endless answer at maxResponseBytes and closes the connection', async () => {
    const server = await misbehave('stream');
    try {
      const client = new MlflowRestClient({ baseUrl: server.url, maxResponseBytes: 2 * MB });
      const before = process.memoryUsage().rss;
      const err = await limitError(client.searchExperiments());
      assert.equal(err.kind, 'limit');
      assert.match(err.message, /larger than 2 MB/);
      assert.match(err.message, /mlops\.mlflow\.maxResponseMB/);
      await server.clientClosed;
      // What the server got out before the client hung up: the limit plus what the socket buffers held.
      assert.ok(server.bytesSent() < 40 * MB, `sent ${server.bytesSent()} bytes`);
      assert.ok(process.memoryUsage().rss - before < 100 * MB, 'the answer was not read whole');
    } finally {
      await server.close();
    }
  });

  it('refuses an answer whose Content-Length is over the limit before reading it', async () => {
    const server = await misbehave('declared');
    try {
      const client = new MlflowRestClient({ baseUrl: server.url, maxResponseBytes: 2 * MB });
      const err = await limitError(client.searchExperiments());
      assert.equal(err.kind, 'limit');
      assert.match(err.message, /larger than 2 MB \(it announces 500 MB\)/);
      await server.clientClosed;
      assert.ok(server.bytesSent() < 40 * MB, `sent ${server.bytesSent()} bytes`);
    } finally {
      await server.close();
    }
  });

  it('reads answers under the limits whole, and stops at 64 MB by default', async () => {
    const small = await misbehave('stream', 5000, 3 * MB);
    const large = await misbehave('stream');
    try {
      const whole = await new MlflowRestClient({ baseUrl: small.url }).searchExperiments();
      assert.ok(whole.length > 60_000, `${whole.length} experiments`);
      assert.equal(whole.at(-1)?.name, 'end');
      const err = await limitError(new MlflowRestClient({ baseUrl: large.url }).searchExperiments());
      assert.equal(err.kind, 'limit');
      assert.match(err.message, /larger than 64 MB/);
      await large.clientClosed;
      assert.ok(large.bytesSent() < 100 * MB, `sent ${large.bytesSent()} bytes`);
    } finally {
      await small.close();
      await large.close();
    }
  });
});
