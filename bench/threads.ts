/**
 * Benchmark: reads and writes against a real server over loopback, on a SQLite file with
 * a large thread. Prints numbers; asserts nothing. `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../server/app.js';
import { buildRuntime } from '../server/bootstrap.js';
import { loadConfig } from '../server/config.js';
import { postComment } from '../server/services/posting/post.js';
import { addSite } from '../server/services/sites/sites.js';

const ORIGIN = 'https://bench.example';
const TOP_LEVEL = 400;
const REPLIES_EACH = 4;
const REQUESTS = 400;
const CONCURRENCY = 8;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(
  label: string,
  count: number,
  run: (i: number) => Promise<Response>,
): Promise<void> {
  const times: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const res = await run(i);
        await res.arrayBuffer();
        if (!res.ok) failures++;
        times.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(44)} ${(count / seconds).toFixed(0).padStart(6)} req/s   p50 ${percentile(times, 50).toFixed(2)} ms   p95 ${percentile(times, 95).toFixed(2)} ms   p99 ${percentile(times, 99).toFixed(2)} ms${failures > 0 ? `   ${failures} failed` : ''}`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
const config = loadConfig({ CONFAB_DB: join(dir, 'bench.sqlite') });
const { deps, database } = await buildRuntime(config, {
  logger: { info: () => undefined, error: console.error },
});
await addSite(deps, 'bench', { origins: [ORIGIN], rateLimit: 0 });

const seedStart = performance.now();
const caller = { origin: ORIGIN, clientHash: null };
for (let i = 0; i < TOP_LEVEL; i++) {
  const { comment } = await postComment(
    deps,
    {
      site: 'bench',
      thread: '/big/',
      body: `Comment ${i} with **some** _markdown_ and a https://example.com link`,
      author: { name: `Reader ${i}` },
    },
    caller,
  );
  let parent = comment.id;
  for (let r = 0; r < REPLIES_EACH; r++) {
    parent = (
      await postComment(
        deps,
        {
          site: 'bench',
          thread: '/big/',
          parentId: parent,
          body: `Reply ${r}`,
          author: { name: 'Replier' },
        },
        caller,
      )
    ).comment.id;
  }
}
const seeded = TOP_LEVEL * (1 + REPLIES_EACH);
console.log(
  `seeded ${seeded} comments in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (${(seeded / ((performance.now() - seedStart) / 1000)).toFixed(0)} comments/s through the service)`,
);

const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

await measure('GET thread, first page (50 top + replies)', REQUESTS, () =>
  fetch(`${base}/api/v1/threads?site=bench&thread=/big/`),
);
await measure('GET thread, sort=top, limit=200', REQUESTS / 4, () =>
  fetch(`${base}/api/v1/threads?site=bench&thread=/big/&sort=top&limit=200`),
);
const counts = Array.from({ length: 50 }, (_, i) => `thread=/p${i}/`).join('&');
await measure('GET counts for 50 threads', REQUESTS, () =>
  fetch(`${base}/api/v1/counts?site=bench&${counts}&thread=/big/`),
);
await measure('POST comment', REQUESTS, (i) =>
  fetch(`${base}/api/v1/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
    body: JSON.stringify({
      site: 'bench',
      thread: `/t${i % 20}/`,
      body: `Benchmark comment ${i}`,
      author: { name: 'Bench' },
    }),
  }),
);

server.close();
await database.close();
rmSync(dir, { recursive: true, force: true });
