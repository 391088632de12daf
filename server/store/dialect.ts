/**
 * @module store/dialect
 * Opens the database. The only module that imports a database driver. SQLite is one file
 * in WAL mode with foreign keys, a busy timeout, `synchronous=FULL` (a 2xx means the
 * comment survived a power cut) and `BEGIN IMMEDIATE` transactions: a deferred
 * transaction that reads and then writes can hit SQLITE_BUSY despite the timeout.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface OpenedDatabase {
  db: Db;
  dialect: 'sqlite';
  /** What the database is, for logs: a file path (never a password). */
  description: string;
  close(): Promise<void>;
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** Did a write fail on a UNIQUE constraint? (SQLite's code; PostgreSQL's is 23505.) */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** Opens `location`: a SQLite file path (created with its folder if missing). */
export function openDatabase(location: string): OpenedDatabase {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new Error('PostgreSQL is not supported yet; use a SQLite file path for --db');
  }
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
  const sqlite = new SQLite(location);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    description: location,
    close: () => db.destroy(),
  };
}
