/**
 * @module store/dialect
 * Opens the database. With sqlite-driver.ts, the only module that imports a database
 * driver. SQLite is one file in WAL mode with foreign keys, a busy timeout, every commit
 * synced before it is acknowledged (a 2xx means the comment survived a power cut; the sync
 * runs off the event loop, see sqlite-driver.ts) and `BEGIN IMMEDIATE` transactions: a
 * deferred transaction that reads and then writes can hit SQLITE_BUSY despite the timeout.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { SqliteFileDialect, WalSync } from './sqlite-driver.js';

export type Db = Kysely<Database>;

export interface OpenedDatabase {
  db: Db;
  dialect: 'sqlite';
  /** What the database is, for logs: a file path (never a password). */
  description: string;
  /**
   * An online copy into `file` through SQLite's backup API while writes go on (never a file
   * copy), left as one self-contained file (rollback journal, no `-wal`).
   */
  backup(file: string): Promise<void>;
  close(): Promise<void>;
}

/** What `inspectDatabaseFile` finds: `PRAGMA integrity_check` lines and applied migrations. */
export interface DatabaseFileReport {
  integrity: string[];
  /** Names from Kysely's migration table, or undefined when it has none (not Confab's). */
  migrations: string[] | undefined;
}

/** Checks a database file (a backup) without writing to it. Throws if it is not SQLite. */
export function inspectDatabaseFile(file: string): DatabaseFileReport {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = sqlite.pragma('integrity_check', { simple: false }) as {
      integrity_check: string;
    }[];
    const table = sqlite
      .prepare("select name from sqlite_master where type = 'table' and name = 'kysely_migration'")
      .get();
    const migrations =
      table === undefined
        ? undefined
        : (sqlite
            .prepare('select name from kysely_migration order by name')
            .pluck()
            .all() as string[]);
    return { integrity: integrity.map((r) => r.integrity_check), migrations };
  } finally {
    sqlite.close();
  }
}

/**
 * Is another connection (a running server, another process) holding `file` open? Tries for
 * an exclusive lock without waiting; a file that does not exist is not in use.
 */
export function isDatabaseInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const sqlite = new SQLite(file, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 0');
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.exec('begin exclusive');
    sqlite.exec('commit');
    return false;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    sqlite.close();
  }
}

/** Writes the database in `source` (a backup) over `target` through SQLite's backup API. */
export async function copyDatabaseFile(source: string, target: string): Promise<void> {
  const sqlite = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    await sqlite.backup(target);
  } finally {
    sqlite.close();
  }
}

/**
 * Copies an open database into `file` and makes the copy a single rollback-journal file.
 * The copy goes 100 pages per turn of the event loop, so a server keeps answering; writes on
 * this connection are folded in as it goes. A write by another process restarts it, so after
 * a restart the rest is copied in one step (one read transaction), which always finishes.
 */
async function backupInto(sqlite: SQLite.Database, file: string): Promise<void> {
  let last = Infinity;
  await sqlite.backup(file, {
    progress: ({ remainingPages }) => {
      const restarted = remainingPages >= last;
      last = remainingPages;
      return restarted ? Math.max(remainingPages, 100) : 100;
    },
  });
  const copy = new SQLite(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/**
 * Did the database fail for want of storage rather than because of the request? A full
 * disk, a read-only or failing file, a lock held past the busy timeout (SQLite); the
 * WAL's sync failing (the file system's codes); a full disk, too little memory or a lost
 * connection (PostgreSQL's classes 53 and 08).
 */
export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM|PROTOCOL)/.test(code) ||
    /^(EIO|ENOSPC|EROFS|EDQUOT)$/.test(code) ||
    /^(53|08)[0-9A-Z]{3}$/.test(code)
  );
}

/** Did a write fail on a FOREIGN KEY constraint? (SQLite's code; PostgreSQL's is 23503.) */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

/** Did a write fail on a UNIQUE constraint? (SQLite's code; PostgreSQL's is 23505.) */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/**
 * The settings every connection to the file gets. `synchronous=NORMAL` leaves the WAL's
 * sync to the driver, which syncs it after every commit before answering (as FULL would,
 * but off the event loop); checkpoints still sync as SQLite always does.
 */
function configure(sqlite: SQLite.Database): SQLite.Database {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

/**
 * Opens `location`: a SQLite file path (created with its folder if missing), through a
 * writer and a reader connection (see store/sqlite-driver.ts); `:memory:` through one.
 */
export function openDatabase(location: string): OpenedDatabase {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new Error('PostgreSQL is not supported yet; use a SQLite file path for --db');
  }
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
  const writer = configure(new SQLite(location));
  let reader = writer;
  if (location !== ':memory:') {
    reader = configure(new SQLite(location));
    // The reader only reads: a write on it would not take the write lock.
    reader.pragma('query_only = ON');
  }
  const wal = new WalSync(location === ':memory:' ? undefined : `${location}-wal`);
  const db = new Kysely<Database>({ dialect: new SqliteFileDialect(writer, reader, wal) });
  return {
    db,
    dialect: 'sqlite',
    description: location,
    backup: (file) => backupInto(writer, file),
    close: () => db.destroy(),
  };
}
