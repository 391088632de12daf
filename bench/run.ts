/**
 * `npm run bench`: the built server in a process of its own, on a fresh SQLite file seeded
 * with threads of 200 and 10,000 comments, loaded by autocannon from this process; one
 * table of the rows and the goals of issue 9. See docs/performance.md.
 *
 * Exits 1 when the server died, a row could not run or posts were not stored; goals that are
 * not met fail the run only with --check-goals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from './confab.js';
import { deliverPosts, holdStreams } from './live.js';
import { measure, type RowResult, type RowSpec } from './load.js';
import { pagePath } from './pages.js';
import { planFrom, type Plan } from './plan.js';
import { clockTicks } from './proc.js';
import { randomSource } from './random.js';
import { goalLines, goals, machine, problems, table } from './report.js';
import {
  healthzRow,
  mixedRows,
  pageTargets,
  postRow,
  postsRowName,
  readRow,
  serverTimeRow,
} from './rows.js';
import { seedSite, type SeededThread } from './seed.js';
import { checkStored } from './stored.js';

const progress = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

async function runRows(server: ServerProcess, plan: Plan, seeded: SeededThread[]) {
  const [small, large, live, ...postThreads] = seeded;
  const [smallPlan, largePlan] = plan.threads;
  if (
    small === undefined ||
    large === undefined ||
    smallPlan === undefined ||
    largePlan === undefined ||
    live === undefined
  ) {
    throw new Error('the plan needs two read threads and a live one');
  }
  const ticks = clockTicks();
  const results: RowResult[] = [];
  const run = async (...specs: RowSpec[]): Promise<RowResult[]> => {
    const started = performance.now();
    const rows = await measure(server, ticks, specs);
    results.push(...rows);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    progress(`  ${specs.map((s) => s.name).join(' + ')} (${seconds} s)`);
    // Let the server finish what the row left in flight before the next one starts.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return rows;
  };

  progress('finding the pages (walking nextCursor)');
  const smallPages = await pageTargets(server.url, small, smallPlan.label);
  const largePages = await pageTargets(server.url, large, largePlan.label);
  const warmup = largePages[0];
  if (plan.warmupSeconds > 0 && warmup !== undefined) {
    progress('warming up');
    await measure(server, ticks, [{ ...readRow(plan, warmup), duration: plan.warmupSeconds }]);
  }
  progress('rows:');
  await run(healthzRow(plan));
  for (const page of [...smallPages, ...largePages]) await run(readRow(plan, page));
  for (const page of largePages) await run(serverTimeRow(plan, page));
  const writing = { random: randomSource(9), threads: postThreads, stored: new Set<string>() };
  const writes: RowResult[] = [];
  for (const { writers, seconds } of plan.posts) {
    writes.push(...(await run(postRow(postsRowName(writers), writers, seconds, writing))));
  }
  const widget = smallPages.find((p) => p.path === pagePath(small.key, 'oldest', 50));
  if (widget === undefined) throw new Error("no row for the widget's request");
  const [mixedWrites] = await run(...mixedRows(plan, widget, writing));
  if (mixedWrites !== undefined) writes.push(mixedWrites);
  const held = await holdStreams(server, ticks, {
    n: plan.live.held,
    seconds: plan.live.holdSeconds,
    thread: live.key,
  });
  results.push(held.row);
  progress(`  ${held.row.name}`);
  const delivery = await deliverPosts(server, ticks, {
    n: plan.live.streams,
    posts: plan.live.posts,
    thread: live.key,
  });
  results.push(delivery);
  progress(`  ${delivery.name}`);
  progress('reading the posts back');
  // A writer leaves at most one post unanswered at the end of its row, and one per timeout.
  const unanswered = writes.reduce((n, r) => n + r.connections + r.netErrors, 0);
  const stored = await checkStored(server.url, postThreads, writing.stored, unanswered);
  const gone = server.exited();
  if (gone !== null) throw new Error(`the server died after the rows (${gone}):\n${server.log()}`);
  return { results, stored, held };
}

async function main(args: readonly string[]): Promise<number> {
  const plan = planFrom(args);
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
  const db = join(dir, 'bench.sqlite');
  let server: ServerProcess | undefined;
  try {
    const sizes = plan.threads.map((t) => t.size.toLocaleString('en')).join(' and ');
    progress(`seeding threads of ${sizes} comments`);
    // Other work on the machine takes cores from the server: the output says how much there was.
    const loadBefore = loadavg()[0] ?? NaN;
    const started = performance.now();
    const seeded = seedSite(dir, db, [...plan.threads, plan.live.thread, ...plan.postThreads]);
    const seedSeconds = (performance.now() - started) / 1000;
    server = await startServer(db);
    const { results, stored, held } = await runRows(server, plan, seeded);
    const met = goals(plan, results, held);
    const trouble = problems(results);
    console.log(`machine: ${machine()}`);
    console.log(
      `load average (1 min): ${loadBefore.toFixed(2)} before the run, ${(loadavg()[0] ?? NaN).toFixed(2)} after`,
    );
    console.log(
      `mode: ${plan.tiny ? 'tiny' : 'full'}; threads of ${sizes} comments (seeded in ${seedSeconds.toFixed(1)} s by import); server pid ${server.pid}`,
    );
    console.log('');
    console.log(table(results));
    console.log('');
    console.log('goals:');
    console.log(goalLines(plan, met).join('\n'));
    console.log('');
    console.log(stored.line);
    if (trouble.length > 0) {
      console.log('');
      console.log('failed answers:');
      console.log(trouble.join('\n'));
      console.log(`server log (last lines):\n${server.log()}`);
    }
    if (!stored.ok) {
      console.error('bench: the posts the server answered are not all stored (see "stored:")');
      return 1;
    }
    return plan.checkGoals && met.some((g) => !g.met) ? 1 : 0;
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
