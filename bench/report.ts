/**
 * The bench's output: the machine, one Markdown table of the rows, the goals (issue 9's posting
 * goals and issue 11's live streams) with met / not met, and what went wrong (failed answers).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { percentile, type RowResult } from './load.js';
import { deliveryRowName, type HeldResult } from './live.js';
import type { Plan } from './plan.js';
import { postsRowName } from './rows.js';

export interface Goal {
  met: boolean;
  text: string;
  measured: string;
}

const MB = 1024 * 1024;

function ms(value: number): string {
  if (Number.isNaN(value)) return '–';
  return value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0);
}

const failures = (row: RowResult): number => row.responses - row.ok + row.netErrors;

/** The row's median server time: Server-Timing when every 2xx answer had it, else null. */
function serverTime(row: RowResult): number | null {
  return row.serverTimes.length > 0 && row.serverTimes.length === row.ok
    ? percentile(row.serverTimes, 50)
    : null;
}

export function machine(): string {
  let model = 'unknown CPU';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: the model stays unknown
  }
  const day = new Date().toISOString().slice(0, 16).replace('T', ' ');
  return `${model}, ${cpus().length} cores, Node ${process.version}, ${day} UTC`;
}

export function table(rows: readonly RowResult[]): string {
  const head = [
    'row',
    'conns',
    's',
    'req/s',
    'p50 ms',
    'p99 ms',
    'app p50 ms',
    'non-2xx',
    'net errors',
    'peak RSS MB',
    'server CPU',
    'bench CPU',
  ];
  const body = rows.map((r) => [
    r.name,
    String(r.connections),
    r.seconds.toFixed(1),
    (r.responses / r.seconds).toFixed(0),
    ms(percentile(r.latencies, 50)),
    ms(percentile(r.latencies, 99)),
    ms(serverTime(r) ?? NaN),
    String(r.responses - r.ok),
    String(r.netErrors),
    (r.peakRssBytes / MB).toFixed(0),
    `${(r.serverCpu * 100).toFixed(0)}%`,
    `${(r.benchCpu * 100).toFixed(0)}%`,
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.map((cells) => cells[i]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

function row(rows: readonly RowResult[], name: string): RowResult {
  const found = rows.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no row "${name}"`);
  return found;
}

/** The live streams' goals: what `held` open streams cost, and how fast a post reaches them. */
function liveGoals(plan: Plan, rows: readonly RowResult[], held: HeldResult): Goal[] {
  const { streams, posts } = plan.live;
  const delivery = row(rows, deliveryRowName(posts, streams));
  const p99 = percentile(delivery.latencies, 99);
  const growth = (held.heldRssBytes - held.beforeRssBytes) / MB;
  return [
    {
      met: held.held === plan.live.held && failures(held.row) === 0 && growth < 50,
      text: `${plan.live.held.toLocaleString('en')} open live streams held with < 50 MB more RSS`,
      measured: `${held.held.toLocaleString('en')} held, RSS ${(held.beforeRssBytes / MB).toFixed(0)} MB before, peak ${(held.heldRssBytes / MB).toFixed(0)} MB (+${growth.toFixed(1)} MB)`,
    },
    {
      met: delivery.ok === streams * posts && p99 < 1000,
      text: `a comment posted reaches ${streams.toLocaleString('en')} open streams in < 1 s (p99)`,
      measured: `${delivery.ok} of ${streams * posts} arrivals, p99 ${ms(p99)} ms, median ${ms(percentile(delivery.latencies, 50))} ms`,
    },
  ];
}

export function goals(plan: Plan, rows: readonly RowResult[], held: HeldResult): Goal[] {
  const ten = row(rows, postsRowName(plan.posts[0].writers));
  const tenRate = ten.ok / ten.seconds;
  const fifty = row(rows, postsRowName(plan.posts[1].writers));
  const fiftyP99 = percentile(fifty.latencies, 99);
  const pages = rows.filter((r) => r.name.startsWith('server time '));
  const times = pages.map((r) => ({ r, time: serverTime(r) ?? percentile(r.latencies, 50) }));
  const worst = times.reduce((a, b) => (b.time > a.time ? b : a));
  const timed = pages.every((r) => serverTime(r) !== null);
  const large = plan.threads[1]?.size ?? 0;
  return [
    {
      met: ten.connections === 10 && tenRate >= 400,
      text: '>= 400 posts/s at 10 writers',
      measured: `${tenRate.toFixed(0)} posts/s at ${ten.connections} writers`,
    },
    {
      met:
        fifty.connections === 50 &&
        fifty.seconds >= 29.5 &&
        failures(fifty) === 0 &&
        fiftyP99 <= 250,
      text: '50 writers for 30 s with 0 errors and p99 <= 250 ms',
      measured: `${fifty.connections} writers for ${fifty.seconds.toFixed(1)} s, ${failures(fifty)} errors, p99 ${ms(fiftyP99)} ms`,
    },
    {
      met: large >= 10_000 && worst.time <= 5,
      text: 'any page of a 10,000-comment thread in any sort <= 5 ms of server time',
      measured: `worst ${ms(worst.time)} ms (${worst.r.name.replace('server time ', '')}) of a ${large.toLocaleString('en')}-comment thread, ${timed ? 'median Server-Timing app;dur' : 'median latency at 1 connection: the server sent no Server-Timing'}`,
    },
    ...liveGoals(plan, rows, held),
  ];
}

/** Status counts and the first answers of every row that had failures. */
export function problems(rows: readonly RowResult[]): string[] {
  return rows
    .filter((r) => failures(r) > 0)
    .map((r) => {
      const statuses = [...r.failedStatuses].map(([s, n]) => `${n} × ${s}`).join(', ');
      const first = r.samples.map((s) => `\n    ${s}`).join('');
      return `- ${r.name}: ${statuses || 'no bad status'}; ${r.netErrors} timeouts or connection errors${first}`;
    });
}

export function goalLines(plan: Plan, list: readonly Goal[]): string[] {
  const lines = list.map((g) => `- ${g.met ? 'met' : 'not met'}: ${g.text} (${g.measured})`);
  if (plan.tiny)
    lines.push("- (tiny run: its sizes and durations are not the goals', so these say little)");
  return lines;
}
