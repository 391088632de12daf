/**
 * The render pool (services/common/render-pool.ts): Markdown rendered in worker threads,
 * the same HTML as on the calling thread, a render that runs past the time limit refused
 * (and its worker replaced), a queue that refuses once full.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AppError } from '../../server/errors.js';
import { createRenderer } from '../../server/services/common/render.js';
import { createRenderPool, type Renderer } from '../../server/services/common/render-pool.js';

/** About ten thousand characters that take markdown-it tens of milliseconds (linkify). */
const SLOW = 'a_http://a.ba@b.c'.repeat(580);

describe('the render pool', () => {
  const pools: Renderer[] = [];
  const pool = (options: Parameters<typeof createRenderPool>[0]): Renderer => {
    const made = createRenderPool(options);
    pools.push(made);
    return made;
  };
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('renders in a worker exactly what the renderer renders here', async () => {
    const renderer = pool({ threads: 2 });
    const inline = createRenderer();
    const bodies = ['**bold** and [a link](https://example.com)', '> quote\n\n- a\n- b', SLOW];
    const html = await Promise.all(bodies.map((b) => renderer.render(b)));
    assert.deepEqual(
      html,
      bodies.map((b) => inline.render(b)),
    );
  });

  it('refuses a render that runs past the limit, and renders the next one', async () => {
    const renderer = pool({ threads: 1, timeoutMs: 25 });
    await assert.rejects(
      renderer.render(SLOW),
      (error: unknown) => error instanceof AppError && error.code === 'too_complex',
    );
    assert.equal(await renderer.render('*still here*'), '<p><em>still here</em></p>');
  });

  it('refuses new bodies with rate_limited while its queue is full', async () => {
    const renderer = pool({ threads: 1, maxQueue: 2 });
    const first = renderer.render(SLOW);
    const queued = [renderer.render('one'), renderer.render('two')];
    await assert.rejects(
      renderer.render('three'),
      (error: unknown) => error instanceof AppError && error.code === 'rate_limited',
    );
    await first;
    assert.deepEqual(await Promise.all(queued), ['<p>one</p>', '<p>two</p>']);
  });
});
