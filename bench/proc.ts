/**
 * A process's memory and CPU from Linux's /proc, sampled while a row runs: VmRSS from
 * /proc/<pid>/status (peak over the samples), user + system time from /proc/<pid>/stat.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SAMPLE_MS = 50;

/** Clock ticks per second, the unit of /proc/<pid>/stat's times (almost always 100). */
export function clockTicks(): number {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout;
  const ticks = Number(out.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

/** Resident memory now, in bytes; 0 when the process is gone. */
export function residentBytes(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

/** CPU time used so far (user + system, all threads), in seconds; NaN when it cannot be read. */
export function cpuSeconds(pid: number, ticks: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return NaN;
  }
}

export interface Usage {
  peakRssBytes: number;
  /** CPU seconds per wall second: 1 is one core busy the whole time. */
  serverCpu: number;
  /** The same for the bench process (the load generator), for comparison. */
  benchCpu: number;
}

/** Starts sampling `pid`; `stop()` gives what it used since. */
export function watch(pid: number, ticks: number): { stop(): Usage } {
  const started = performance.now();
  const cpuStart = cpuSeconds(pid, ticks);
  const benchStart = process.cpuUsage();
  let peak = residentBytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, residentBytes(pid));
  }, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, residentBytes(pid));
      const seconds = (performance.now() - started) / 1000;
      const bench = process.cpuUsage(benchStart);
      return {
        peakRssBytes: peak,
        serverCpu: (cpuSeconds(pid, ticks) - cpuStart) / seconds,
        benchCpu: (bench.user + bench.system) / 1e6 / seconds,
      };
    },
  };
}
