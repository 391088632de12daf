/**
 * @module services/data/backup
 * Online backups, scheduled backups with retention, and restore. A backup is made with
 * SQLite's backup API into a temporary file next to the target, checked with
 * `PRAGMA integrity_check`, and only then given its name: a file called a backup is one.
 */
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  linkSync,
  chmodSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../../deps.js';
import {
  copyDatabaseFile,
  inspectDatabaseFile,
  isDatabaseInUse,
  openDatabase,
  type OpenedDatabase,
} from '../../store/dialect.js';
import { migrateToLatest } from '../../store/migrate.js';

/** A backup or restore that cannot go ahead; the message is for the person at the terminal. */
export class BackupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackupError';
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
}

/** Throws unless `file` is an intact SQLite database with Confab's migration table. */
function verify(file: string): string[] {
  let report;
  try {
    report = inspectDatabaseFile(file);
  } catch (error) {
    throw new BackupError(`${file} is not a readable SQLite database`, { cause: error });
  }
  if (report.integrity.length !== 1 || report.integrity[0] !== 'ok') {
    throw new BackupError(
      `${file} fails PRAGMA integrity_check: ${report.integrity.slice(0, 5).join('; ')}`,
    );
  }
  if (report.migrations === undefined) {
    throw new BackupError(`${file} is not a Confab database (it has no migration table)`);
  }
  return report.migrations;
}

function removeSidecars(file: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}

/**
 * Backs `database` up into `file` while it stays in use. Refuses to replace an existing file
 * unless `force`. The copy is verified before it takes the name.
 */
export async function backupDatabase(
  database: OpenedDatabase,
  file: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  const target = resolve(file);
  if (target === resolve(database.description)) {
    throw new BackupError('the backup cannot be the database itself');
  }
  if (existsSync(target) && options.force !== true) {
    throw new BackupError(`${file} exists; pass --force to replace it`);
  }
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const partial = `${target}.partial-${randomUUID().slice(0, 8)}`;
  try {
    await database.backup(partial);
    // A backup holds emails and the server secret: for the owner's eyes only.
    chmodSync(partial, 0o600);
    verify(partial);
    if (options.force === true) {
      // A stale -wal beside the old file would be replayed into the new one: remove it too.
      removeSidecars(target);
      renameSync(partial, target);
    } else {
      // link() never replaces: a file that appeared meanwhile is not overwritten.
      try {
        linkSync(partial, target);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'EEXIST') {
          throw new BackupError(`${file} exists; pass --force to replace it`);
        }
        throw error;
      }
    }
  } finally {
    rmSync(partial, { force: true });
    removeSidecars(partial);
  }
  return { file: target, bytes: statSync(target).size };
}

/** The migrations this version of Confab knows, in order. */
async function knownMigrations(): Promise<string[]> {
  const scratch = openDatabase(':memory:');
  try {
    return await migrateToLatest(scratch.db);
  } finally {
    await scratch.close();
  }
}

export interface RestoreResult {
  /** Migrations run on the restored database (a backup from an older version). */
  migrated: string[];
}

/**
 * Replaces the database at `target` with the backup `file`, written through SQLite's backup
 * API, then migrates it. Refuses a damaged backup, one from a newer Confab, and a target
 * another process holds open (a running server) unless `force`.
 */
export async function restoreDatabase(
  file: string,
  target: string,
  options: { force?: boolean } = {},
): Promise<RestoreResult> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  if (resolve(file) === resolve(target)) {
    throw new BackupError('the backup and the database are the same file');
  }
  const applied = verify(file);
  const known = new Set(await knownMigrations());
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new BackupError(
      `${file} comes from a newer Confab (unknown migrations: ${unknown.join(', ')}); upgrade first`,
    );
  }
  if (isDatabaseInUse(target) && options.force !== true) {
    throw new BackupError(
      `${target} is in use (is the server running?); stop it first, or pass --force`,
    );
  }
  mkdirSync(dirname(resolve(target)), { recursive: true });
  await copyDatabaseFile(file, target);
  const restored = openDatabase(target);
  try {
    return { migrated: await migrateToLatest(restored.db) };
  } finally {
    await restored.close();
  }
}

// --- scheduled backups ------------------------------------------------------------------

const NAME = /^confab-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})Z\.sqlite$/;
/** setTimeout's longest wait; longer intervals wake up and wait again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `confab-2026-11-27T193934Z.sqlite`: UTC, sorts by time, no colons (Windows-safe). */
export function backupFileName(at: Date): string {
  return `confab-${at.toISOString().slice(0, 19).replace(/:/g, '')}Z.sqlite`;
}

/** The scheduled backups in `dir`, oldest first, with when they were taken. */
export function listBackups(dir: string): { file: string; at: Date }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, match: NAME.exec(name) }))
    .filter((entry) => entry.match !== null)
    .map(({ name, match }) => {
      const [, day, h, m, s] = match ?? [];
      return { file: join(dir, name), at: new Date(`${day}T${h}:${m}:${s}Z`) };
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Deletes the oldest scheduled backups beyond `keep`; returns the deleted paths. */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const old = all.slice(0, Math.max(0, all.length - keep));
  for (const { file } of old) rmSync(file, { force: true });
  return old.map((b) => b.file);
}

export interface BackupSchedule {
  database: OpenedDatabase;
  dir: string;
  everyMs: number;
  keep: number;
  logger: Logger;
  now: () => Date;
}

export interface BackupScheduler {
  /** Arms the timer: the first backup is due one interval after the newest one in `dir`. */
  start(): void;
  /** Takes one scheduled backup now and prunes; undefined if it failed (it is logged). */
  runOnce(): Promise<string | undefined>;
  /** Stops the timer and waits for a backup in progress, so the database can close. */
  stop(): Promise<void>;
}

export function createBackupScheduler(schedule: BackupSchedule): BackupScheduler {
  const { database, dir, everyMs, keep, logger, now } = schedule;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<string | undefined> | undefined;
  let stopped = false;

  const runOnce = (): Promise<string | undefined> => {
    running ??= (async () => {
      const file = join(dir, backupFileName(now()));
      try {
        const { bytes } = await backupDatabase(database, file);
        const pruned = pruneBackups(dir, keep);
        logger.info(
          `backup written: ${file} (${bytes} bytes)` +
            (pruned.length > 0 ? `; deleted ${pruned.length} older` : ''),
        );
        return file;
      } catch (error) {
        logger.error(`scheduled backup to ${file} failed`, error);
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const arm = (dueAt: number): void => {
    if (stopped) return;
    const wait = Math.max(0, Math.min(dueAt - now().getTime(), MAX_TIMER_MS));
    timer = setTimeout(() => {
      if (now().getTime() < dueAt) {
        arm(dueAt);
        return;
      }
      void runOnce().then(() => {
        arm(now().getTime() + everyMs);
      });
    }, wait);
    timer.unref();
  };

  return {
    start: () => {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const newest = listBackups(dir).at(-1);
      const dueAt = newest === undefined ? now().getTime() : newest.at.getTime() + everyMs;
      logger.info(`backups every ${everyMs / 60_000} min into ${dir}, keeping ${keep}`);
      arm(dueAt);
    },
    runOnce,
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
