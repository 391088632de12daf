/**
 * @module services/common/storage
 * Whether the database can be written. A write that fails for want of storage (a full
 * disk, a read-only or failing file) is answered `503 storage_unavailable` and noted
 * here; `/healthz` then reports it, and tries a small write of its own each time it is
 * asked, until one succeeds. Reads go on meanwhile: what was saved stays readable.
 */
import type { Db } from '../../store/dialect.js';
import { upsertSetting } from '../../store/settings.js';

export interface StorageProblem {
  /** What the database said (`SQLITE_FULL: database or disk is full`). */
  readonly error: string;
  /** When writes first failed. */
  readonly since: string;
}

export interface StorageHealth {
  /** A write failed for want of storage. */
  failed(cause: unknown): void;
  /** The failure since when writes fail, or null while they work. */
  readonly problem: StorageProblem | null;
  /** When a write failed: tries one, and clears the problem if it works. */
  probe(db: Db): Promise<StorageProblem | null>;
}

function describe(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

export function createStorageHealth(now: () => Date): StorageHealth {
  let problem: StorageProblem | null = null;
  return {
    failed(cause) {
      problem = { error: describe(cause), since: problem?.since ?? now().toISOString() };
    },
    get problem() {
      return problem;
    },
    async probe(db) {
      if (problem === null) return null;
      const { since } = problem;
      try {
        await upsertSetting(db, 'healthz.write', now().toISOString());
        problem = null;
      } catch (error) {
        problem = { error: describe(error), since };
      }
      return problem;
    },
  };
}
