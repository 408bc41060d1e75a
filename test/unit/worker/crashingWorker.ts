// A worker script for the crash tests: it says it is ready, like the real one, then dies on its first request,
// by exiting (request root 'exit') or by an uncaught exception (any other root).
import { parentPort } from 'node:worker_threads';
import type { HostMessage, WorkerMessage } from '../../../src/core/worker/protocol';

if (parentPort) {
  const port = parentPort;
  port.on('message', (message: HostMessage) => {
    if (message.request.kind === 'checkFolder' && message.request.root === 'exit') process.exit(3);
    setImmediate(() => {
      throw new Error('the worker broke on purpose');
    });
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}
