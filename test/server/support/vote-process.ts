/**
 * A second server process for the concurrency test: opens the same SQLite file through its
 * own runtime (its own connections, its own write lock requests) and sends `count` votes
 * on one comment at once, each from its own address and voter token, through its own app.
 * It says `ready` on stderr once its runtime is open and starts at the first line on
 * stdin, so that both processes vote at the same time. Prints the statuses it got as JSON
 * on stdout.
 *
 * node --import tsx test/server/support/vote-process.ts <db> <comment id> <first> <count> <origin>
 */
import { createApp } from '../../../server/app.js';
import { buildRuntime } from '../../../server/bootstrap.js';
import { loadConfig } from '../../../server/config.js';

const [db = '', id = '', first = '0', count = '0', origin = ''] = process.argv.slice(2);
const runtime = await buildRuntime(loadConfig({ CONFAB_DB: db, CONFAB_RENDER_THREADS: '0' }), {
  widget: undefined,
  logger: { info: () => undefined, error: (m: string) => void process.stderr.write(`${m}\n`) },
});
const app = createApp(runtime.deps);
process.stderr.write('ready\n');
await new Promise<void>((resolve) =>
  process.stdin.once('data', () => {
    resolve();
  }),
);
const statuses = await Promise.all(
  Array.from({ length: Number(count) }, async (_, i) => {
    const n = Number(first) + i;
    const env = {
      incoming: { socket: { remoteAddress: `10.2.${Math.floor(n / 250)}.${n % 250}` } },
    };
    const res = await app.request(
      `/api/v1/comments/${id}/vote`,
      {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/json',
          Origin: origin,
          'Confab-Voter': `process-voter-${String(n).padStart(12, '0')}`,
        },
        body: JSON.stringify({ value: n % 4 === 0 ? -1 : 1 }),
      },
      env,
    );
    return res.status;
  }),
);
await runtime.close();
process.stdout.write(JSON.stringify(statuses));
