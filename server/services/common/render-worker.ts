/**
 * @module services/common/render-worker
 * The renderer inside a worker thread (see render-pool.ts): a body in, safe HTML out. It
 * says on `started` when it begins, so the pool's time limit counts rendering only, not
 * the worker's own start-up.
 */
import type { MessagePort } from 'node:worker_threads';
import { createRenderer } from './render.js';

const renderer = createRenderer();

export interface RenderTask {
  source: string;
  started: MessagePort;
}

export default function render({ source, started }: RenderTask): string {
  started.postMessage('started');
  started.close();
  return renderer.render(source);
}
