/**
 * @module store/outbox
 * SQL for the outbox: every mail and webhook call waiting, sent or given up. A row is
 * added once per key (a consumer that runs twice adds nothing), claimed by one sender at
 * a time (its status and due time must still be what the sender read), then marked.
 */
import type { Db } from './dialect.js';
import type { NewOutboxRow, OutboxRow } from './schema.js';

/** Adds the row unless one with its key exists; true when it was added. */
export async function insertOutbox(db: Db, row: NewOutboxRow): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values(row)
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Rows due by `now`: waiting, failed and due for another try, or claimed by a sender
 * whose lease ran out (it stopped mid-send), oldest due first.
 */
export function findDueOutbox(db: Db, now: string, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('status', 'in', ['queued', 'failed', 'sending'])
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
}

/** The earliest time a row is due, or undefined when none waits. */
export async function findNextDue(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min<string | null>('next_attempt_at').as('at'))
    .where('status', 'in', ['queued', 'failed', 'sending'])
    .executeTakeFirst();
  return row?.at ?? undefined;
}

/**
 * Claims `row` for sending until `leaseUntil`, if nobody changed it since it was read.
 * True when this caller has it.
 */
export async function claimOutbox(db: Db, row: OutboxRow, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'sending', next_attempt_at: leaseUntil })
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .where('next_attempt_at', '=', row.next_attempt_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateOutbox(
  db: Db,
  id: string,
  patch: Partial<Omit<OutboxRow, 'id' | 'key'>>,
): Promise<void> {
  await db.updateTable('outbox').set(patch).where('id', '=', id).execute();
}

export function findOutboxByKey(db: Db, key: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('key', '=', key).executeTakeFirst();
}

export function findOutboxById(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface OutboxFilter {
  siteId?: string | undefined;
  status?: string | undefined;
  /** Only rows created before this time (the next page). */
  before?: string | undefined;
}

/** The newest rows first, for `/admin` and the CLI. */
export function listOutbox(db: Db, filter: OutboxFilter, limit: number): Promise<OutboxRow[]> {
  let query = db.selectFrom('outbox').selectAll();
  if (filter.siteId !== undefined) query = query.where('site_id', '=', filter.siteId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.before !== undefined) query = query.where('created_at', '<', filter.before);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Where a page of a site's outbox ends: the last row's time and id. */
export interface OutboxPosition {
  createdAt: string;
  id: string;
}

/**
 * A page of one site's rows, newest first (ties by id), after `after`: keyset paging, so
 * rows added meanwhile neither repeat nor push a row off the next page. Served by the
 * `outbox_site` index (site, created_at).
 */
export function pageOutboxOfSite(
  db: Db,
  siteId: string,
  filter: { status?: string | undefined; after?: OutboxPosition | undefined },
  limit: number,
): Promise<OutboxRow[]> {
  let query = db.selectFrom('outbox').selectAll().where('site_id', '=', siteId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const after = filter.after;
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Makes one of the site's rows due now, if its status is still one of `from` (another
 * sender or request may have changed it). True when this caller changed it.
 */
export async function requeueOutbox(
  db: Db,
  row: Pick<OutboxRow, 'id' | 'site_id'>,
  from: readonly string[],
  now: string,
): Promise<boolean> {
  if (row.site_id === null) return false;
  const result = await db
    .updateTable('outbox')
    .set({ status: 'queued', next_attempt_at: now })
    .where('id', '=', row.id)
    .where('site_id', '=', row.site_id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many of the site's rows of `kind` were made after `since` (an hour ago: a row made exactly then is out of the window), and the oldest's time. */
export async function countOfSiteSince(
  db: Db,
  siteId: string,
  kind: string,
  since: string,
): Promise<{ n: number; oldest: string | null }> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.min<string | null>('created_at').as('oldest'),
    ])
    .where('site_id', '=', siteId)
    .where('kind', '=', kind)
    .where('created_at', '>', since)
    .executeTakeFirst();
  return { n: row?.n ?? 0, oldest: row?.oldest ?? null };
}

/** Rows by status for the site (or all sites). */
export async function countOutbox(
  db: Db,
  siteId: string | undefined,
): Promise<Record<string, number>> {
  let query = db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status');
  if (siteId !== undefined) query = query.where('site_id', '=', siteId);
  const rows = await query.execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** How many rows of `kind` went (or wait to go) to `recipient` since `since`. */
export async function countSentTo(
  db: Db,
  recipient: string,
  kind: string,
  since: string,
): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient', '=', recipient)
    .where('kind', '=', kind)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return row?.n ?? 0;
}

/** Drops rows that were sent, given up or cancelled before `before`. */
export async function pruneOutbox(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('status', 'in', ['sent', 'gave_up', 'cancelled', 'kept'])
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
