/**
 * @module store/webhooks
 * SQL for a site's webhooks.
 */
import type { Db } from './dialect.js';
import type { WebhookRow } from './schema.js';

export async function insertWebhook(db: Db, row: WebhookRow): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export function findWebhooksOfSite(db: Db, siteId: string): Promise<WebhookRow[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('site_id', '=', siteId)
    .orderBy('created_at')
    .execute();
}

export function findWebhookById(db: Db, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Deletes the webhook if it is one of the site's; true when it was. */
export async function deleteWebhookOfSite(db: Db, siteId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhooks')
    .where('id', '=', id)
    .where('site_id', '=', siteId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
