/**
 * @module services/common/render-worker
 * The renderer inside a worker thread (see render-pool.ts): a body in, safe HTML out. It
 * writes when it began into `started` (memory shared with the pool), so the pool's time
 * limit counts rendering only, not the worker's own start-up.
 */
import { createRenderer } from './render.js';

const renderer = createRenderer();

export interface RenderTask {
  source: string;
  /** One slot: 0 until the render begins, then `Date.now()` at its start. */
  started: Float64Array;
}

export default function render({ source, started }: RenderTask): string {
  started[0] = Date.now();
  return renderer.render(source);
}
