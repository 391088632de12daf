/**
 * @module store/moderation
 * SQL for the moderation queue, bans, the audit log and the proof-of-work replay table.
 */
import { sql, type SqlBool } from 'kysely';
import type { Db } from './dialect.js';
import type { AuditLogRow, BanRow, CommentRow } from './schema.js';

export interface QueueQuery {
  siteId: string;
  statuses: readonly string[];
  threadKey?: string | undefined;
  /** Matched (case-insensitively where the engine allows) against text, name, email. */
  search?: string | undefined;
  /** Newest first: rows strictly older than this position. */
  before?: { createdAt: string; id: string } | undefined;
  limit: number;
}

export type QueueRow = CommentRow & {
  thread_key: string;
  thread_title: string | null;
  thread_url: string | null;
  thread_locked: number;
};

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** A site's comments with their thread's key, title, URL and lock. */
function siteComments(db: Db, siteId: string) {
  return db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .selectAll('comments')
    .select([
      'threads.key as thread_key',
      'threads.title as thread_title',
      'threads.url as thread_url',
      'threads.locked as thread_locked',
    ])
    .where('threads.site_id', '=', siteId);
}

export function findQueuePage(db: Db, query: QueueQuery): Promise<QueueRow[]> {
  let q = siteComments(db, query.siteId).where('comments.status', 'in', query.statuses);
  if (query.threadKey !== undefined) q = q.where('threads.key', '=', query.threadKey);
  const search = query.search;
  if (search !== undefined && search !== '') {
    const pattern = likePattern(search);
    const like = (column: string) => sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
    q = q.where((eb) =>
      eb.or([
        like('comments.body_source'),
        like('comments.author_name'),
        like('comments.author_email'),
        like('threads.key'),
      ]),
    );
  }
  const before = query.before;
  if (before !== undefined) {
    q = q.where((eb) =>
      eb.or([
        eb('comments.created_at', '<', before.createdAt),
        eb.and([
          eb('comments.created_at', '=', before.createdAt),
          eb('comments.id', '<', before.id),
        ]),
      ]),
    );
  }
  return q
    .orderBy('comments.created_at', 'desc')
    .orderBy('comments.id', 'desc')
    .limit(query.limit)
    .execute();
}

export function findQueueRowsByIds(
  db: Db,
  siteId: string,
  ids: readonly string[],
): Promise<QueueRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return siteComments(db, siteId).where('comments.id', 'in', ids).execute();
}

/** Comments per status on a site. */
export async function countByStatus(db: Db, siteId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .select(['comments.status', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
    .where('threads.site_id', '=', siteId)
    .groupBy('comments.status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** The site's comments written by an account, an address hash or an email hash. */
export function findCommentsByAuthor(
  db: Db,
  siteId: string,
  author: { userId?: string | null; clientHash?: string | null; emailHash?: string | null },
): Promise<CommentRow[]> {
  return db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .selectAll('comments')
    .where('threads.site_id', '=', siteId)
    .where('comments.status', '!=', 'deleted')
    .where((eb) => {
      const any = [];
      if (author.userId != null) any.push(eb('comments.user_id', '=', author.userId));
      if (author.clientHash != null) any.push(eb('comments.ip_hash', '=', author.clientHash));
      if (author.emailHash != null) any.push(eb('comments.email_hash', '=', author.emailHash));
      return any.length === 0 ? eb(eb.val(1), '=', 0) : eb.or(any);
    })
    .execute();
}

/** What one author wrote on a site since `since` (for duplicate detection), newest first. */
export function findRecentByAuthor(
  db: Db,
  siteId: string,
  author: { userId: string | null; clientHash: string | null },
  since: string,
  limit: number,
): Promise<Pick<CommentRow, 'body_source' | 'thread_id'>[]> {
  return db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .select(['comments.body_source', 'comments.thread_id'])
    .where('threads.site_id', '=', siteId)
    .where('comments.created_at', '>=', since)
    .where('comments.status', '!=', 'deleted')
    .where((eb) =>
      author.userId !== null
        ? eb('comments.user_id', '=', author.userId)
        : author.clientHash !== null
          ? eb('comments.ip_hash', '=', author.clientHash)
          : eb(eb.val(1), '=', 0),
    )
    .orderBy('comments.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** The latest bodies in one thread since `since`, from anyone. */
export function findRecentInThread(
  db: Db,
  threadId: string,
  since: string,
  limit: number,
): Promise<Pick<CommentRow, 'body_source'>[]> {
  return db
    .selectFrom('comments')
    .select('body_source')
    .where('thread_id', '=', threadId)
    .where('created_at', '>=', since)
    .where('status', '!=', 'deleted')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

// --- bans -------------------------------------------------------------------------------

export async function insertBan(db: Db, row: BanRow): Promise<void> {
  await db.insertInto('bans').values(row).execute();
}

export async function updateBan(db: Db, id: string, patch: Partial<BanRow>): Promise<void> {
  await db.updateTable('bans').set(patch).where('id', '=', id).execute();
}

export function findBanById(db: Db, id: string): Promise<BanRow | undefined> {
  return db.selectFrom('bans').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Bans not lifted and not expired at `now`. */
export function findActiveBans(db: Db, siteId: string, now: string): Promise<BanRow[]> {
  return db
    .selectFrom('bans')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .execute();
}

/** Bans in force at `now` on one of the given targets (kind + value). */
export function findBansOn(
  db: Db,
  siteId: string,
  now: string,
  targets: readonly { kind: string; value: string }[],
): Promise<BanRow[]> {
  if (targets.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('bans')
    .selectAll()
    .where('site_id', '=', siteId)
    .where((eb) =>
      eb.or(targets.map((t) => eb.and([eb('kind', '=', t.kind), eb('value', '=', t.value)]))),
    )
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
}

// --- audit log -------------------------------------------------------------------------

export async function insertAudit(db: Db, row: AuditLogRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export function findAuditPage(
  db: Db,
  siteId: string,
  before: { createdAt: string; id: string } | undefined,
  limit: number,
): Promise<AuditLogRow[]> {
  let q = db.selectFrom('audit_log').selectAll().where('site_id', '=', siteId);
  if (before !== undefined) {
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', before.createdAt),
        eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
      ]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

// --- one-time tokens (proof of work, form tokens) -------------------------------------

/** Records a one-time key; false when it was already used. */
export async function claimOnce(db: Db, key: string, expiresAt: string): Promise<boolean> {
  const result = await db
    .insertInto('pow_replays')
    .values({ key, expires_at: expiresAt })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Was this one-time key used already? (A look only; `claimOnce` is what decides.) */
export async function isClaimed(db: Db, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('pow_replays')
    .select('key')
    .where('key', '=', key)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteExpiredClaims(db: Db, now: string): Promise<void> {
  await db.deleteFrom('pow_replays').where('expires_at', '<', now).execute();
}

/** The sites where an account has a role. */
export function findRolesOfAccount(
  db: Db,
  provider: string,
  subject: string,
): Promise<{ site_id: string; role: string }[]> {
  return db
    .selectFrom('site_roles')
    .select(['site_id', 'role'])
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .orderBy('site_id')
    .execute();
}

/** Ids of spam created before `before`, oldest first. */
export async function findOldSpamIds(db: Db, before: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('comments')
    .select('id')
    .where('status', '=', 'spam')
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
