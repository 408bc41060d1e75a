// A worker thread of parallelLog.ts (bundled as dist/telemetryWorker.js): reads one byte range of a prediction log
// into an aggregator and answers with its part, the latency arrays moved rather than copied.
import { parentPort, workerData } from 'node:worker_threads';
import { readLogPart, transferables, type LogPartRequest } from './parallelLog';

if (parentPort) {
  const port = parentPort;
  readLogPart(workerData as LogPartRequest).then(
    (result) => port.postMessage({ result }, transferables(result.part)),
    (err: unknown) =>
      port.postMessage({
        error: {
          name: err instanceof Error ? err.name : 'Error',
          message: err instanceof Error ? err.message : String(err),
        },
      }),
  );
}
