import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../server/app.js';
import { buildRuntime } from '../../server/bootstrap.js';
import { loadConfig } from '../../server/config.js';
import type { CreateCommentResponse } from '../../server/contract.js';
import {
  backupDatabase,
  backupFileName,
  createBackupScheduler,
  restoreDatabase,
} from '../../server/services/data/backup.js';
import { addSite } from '../../server/services/sites/sites.js';
import {
  inspectDatabaseFile,
  openDatabase,
  type OpenedDatabase,
} from '../../server/store/dialect.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import { runCli, spawnCli, type Run } from './support/cli.js';

/** `confab <args>` on the database file `db`, in-process. */
const cli = (args: string[], db: string): Promise<Run> => runCli(args, { CONFAB_DB: db });

async function commentIds(file: string): Promise<Set<string>> {
  const opened = openDatabase(file);
  try {
    const rows = await opened.db.selectFrom('comments').select('id').execute();
    return new Set(rows.map((r) => r.id));
  } finally {
    await opened.close();
  }
}

describe('confab backup and restore', () => {
  let t: TestApp;
  let db: string;
  const opened: OpenedDatabase[] = [];
  /** A second connection on the test app's file, to back up from in-process (as `serve`). */
  const connect = (): OpenedDatabase => {
    const database = openDatabase(db);
    opened.push(database);
    return database;
  };
  before(async () => {
    t = await makeTestApp();
    db = join(t.dir, 'confab.sqlite');
  });
  after(async () => {
    for (const database of opened) await database.close();
    await t.close();
  });

  it('backs up while comments are being posted; the restore holds every acknowledged one', async () => {
    const acknowledged: string[] = [];
    const load_ = { writing: true };
    let failures = 0;
    let n = 0;
    // The load: comments posted through the real app on the same file, one after another.
    const load = (async () => {
      while (load_.writing) {
        n += 1;
        const res = await t.post(
          guestComment({ thread: `/load/${n % 7}/`, body: `Comment number ${n}` }),
        );
        if (res.status === 201) {
          acknowledged.push((await json<CreateCommentResponse>(res)).comment.id);
        } else {
          failures += 1;
        }
        // app.request() resolves without touching the event loop; let timers and pipes run.
        await new Promise((r) => setImmediate(r));
      }
    })();
    while (acknowledged.length < 50) await new Promise((r) => setTimeout(r, 5));

    // `confab backup` in another process, on its own connection, while the load goes on.
    const before = [...acknowledged];
    const file = join(t.dir, 'backups', 'during-load.sqlite');
    const run = await spawnCli(['backup', file], { CONFAB_DB: db });
    const duringBackup = acknowledged.length - before.length;
    load_.writing = false;
    await load;
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /verified/);
    assert.equal(failures, 0, 'every comment of the load was acknowledged');
    assert.ok(duringBackup > 0, 'comments were written while the backup ran');

    const copy = inspectDatabaseFile(file);
    assert.deepEqual(copy.integrity, ['ok']);
    assert.ok(!existsSync(`${file}-wal`), 'the backup is one file');

    // Restore it into a fresh database, as the documented procedure does.
    const target = join(t.dir, 'restored', 'confab.sqlite');
    const restored = await cli(['restore', file], target);
    assert.equal(restored.status, 0, restored.stderr);
    assert.match(restored.stdout, /Restored/);
    assert.deepEqual(inspectDatabaseFile(target).integrity, ['ok']);
    const ids = await commentIds(target);
    const missing = before.filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], 'every comment acknowledged before the backup started');
  });

  it('refuses to replace a file unless --force, and never leaves a partial file', async () => {
    const file = join(t.dir, 'backups', 'twice.sqlite');
    await backupDatabase(connect(), file);
    const second = await cli(['backup', file], db);
    assert.equal(second.status, 1);
    assert.match(second.stderr, /exists; pass --force/);
    await assert.rejects(backupDatabase(connect(), file), /exists; pass --force/);
    await backupDatabase(connect(), file, { force: true });
    assert.deepEqual(inspectDatabaseFile(file).integrity, ['ok']);
    assert.deepEqual(
      readdirSync(join(t.dir, 'backups')).filter((f) => f.includes('partial')),
      [],
    );
    await assert.rejects(backupDatabase(connect(), db, { force: true }), /the database itself/);
  });

  it('backs up only a database that exists', async () => {
    const missing = await cli(
      ['backup', join(t.dir, 'x.sqlite')],
      join(t.dir, 'nothing-here.sqlite'),
    );
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no database at/);
    assert.ok(!existsSync(join(t.dir, 'nothing-here.sqlite')), 'no database was created');
  });

  it('refuses to restore a damaged backup, a file that is not Confab, or over a running server', async () => {
    const garbage = join(t.dir, 'garbage.sqlite');
    writeFileSync(garbage, 'SQLite format 3\0 but not really, only some bytes '.repeat(200));
    const target = join(t.dir, 'target', 'confab.sqlite');
    await assert.rejects(
      restoreDatabase(garbage, target),
      /not a readable SQLite database|integrity_check/,
    );
    const foreign = join(t.dir, 'foreign.sqlite');
    const other = openDatabase(foreign);
    await other.db.schema.createTable('notes').addColumn('x', 'text').execute();
    await other.close();
    await assert.rejects(restoreDatabase(foreign, target), /not a Confab database/);
    assert.ok(!existsSync(target), 'nothing was written');

    // The test app holds `db` open, as a running server would.
    const good = join(t.dir, 'backups', 'good.sqlite');
    await backupDatabase(connect(), good);
    const busy = await cli(['restore', good], db);
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /in use \(is the server running\?\); stop it first, or pass --force/);
    await assert.rejects(restoreDatabase(good, db), /in use/);
  });

  it('restores over an existing database and migrates it', async () => {
    const source = join(t.dir, 'backups', 'source.sqlite');
    await backupDatabase(connect(), source);
    const target = join(t.dir, 'old', 'confab.sqlite');
    const old = openDatabase(target);
    await old.db.schema.createTable('leftover').addColumn('x', 'text').execute();
    await old.close();
    const result = await restoreDatabase(source, target);
    assert.deepEqual(result.migrated, []);
    const before = await commentIds(source);
    const after = await commentIds(target);
    assert.deepEqual([...after].sort(), [...before].sort());
    assert.ok(before.size > 50);
  });

  it('backs up on the server’s own connection while that connection writes', async () => {
    // As `serve` does: the scheduler shares buildRuntime's connection with the app.
    const config = loadConfig({ CONFAB_DB: join(t.dir, 'own', 'confab.sqlite') });
    const silent = { info: () => undefined, error: () => undefined };
    const { deps, database } = await buildRuntime(config, { logger: silent, widget: undefined });
    opened.push(database);
    await addSite(deps, 'blog', { origins: [ORIGIN], rateLimit: 0, minFillSeconds: 0 });
    // Some bulk, so the copy takes many steps of 100 pages (16 MB: about 4000 pages; each
    // post waits for its WAL sync, on the disk's time, so the copy must outlast a few).
    for (let i = 0; i < 32; i += 1) {
      await deps.db
        .insertInto('settings')
        .values({ key: `ballast-${i}`, value: 'x'.repeat(512 * 1024) })
        .execute();
    }
    const app = createApp(deps);
    const acknowledged: string[] = [];
    const state = { writing: true, failures: 0 };
    const load = (async () => {
      for (let n = 0; state.writing; n += 1) {
        const res = await app.request('/api/v1/comments', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
          body: JSON.stringify(guestComment({ thread: `/own/${n % 5}/`, body: `Own ${n}` })),
        });
        if (res.status === 201) {
          acknowledged.push((await json<CreateCommentResponse>(res)).comment.id);
        } else {
          state.failures += 1;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 5));
    const before = [...acknowledged];
    const file = join(t.dir, 'own-backup.sqlite');
    await backupDatabase(database, file);
    const during = acknowledged.length - before.length;
    state.writing = false;
    await load;
    assert.equal(state.failures, 0);
    assert.ok(during > 0, 'comments were written while the backup ran');
    assert.deepEqual(inspectDatabaseFile(file).integrity, ['ok']);
    const ids = await commentIds(file);
    assert.deepEqual(
      before.filter((id) => !ids.has(id)),
      [],
    );
  });

  it('takes scheduled backups and keeps only the newest ones', async () => {
    const dir = join(t.dir, 'scheduled');
    const database = connect();
    let clock = Date.parse('2026-03-14T12:00:00.000Z');
    const logs: string[] = [];
    const scheduler = createBackupScheduler({
      database,
      dir,
      everyMs: 3_600_000,
      keep: 3,
      logger: { info: (m) => logs.push(m), error: (m) => logs.push(`ERROR ${m}`) },
      now: () => new Date(clock),
    });
    for (let i = 0; i < 5; i += 1) {
      assert.ok(await scheduler.runOnce());
      clock += 3_600_000;
    }
    await scheduler.stop();
    assert.deepEqual(readdirSync(dir).sort(), [
      'confab-2026-03-14T140000Z.sqlite',
      'confab-2026-03-14T150000Z.sqlite',
      'confab-2026-03-14T160000Z.sqlite',
    ]);
    assert.equal(backupFileName(new Date(clock)), 'confab-2026-03-14T170000Z.sqlite');
    for (const name of readdirSync(dir)) {
      assert.deepEqual(inspectDatabaseFile(join(dir, name)).integrity, ['ok']);
    }
    assert.ok(logs.some((m) => /deleted 1 older/.test(m)));
    assert.ok(!logs.some((m) => m.startsWith('ERROR')), logs.join('\n'));
  });

  it('starts with a backup when the newest one is older than the interval', async () => {
    const dir = join(t.dir, 'started');
    const database = connect();
    const scheduler = createBackupScheduler({
      database,
      dir,
      everyMs: 3_600_000,
      keep: 7,
      logger: { info: () => undefined, error: () => undefined },
      now: () => new Date(),
    });
    scheduler.start();
    for (let i = 0; i < 200 && readdirSync(dir).length === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await scheduler.stop();
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('Z.sqlite')).length, 1);
  });

  it('reads --backup-dir, --backup-every and --backup-keep, and reports bad values', () => {
    const config = loadConfig(
      { CONFAB_BACKUP_DIR: '/var/backups/confab' },
      { 'backup-every': '6h' },
    );
    assert.equal(config.backupDir, '/var/backups/confab');
    assert.equal(config.backupEveryMs, 6 * 3_600_000);
    assert.equal(config.backupKeep, 7);
    assert.equal(loadConfig({}).backupDir, undefined);
    assert.throws(
      () =>
        loadConfig({
          CONFAB_BACKUP_DIR: '/b',
          CONFAB_BACKUP_EVERY: '10x',
          CONFAB_BACKUP_KEEP: '0',
        }),
      (error: Error) =>
        /--backup-every .* like 30m, 24h or 7d/.test(error.message) &&
        /--backup-keep .* from 1 to 1000/.test(error.message),
    );
    assert.throws(() => loadConfig({ CONFAB_BACKUP_EVERY: '1h' }), /need --backup-dir/);
  });
});
