/**
 * @module cli/backup
 * The data-keeping commands of `confab`: `backup`, `restore`, `user export` and
 * `user erase`. `cli/main.ts` dispatches here; the work is in services/data/backup and
 * services/data/reader-data.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';
import { buildRuntime } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { backupDatabase, BackupError, restoreDatabase } from '../services/data/backup.js';
import { eraseReader, exportReaderData, findAccountUser } from '../services/data/reader-data.js';
import { findSite } from '../services/sites/sites.js';
import { openDatabase } from '../store/dialect.js';

/** `confab backup <file> [--db ...] [--force]`: an online, verified backup. */
export async function runBackup(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { db: { type: 'string' }, force: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new BackupError('usage: confab backup <file>');
  const config = loadConfig(env, { db: values.db });
  // Never create (or migrate) the database being backed up: a typo must not make a new one.
  if (!existsSync(config.db)) throw new BackupError(`no database at ${config.db}`);
  const database = openDatabase(config.db);
  try {
    const result = await backupDatabase(database, file, { force: values.force === true });
    io.out(
      `Backed up ${database.description} to ${result.file} (${result.bytes} bytes, verified).`,
    );
  } finally {
    await database.close();
  }
}

/** `confab restore <backup> [--db ...] [--force]`: replaces the database, then migrates. */
export async function runRestore(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { db: { type: 'string' }, force: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    throw new BackupError('usage: confab restore <backup>');
  }
  const config = loadConfig(env, { db: values.db });
  const { migrated } = await restoreDatabase(file, config.db, { force: values.force === true });
  io.out(
    `Restored ${file} into ${config.db}` +
      (migrated.length > 0 ? ` and applied ${migrated.length} migration(s).` : '.'),
  );
}

/**
 * `confab user export <provider:id> [--site S]` (JSON on stdout) and
 * `confab user erase <provider:id> [--site S]` (every site without --site).
 */
export async function runUserData(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { db: { type: 'string' }, site: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, account, ...extra] = positionals;
  if ((action !== 'export' && action !== 'erase') || account === undefined || extra.length > 0) {
    throw new BackupError('usage: confab user export|erase <provider:id> [--site <id>]');
  }
  const { deps, database } = await buildRuntime(loadConfig(env, { db: values.db }), {
    widget: undefined,
  });
  try {
    const siteId = values.site;
    if (siteId !== undefined && (await findSite(deps, siteId)) === undefined) {
      throw new BackupError(`no site "${siteId}"`);
    }
    let userId: string | undefined;
    try {
      userId = await findAccountUser(deps, account);
    } catch (error) {
      throw new BackupError(error instanceof Error ? error.message : String(error));
    }
    if (userId === undefined) throw new BackupError(`nobody has signed in as ${account}`);
    if (action === 'export') {
      const data = await exportReaderData(deps, { userId, siteId });
      io.out(JSON.stringify(data, null, 2));
      return;
    }
    const summary = await eraseReader(deps, { userId, siteId });
    if (summary === undefined) throw new BackupError(`nobody has signed in as ${account}`);
    const outcome = {
      deleted: 'account deleted',
      kept: 'account kept (comments on other sites)',
      blanked: 'account kept without name or picture (an active ban)',
    }[summary.account];
    io.out(
      `Erased ${account}${siteId === undefined ? ' on every site' : ` on ${siteId}`}: ` +
        `${summary.removed} comment(s) removed, ${summary.placeholders} left as placeholders, ` +
        `${summary.subscriptionsRemoved} subscription(s) removed, ` +
        `${summary.sessionsRevoked} session(s) revoked, ${summary.rolesRemoved} role(s) removed, ` +
        `${outcome}.`,
    );
  } finally {
    await database.close();
  }
}
