/**
 * @module store/imports
 * SQL for imports and exports: the import-source memory (which comment each source record
 * became, per site and format), batched writes inside the import's one transaction, and
 * the paged reads an export streams from.
 */
import type { Db } from './dialect.js';
import type {
  CommentRow,
  NewCommentRow,
  NewSiteRow,
  SiteRow,
  ThreadRow,
  UserRow,
} from './schema.js';

export interface ImportSourceInsert {
  site_id: string;
  format: string;
  source_id: string;
  comment_id: string;
  kind: string;
  imported_at: string;
}

/** Source id -> comment id, for everything already imported from this format. */
export async function findImportedSources(
  db: Db,
  siteId: string,
  format: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('import_sources')
    .select(['source_id', 'comment_id'])
    .where('site_id', '=', siteId)
    .where('format', '=', format)
    .execute();
  return new Map(rows.map((r) => [r.source_id, r.comment_id]));
}

export async function insertImportSources(
  db: Db,
  rows: readonly ImportSourceInsert[],
): Promise<void> {
  if (rows.length === 0) return;
  // A restored export may name sources this database already remembers: keep the first.
  await db
    .insertInto('import_sources')
    .values([...rows])
    .onConflict((oc) => oc.columns(['site_id', 'format', 'source_id']).doNothing())
    .execute();
}

export async function insertCommentRows(db: Db, rows: readonly NewCommentRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('comments')
    .values([...rows])
    .execute();
}

export async function updateCommentPlacement(
  db: Db,
  id: string,
  placement: { parent_id: string | null; root_id: string; depth: number },
): Promise<void> {
  await db.updateTable('comments').set(placement).where('id', '=', id).execute();
}

/** Removes comments (children before parents in one statement) and their source rows. */
export async function deleteImportedComments(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .deleteFrom('import_sources')
    .where('comment_id', 'in', [...ids])
    .execute();
  await db
    .deleteFrom('comments')
    .where('id', 'in', [...ids])
    .execute();
}

export async function commentIdExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('comments').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export async function userIdExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** An imported account: no verified address comes with it (only a proof sets one). */
export async function insertUserRow(
  db: Db,
  row: Omit<UserRow, 'email' | 'email_verified_at'>,
): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

/** The `sites` columns an export may set; anything else in the file is ignored. */
const SITE_COLUMNS = [
  'name',
  'origins',
  'moderation',
  'allow_guests',
  'rate_limit',
  'created_at',
  'updated_at',
  'max_links',
  'blocklist',
  'new_account_hours',
  'thread_rate_limit',
  'new_thread_limit',
  'min_fill_seconds',
  'proof_of_work',
  'spam_check',
  'votes',
  'downvotes',
] as const satisfies readonly (keyof NewSiteRow)[];

/** A site from an export's settings, under `id`; unknown or mistyped columns are left out. */
export async function insertSiteRowFromExport(
  db: Db,
  id: string,
  settings: Readonly<Record<string, unknown>>,
): Promise<void> {
  const row: Record<string, string | number> = { id };
  for (const column of SITE_COLUMNS) {
    const value = settings[column];
    if (typeof value === 'string' || typeof value === 'number') row[column] = value;
  }
  await db
    .insertInto('sites')
    .values(row as unknown as NewSiteRow)
    .execute();
}

export async function insertSiteRoleIfMissing(
  db: Db,
  siteId: string,
  role: { provider: string; subject: string; role: string },
): Promise<void> {
  await db
    .insertInto('site_roles')
    .values({ site_id: siteId, ...role })
    .onConflict((oc) => oc.columns(['site_id', 'provider', 'subject']).doNothing())
    .execute();
}

export function findSiteRow(db: Db, siteId: string): Promise<SiteRow | undefined> {
  return db.selectFrom('sites').selectAll().where('id', '=', siteId).executeTakeFirst();
}

export function findThreadsOfSite(db: Db, siteId: string): Promise<ThreadRow[]> {
  return db
    .selectFrom('threads')
    .selectAll()
    .where('site_id', '=', siteId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** One page of a site's comments in creation order, after `after` (created_at, id). */
export function findSiteCommentsPage(
  db: Db,
  siteId: string,
  after: { createdAt: string; id: string } | undefined,
  limit: number,
): Promise<CommentRow[]> {
  let query = db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .selectAll('comments')
    .where('threads.site_id', '=', siteId);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('comments.created_at', '>', after.createdAt),
        eb.and([eb('comments.created_at', '=', after.createdAt), eb('comments.id', '>', after.id)]),
      ]),
    );
  }
  return query.orderBy('comments.created_at').orderBy('comments.id').limit(limit).execute();
}

/** Which source each of the site's comments came from (`format`, `source_id`, `kind`). */
export function findSourcesOfComments(
  db: Db,
  siteId: string,
  commentIds: readonly string[],
): Promise<{ comment_id: string; format: string; source_id: string; kind: string }[]> {
  if (commentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('import_sources')
    .select(['comment_id', 'format', 'source_id', 'kind'])
    .where('site_id', '=', siteId)
    .where('comment_id', 'in', [...commentIds])
    .execute();
}

/** Every comment of one thread, oldest first (a WXR item holds its post's comments). */
export function findCommentsOfThread(db: Db, threadId: string): Promise<CommentRow[]> {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('thread_id', '=', threadId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
