/**
 * @module services/common/render-pool
 * Markdown is rendered off the event loop. A comment of 10,000 characters shaped to be
 * slow (`__*_` repeated, linkified addresses run together) costs markdown-it and the
 * allowlist tens to hundreds of milliseconds; fifty of them at once would stall every
 * other request. So requests hand bodies to worker threads (piscina) and wait: the loop
 * keeps answering (`/healthz`, reads) while they render. A render that runs longer than
 * the time limit ends its worker and is refused (`too_complex`); when more bodies wait
 * than the queue holds, new ones are refused as `rate_limited` until it drains.
 *
 * Bodies wait in a queue here, not in piscina's, so the time limit counts from when a
 * render starts, not from when it was asked for: a short comment behind slow ones waits,
 * but is never refused for their sake.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { AppError } from '../../errors.js';
import { createRenderer, RENDER_VERSION } from './render.js';
import type { RenderTask } from './render-worker.js';

export interface Renderer {
  readonly version: number;
  /** Safe HTML for a Markdown body. Throws `too_complex` or `rate_limited` (see above). */
  render(source: string): Promise<string>;
  /** Stops the workers (a server shutting down, a test ending). */
  close(): Promise<void>;
}

export interface RenderPoolOptions {
  /** Worker threads; 0 renders on the calling thread (commands that run no server). */
  threads: number;
  /** Longest a render may run. */
  timeoutMs?: number;
  /** Most bodies waiting for a worker. */
  maxQueue?: number;
}

/** The default number of render threads: all cores but the one the event loop runs on. */
export function defaultRenderThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

const workerFile = (): string =>
  fileURLToPath(
    new URL(`./render-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
  );

interface Waiting {
  source: string;
  resolve: (html: string) => void;
  reject: (error: unknown) => void;
}

export function createRenderPool(options: RenderPoolOptions): Renderer {
  const { threads, timeoutMs = 2000, maxQueue = 500 } = options;
  if (threads <= 0) {
    const inline = createRenderer();
    return {
      version: RENDER_VERSION,
      render: (source) => Promise.resolve(inline.render(source)),
      close: () => Promise.resolve(),
    };
  }
  const pool = new Piscina<RenderTask, string>({
    filename: workerFile(),
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 30_000,
    concurrentTasksPerWorker: 1,
  });
  const waiting: Waiting[] = [];
  let running = 0;

  const start = (task: Waiting): void => {
    running += 1;
    // The clock starts when the worker has begun (a new worker starts up first): it writes
    // the time into memory both threads share, and the timer looks there when it fires.
    const abort = new AbortController();
    const started = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
    let timer: NodeJS.Timeout | undefined;
    const check = (): void => {
      const began = started[0] ?? 0;
      const left = began === 0 ? timeoutMs : began + timeoutMs - Date.now();
      if (left > 0) timer = setTimeout(check, left);
      else abort.abort();
    };
    timer = setTimeout(check, timeoutMs);
    pool
      .run({ source: task.source, started }, { signal: abort.signal })
      .then(task.resolve, (error: unknown) => {
        task.reject(
          (error as { name?: unknown } | null)?.name === 'AbortError'
            ? new AppError(422, 'too_complex', {
                detail: `Rendering took longer than ${timeoutMs} ms; simplify the formatting.`,
              })
            : error,
        );
      })
      .finally(() => {
        clearTimeout(timer);
        running -= 1;
        const next = waiting.shift();
        if (next !== undefined) start(next);
      });
  };

  return {
    version: RENDER_VERSION,
    render: (source) =>
      new Promise<string>((resolve, reject) => {
        const task = { source, resolve, reject };
        if (running < threads) {
          start(task);
        } else if (waiting.length < maxQueue) {
          waiting.push(task);
        } else {
          reject(
            new AppError(429, 'rate_limited', {
              detail: 'The server is busy rendering comments; try again in a moment.',
              retryAfter: 2,
              headers: { 'Retry-After': '2' },
            }),
          );
        }
      }),
    close: async () => {
      for (const task of waiting.splice(0)) task.reject(new Error('the renderer was closed'));
      await pool.destroy();
    },
  };
}
