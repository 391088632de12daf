/**
 * @module store/sqlite-driver
 * Kysely's SQLite dialect over two connections to one WAL file: a writer and a reader.
 *
 * better-sqlite3 runs each statement synchronously, so one connection would make every
 * read wait behind every write transaction in the queue (readers starved under a burst of
 * posts). In WAL mode a reader never waits for the writer: it sees the last commit. So:
 * - a transaction (Kysely's `transaction()`) takes the write lock, runs `BEGIN IMMEDIATE`
 *   on the writer, and every statement inside it, reads included, goes to the writer;
 * - a write outside a transaction takes the write lock for that one statement;
 * - a read outside a transaction goes straight to the reader, without waiting.
 * One writer in the process also means its busy timeout never waits on itself.
 *
 * Durability is `synchronous=FULL`'s, without its wait on the event loop: SQLite commits
 * with `synchronous=NORMAL` (the WAL frames written, not synced), and the caller is answered
 * only once an fsync of the WAL file that began after the commit has finished. That fsync
 * runs on libuv's thread pool, so other requests go on meanwhile, and commits that land
 * while one is running share the next (group commit). FULL made the fsync part of every
 * commit, on the event loop: a post spent more time waiting for the disk than working.
 *
 * Each statement is prepared once per connection: the server runs the same few dozen
 * statements over and over, and preparing is a good part of a short query's cost. A full
 * disk or an I/O error makes SQLite roll a transaction back by itself; the rollback that
 * follows is then skipped, so the error that caused it is the one reported.
 */
import { open } from 'node:fs/promises';
import type SQLite from 'better-sqlite3';
import {
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/** Statements of one connection, each prepared on first use. */
class Statements {
  readonly #sqlite: SQLite.Database;
  readonly #prepared = new Map<string, SQLite.Statement>();

  constructor(sqlite: SQLite.Database) {
    this.#sqlite = sqlite;
  }

  run<R>(query: CompiledQuery): QueryResult<R> {
    let statement = this.#prepared.get(query.sql);
    if (statement === undefined) {
      statement = this.#sqlite.prepare(query.sql);
      // Queries are built from a fixed set of shapes; a runaway set is cut, oldest first.
      if (this.#prepared.size >= 1000)
        this.#prepared.delete(this.#prepared.keys().next().value ?? '');
      this.#prepared.set(query.sql, statement);
    }
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(...parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(...parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  *iterate<R>(query: CompiledQuery): Generator<QueryResult<R>> {
    const statement = this.#sqlite.prepare(query.sql);
    for (const row of statement.iterate(...(query.parameters as unknown[]))) {
      yield { rows: [row as R] };
    }
  }
}

/** One writer at a time, first come first served. */
class WriteLock {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves when the lock is this caller's; call the returned function to hand it on. */
  async acquire(): Promise<() => void> {
    let release = (): void => undefined;
    const previous = this.#tail;
    this.#tail = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  }
}

/**
 * Makes what was written to the WAL durable: {@link flush} resolves once an fsync that began
 * after the call has finished. One fsync runs at a time; calls made while one runs share the
 * next.
 */
export class WalSync {
  readonly #file: string | undefined;
  readonly #sync: (file: string) => Promise<void>;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  /** `file` is the `-wal` file (none for an in-memory database); `sync` syncs it to disk. */
  constructor(file: string | undefined, sync: (file: string) => Promise<void> = fsyncFile) {
    this.#file = file;
    this.#sync = sync;
  }

  flush(): Promise<void> {
    if (this.#file === undefined) return Promise.resolve();
    const running = this.#running;
    if (running === undefined) return this.#start(this.#file);
    const file = this.#file;
    this.#next ??= running.then(
      () => this.#startNext(file),
      () => this.#startNext(file),
    );
    return this.#next;
  }

  #startNext(file: string): Promise<void> {
    this.#next = undefined;
    return this.#start(file);
  }

  #start(file: string): Promise<void> {
    const run = this.#sync(file).finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }
}

/** An fsync of `file` (Linux syncs the file, whichever descriptor asks). */
async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** What Kysely holds while it runs a query or a transaction. */
class Lease implements DatabaseConnection {
  /** Set while this lease holds the write lock for a transaction. */
  release: (() => void) | undefined;
  readonly #driver: SqliteFileDriver;

  constructor(driver: SqliteFileDriver) {
    this.#driver = driver;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { writer, reader, lock, wal } = this.#driver;
    if (this.release !== undefined) return writer.run<R>(query);
    if (SelectQueryNode.is(query.query)) return reader.run<R>(query);
    const release = await lock.acquire();
    let result: QueryResult<R>;
    try {
      result = writer.run<R>(query);
    } finally {
      release();
    }
    await wal.flush();
    return result;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- better-sqlite3 iterates synchronously
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) {
      throw new Error('only select queries can be streamed');
    }
    const { writer, reader } = this.#driver;
    yield* (this.release === undefined ? reader : writer).iterate<R>(query);
  }
}

/** The lease Kysely hands back to the driver (it only ever gets its own). */
function asLease(connection: DatabaseConnection): Lease {
  if (connection instanceof Lease) return connection;
  throw new TypeError('not a connection of this driver');
}

class SqliteFileDriver implements Driver {
  readonly writer: Statements;
  readonly reader: Statements;
  readonly lock = new WriteLock();
  readonly wal: WalSync;
  readonly #writer: SQLite.Database;
  readonly #reader: SQLite.Database;

  constructor(writer: SQLite.Database, reader: SQLite.Database, wal: WalSync) {
    this.#writer = writer;
    this.#reader = reader;
    this.wal = wal;
    this.writer = new Statements(writer);
    this.reader = new Statements(reader);
  }

  async init(): Promise<void> {
    // Both connections are open already.
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new Lease(this));
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = asLease(connection);
    lease.release = await this.lock.acquire();
    try {
      this.#writer.exec('begin immediate');
    } catch (error) {
      this.#end(lease);
      throw error;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      this.#writer.exec('commit');
    } finally {
      // A failed commit leaves SQLite in the transaction; Kysely then rolls back.
      if (!this.#writer.inTransaction) this.#end(asLease(connection));
    }
    // The next writer goes on while this commit reaches the disk.
    await this.wal.flush();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = asLease(connection);
    // Committed, then the flush failed: the writer is another transaction's by now.
    if (lease.release === undefined) return Promise.resolve();
    try {
      if (this.#writer.inTransaction) this.#writer.exec('rollback');
    } finally {
      this.#end(lease);
    }
    return Promise.resolve();
  }

  async releaseConnection(): Promise<void> {
    // A lease holds nothing between queries; a transaction's lock ends with it.
  }

  async destroy(): Promise<void> {
    if (this.#reader !== this.#writer) this.#reader.close();
    this.#writer.close();
    return Promise.resolve();
  }

  #end(lease: Lease): void {
    const release = lease.release;
    lease.release = undefined;
    release?.();
  }
}

/** Kysely's SQLite dialect, with the driver above. */
export class SqliteFileDialect implements Dialect {
  readonly #writer: SQLite.Database;
  readonly #reader: SQLite.Database;
  readonly #wal: WalSync;

  /** `wal` makes the writer's commits durable (its connection commits without syncing). */
  constructor(writer: SQLite.Database, reader: SQLite.Database, wal: WalSync) {
    this.#writer = writer;
    this.#reader = reader;
    this.#wal = wal;
  }

  createDriver(): Driver {
    return new SqliteFileDriver(this.#writer, this.#reader, this.#wal);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's own signature
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
