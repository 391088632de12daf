/**
 * The SQLite driver (store/sqlite-driver.ts): reads never wait behind a write transaction,
 * writes take turns, a failed transaction leaves nothing, and what is committed is read at
 * once through the other connection.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql, type Generated, type Kysely } from 'kysely';
import { openDatabase, type OpenedDatabase } from '../../server/store/dialect.js';
import { WalSync } from '../../server/store/sqlite-driver.js';

interface Scratch {
  notes: { id: Generated<number>; text: string };
}

describe('the SQLite driver', () => {
  let dir: string;
  let opened: OpenedDatabase;
  let db: Kysely<Scratch>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confab-driver-'));
    opened = openDatabase(join(dir, 'scratch.sqlite'));
    db = opened.db as unknown as Kysely<Scratch>;
    await sql`create table notes (id integer primary key, text text not null unique)`.execute(db);
  });
  afterEach(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const texts = async (): Promise<string[]> =>
    (await db.selectFrom('notes').select('text').orderBy('id').execute()).map((r) => r.text);

  it('answers a read while a write transaction is open, with the last commit', async () => {
    await db.insertInto('notes').values({ text: 'first' }).execute();
    let readDuring: string[] = [];
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ text: 'uncommitted' }).execute();
      // Outside the transaction: the reader, which sees only what was committed.
      readDuring = await texts();
      // Inside it: the writer, which sees its own write.
      const inside = await trx.selectFrom('notes').select('text').execute();
      assert.equal(inside.length, 2);
    });
    assert.deepEqual(readDuring, ['first']);
    assert.deepEqual(await texts(), ['first', 'uncommitted']);
  });

  it('runs transactions one after another, in the order they were asked for', async () => {
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        db.transaction().execute(async (trx) => {
          order.push(`${name} begins`);
          await trx.insertInto('notes').values({ text: name }).execute();
          await new Promise((resolve) => setImmediate(resolve));
          order.push(`${name} ends`);
        }),
      ),
    );
    assert.deepEqual(order, ['a begins', 'a ends', 'b begins', 'b ends', 'c begins', 'c ends']);
    assert.deepEqual(await texts(), ['a', 'b', 'c']);
  });

  it('leaves nothing of a failed transaction, and the next one runs', async () => {
    await db.insertInto('notes').values({ text: 'taken' }).execute();
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ text: 'half' }).execute();
        await trx.insertInto('notes').values({ text: 'taken' }).execute();
      }),
      (error: { code?: string }) => error.code === 'SQLITE_CONSTRAINT_UNIQUE',
    );
    // A write outside a transaction waits for no one left behind.
    await db.insertInto('notes').values({ text: 'after' }).execute();
    assert.deepEqual(await texts(), ['taken', 'after']);
  });

  it('never writes through the reader', async () => {
    const write = sql`insert into notes (text) values ('sneaky')`;
    // A raw statement is not a select: it goes to the writer, under the lock.
    await write.execute(db);
    assert.deepEqual(await texts(), ['sneaky']);
  });
});

describe('syncing the WAL', () => {
  it('answers a flush only after a sync that began after it, and shares syncs', async () => {
    const syncs: (() => void)[] = [];
    const wal = new WalSync('x.sqlite-wal', () => new Promise<void>((done) => syncs.push(done)));
    const done: string[] = [];
    const flush = (name: string) => wal.flush().then(() => done.push(name));
    const first = flush('first');
    // Asked while the first sync runs: it may have begun before their writes, so they wait
    // for the next one, which they share.
    const second = flush('second');
    const third = flush('third');
    assert.equal(syncs.length, 1);
    syncs[0]?.();
    await first;
    assert.deepEqual(done, ['first']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(syncs.length, 2, 'the second and third share one sync');
    assert.deepEqual(done, ['first']);
    syncs[1]?.();
    await Promise.all([second, third]);
    assert.deepEqual(done, ['first', 'second', 'third']);
  });

  it('fails the writes it was to make durable when the sync fails', async () => {
    const wal = new WalSync('x.sqlite-wal', () =>
      Promise.reject(Object.assign(new Error('I/O error'), { code: 'EIO' })),
    );
    await assert.rejects(wal.flush(), { code: 'EIO' });
  });
});
