// Runs heavy work (protocol.ts) off the caller's thread: `WorkerWork` starts one worker thread on first need, sends it
// requests, relays progress and log lines, forwards cancellation, and turns a worker that dies into a
// WorkerCrashedError for every request it had. When no worker can start, it logs why and runs the same tasks in
// the caller's thread (`InThreadWork`).
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { errorMessage, type Logger } from '../logging';
import {
  WorkCancelledError,
  WorkerCrashedError,
  WorkFailedError,
  type ControlMessage,
  type HostMessage,
  type WorkerMessage,
  type WorkerStartData,
  type WorkKind,
  type WorkProgress,
  type WorkRequest,
  type WorkRequestOf,
  type WorkResult,
} from './protocol';
import { isCancellation, WorkTasks } from './tasks';

export interface WorkOptions<P> {
  /** Cancels the work: the promise rejects with WorkCancelledError once the work has stopped. */
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}

/** Something that runs heavy work: a worker thread, or the caller's own thread. */
export interface CoreWork {
  run<K extends WorkKind>(request: WorkRequestOf<K>, options?: WorkOptions<WorkProgress<K>>): Promise<WorkResult<K>>;
  dispose(): void;
}

/** Runs the tasks in the caller's thread, with the errors of the worker protocol. */
export class InThreadWork implements CoreWork {
  private readonly tasks = new WorkTasks();

  constructor(private readonly logger: Logger) {}

  async run<K extends WorkKind>(
    request: WorkRequestOf<K>,
    options: WorkOptions<WorkProgress<K>> = {},
  ): Promise<WorkResult<K>> {
    const signal = options.signal ?? new AbortController().signal;
    if (signal.aborted) throw new WorkCancelledError();
    try {
      return await this.tasks.run(request, {
        signal,
        logger: this.logger,
        progress: (progress) => options.onProgress?.(progress),
      });
    } catch (err) {
      if (err instanceof WorkCancelledError) throw err;
      if (isCancellation(err, signal)) throw new WorkCancelledError();
      throw new WorkFailedError(errorMessage(err), err instanceof Error ? err.name : 'Error');
    }
  }

  dispose(): void {
    // Nothing runs in the background.
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: never) => void;
  cleanup(): void;
}

interface Started {
  worker: Worker;
  control: MessagePort;
  pending: Map<number, Pending>;
  alive: boolean;
}

export interface WorkerWorkOptions {
  /** The worker's script (the extension's dist/worker.js). */
  script: string;
  logger: Logger;
}

/** Runs the tasks in one worker thread, started on the first request and terminated by `dispose`. */
export class WorkerWork implements CoreWork {
  private starting: Promise<Started | undefined> | undefined;
  private inThread: InThreadWork | undefined;
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: WorkerWorkOptions) {}

  /** Whether the work runs in the caller's thread because no worker could start. */
  get fellBack(): boolean {
    return this.inThread !== undefined;
  }

  async run<K extends WorkKind>(
    request: WorkRequestOf<K>,
    options: WorkOptions<WorkProgress<K>> = {},
  ): Promise<WorkResult<K>> {
    if (this.disposed) throw new WorkCancelledError('The background worker was shut down.');
    if (options.signal?.aborted) throw new WorkCancelledError();
    let started = await (this.starting ??= this.start());
    // A worker that stopped between its start and this request: start another one.
    if (started && !started.alive) started = await (this.starting ??= this.start());
    if (!started || !started.alive) {
      this.inThread ??= new InThreadWork(this.options.logger);
      return this.inThread.run(request, options);
    }
    return this.send(started, request, options);
  }

  private send<K extends WorkKind>(
    started: Started,
    request: WorkRequestOf<K>,
    options: WorkOptions<WorkProgress<K>>,
  ): Promise<WorkResult<K>> {
    if (this.disposed) return Promise.reject(new WorkCancelledError('The background worker was shut down.'));
    const id = this.nextId++;
    const { signal } = options;
    return new Promise<WorkResult<K>>((resolve, reject) => {
      const onAbort = () => started.control.postMessage({ type: 'cancel', id } satisfies ControlMessage);
      signal?.addEventListener('abort', onAbort, { once: true });
      started.pending.set(id, {
        resolve: resolve,
        reject,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        cleanup: () => {
          signal?.removeEventListener('abort', onAbort);
          started.pending.delete(id);
          if (started.pending.size === 0) started.worker.unref();
        },
      });
      started.worker.ref();
      started.worker.postMessage({ type: 'request', id, request: request as WorkRequest } satisfies HostMessage);
    });
  }

  private start(): Promise<Started | undefined> {
    const { script, logger } = this.options;
    const fallBack = (reason: string) => {
      logger.warn(
        `The background worker could not start (${reason}); checks, discovery and hashing run in the editor's thread.`,
      );
      this.inThread ??= new InThreadWork(logger);
      return undefined;
    };
    return new Promise<Started | undefined>((resolve) => {
      const channel = new MessageChannel();
      let worker: Worker;
      try {
        worker = new Worker(script, {
          workerData: { control: channel.port2 } satisfies WorkerStartData,
          transferList: [channel.port2],
        });
      } catch (err) {
        channel.port1.close();
        resolve(fallBack(errorMessage(err)));
        return;
      }
      const started: Started = { worker, control: channel.port1, pending: new Map(), alive: true };
      let ready = false;
      let lastError: Error | undefined;
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          ready = true;
          if (started.pending.size === 0) worker.unref();
          resolve(started);
        } else this.onMessage(started, message);
      });
      worker.on('error', (err) => {
        lastError = err;
      });
      worker.on('exit', (code) => {
        started.alive = false;
        channel.port1.close();
        if (!ready) {
          resolve(fallBack(lastError ? lastError.message : `it exited with code ${code}`));
          return;
        }
        // The next request starts a new worker.
        this.starting = undefined;
        if (this.disposed) return;
        const reason = lastError ? `: ${lastError.message}` : ` with exit code ${code}`;
        const pending = [...started.pending.values()];
        if (pending.length) logger.error(`The background worker stopped${reason}.`);
        for (const p of pending) {
          p.cleanup();
          p.reject(new WorkerCrashedError(`The background worker stopped${reason}. Run the command again.`, code));
        }
      });
    });
  }

  private onMessage(started: Started, message: WorkerMessage): void {
    if (message.type === 'log') {
      this.options.logger[message.level](message.message);
      return;
    }
    if (message.type === 'ready') return;
    const pending = started.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.progress as never);
      return;
    }
    pending.cleanup();
    if (message.type === 'result') pending.resolve(message.result);
    else if (message.type === 'cancelled') pending.reject(new WorkCancelledError());
    else pending.reject(new WorkFailedError(message.error.message, message.error.name));
  }

  /** Terminates the worker; requests still running reject with WorkCancelledError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const starting = this.starting;
    this.starting = undefined;
    void starting?.then((started) => {
      if (!started) return;
      for (const p of [...started.pending.values()]) {
        p.cleanup();
        p.reject(new WorkCancelledError('The background worker was shut down.'));
      }
      void started.worker.terminate();
    });
  }
}
