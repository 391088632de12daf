/**
 * One row of the table: autocannon against the server process, with every response's
 * latency, status and `Server-Timing` kept, and the server's memory and CPU sampled while it
 * runs. Rows that run together (the mixed row) share one sample of the server.
 */
import autocannon from 'autocannon';
import type { ServerProcess } from './confab.js';
import { watch, type Usage } from './proc.js';

export interface RowSpec {
  name: string;
  connections: number;
  /** Seconds to run; or `amount` requests in all. */
  duration?: number;
  amount?: number;
  requests: autocannon.Request[];
}

export interface RowResult extends Usage {
  name: string;
  connections: number;
  seconds: number;
  responses: number;
  /** 2xx answers. */
  ok: number;
  /** Answers by status, for those that are not 2xx. */
  failedStatuses: Map<number, number>;
  /** Timeouts (no answer in 10 s) and connection errors. */
  netErrors: number;
  /** Latency of every answer, ms, sorted. */
  latencies: Float64Array;
  /** `Server-Timing: app;dur=` of every 2xx answer that had one, ms, sorted. */
  serverTimes: Float64Array;
  /** The first few failed answers, as `status body`, for the report. */
  samples: string[];
}

const TIMEOUT_S = 10;
const SAMPLES = 3;

/** `app;dur=1.25` in a Server-Timing header (several metrics may be listed). */
export function appDuration(header: string | string[] | undefined): number | null {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const match = /(?:^|,)\s*app\s*;(?:[^,]*;)?\s*dur=([\d.]+)/.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function runOne(url: string, spec: RowSpec): Promise<Omit<RowResult, keyof Usage>> {
  const latencies: number[] = [];
  const serverTimes: number[] = [];
  const samples: string[] = [];
  const requests = spec.requests.map((request): autocannon.Request => ({
    ...request,
    onResponse(status, body, context, headers) {
      if (status >= 200 && status < 300) {
        const dur = appDuration(headers['server-timing']);
        if (dur !== null) serverTimes.push(dur);
      } else if (samples.length < SAMPLES) {
        samples.push(`${status} ${body.slice(0, 300)}`);
      }
      request.onResponse?.(status, body, context, headers);
    },
  }));
  const started = performance.now();
  const instance = autocannon({
    url,
    connections: spec.connections,
    timeout: TIMEOUT_S,
    requests,
    // autocannon checks for the end of a run at each sample: often, so short rows end on time.
    sampleInt: 100,
    ...(spec.amount === undefined ? { duration: spec.duration ?? 1 } : { amount: spec.amount }),
  });
  instance.on('response', (_client, _status, _bytes, ms) => {
    latencies.push(ms);
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const failedStatuses = new Map<number, number>();
  let ok = 0;
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
    const status = Number(code);
    if (status >= 200 && status < 300) ok += count;
    else failedStatuses.set(status, count);
  }
  return {
    name: spec.name,
    connections: spec.connections,
    seconds,
    responses: latencies.length,
    ok,
    failedStatuses,
    netErrors: result.errors,
    latencies: Float64Array.from(latencies).sort(),
    serverTimes: Float64Array.from(serverTimes).sort(),
    samples,
  };
}

/**
 * Runs the rows at the same time and samples the server meanwhile. Throws when a row could
 * not run or the server died: the table would be meaningless.
 */
export async function measure(
  server: ServerProcess,
  ticks: number,
  specs: readonly RowSpec[],
): Promise<RowResult[]> {
  const sampler = watch(server.pid, ticks);
  const runs = await Promise.all(specs.map((spec) => runOne(server.url, spec)));
  const usage = sampler.stop();
  const gone = server.exited();
  if (gone !== null) {
    throw new Error(`the server died during "${specs[0]?.name ?? ''}" (${gone}):\n${server.log()}`);
  }
  // No answer and no error: nothing was measured (a row that only timed out is a result).
  for (const run of runs) {
    if (run.responses === 0 && run.netErrors === 0) {
      throw new Error(`"${run.name}" sent nothing or got nothing back:\n${server.log()}`);
    }
  }
  return runs.map((run) => ({ ...run, ...usage }));
}
