/**
 * @module services/common/storage
 * Whether the database can be written. A write that fails for want of storage (a full
 * disk, a read-only or failing file) is answered `503 storage_unavailable` and noted
 * here. `/healthz` then reports it for as long as such failures go on, and for a minute
 * after the last one (so a load balancer does not flap on a disk that is nearly full);
 * past that, it tries a small write of its own and is healthy again once one succeeds.
 * Reads go on meanwhile: what was saved stays readable.
 */
import type { Db } from '../../store/dialect.js';
import { upsertSetting } from '../../store/settings.js';

/** How long after the last failed write the server still reports it. */
export const STORAGE_HOLD_MS = 60_000;

export interface StorageProblem {
  /** What the database said (`SQLITE_FULL: database or disk is full`). */
  readonly error: string;
  /** When writes first failed. */
  readonly since: string;
  /** The last time a write failed. */
  readonly last: string;
}

export interface StorageHealth {
  /** A write failed for want of storage. */
  failed(cause: unknown): void;
  /** The problem while it lasts (see the module comment); null once writes work. */
  check(db: Db): Promise<StorageProblem | null>;
}

function describe(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

export function createStorageHealth(now: () => Date): StorageHealth {
  let problem: StorageProblem | null = null;
  const failed = (cause: unknown): void => {
    const at = now().toISOString();
    problem = { error: describe(cause), since: problem?.since ?? at, last: at };
  };
  return {
    failed,
    async check(db) {
      if (problem === null) return null;
      if (now().getTime() - Date.parse(problem.last) < STORAGE_HOLD_MS) return problem;
      try {
        await upsertSetting(db, 'healthz.write', now().toISOString());
        problem = null;
      } catch (error) {
        failed(error);
      }
      return problem;
    },
  };
}
