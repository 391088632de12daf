/**
 * @module services/moderation/audit
 * The audit log: who did what to which comment, thread, ban or site, and when. Written in
 * the same transaction as the action itself, so the log never claims what did not happen.
 */
import { randomUUID } from 'node:crypto';
import type { AuditResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import type { Db } from '../../store/dialect.js';
import { findAuditPage, insertAudit } from '../../store/moderation.js';
import { findUsersByIds } from '../../store/users.js';
import { decodePosition, encodePosition } from '../common/positions.js';

export interface AuditEntry {
  siteId: string;
  /** A user id, or `system:<what>`. */
  actor: string;
  action: string;
  targetType: AuditResponse['entries'][number]['targetType'];
  targetId: string;
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: Db, now: Date, entry: AuditEntry): Promise<void> {
  await insertAudit(db, {
    id: randomUUID(),
    site_id: entry.siteId,
    actor: entry.actor,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    detail: JSON.stringify(entry.detail ?? {}),
    created_at: now.toISOString(),
  });
}

const PAGE = 100;

export async function listAudit(
  deps: Deps,
  siteId: string,
  cursor: string | undefined,
): Promise<AuditResponse> {
  const before = decodePosition(cursor);
  const rows = await findAuditPage(deps.db, siteId, before, PAGE + 1);
  const page = rows.slice(0, PAGE);
  const userIds = page.map((r) => r.actor).filter((a) => !a.startsWith('system:'));
  const names = new Map(
    (await findUsersByIds(deps.db, [...new Set(userIds)])).map((u) => [
      u.id,
      `${u.name} (${u.provider})`,
    ]),
  );
  const last = page.at(-1);
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: r.created_at,
      actor: names.get(r.actor) ?? r.actor,
      action: r.action,
      targetType: r.target_type as AuditEntry['targetType'],
      targetId: r.target_id,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    })),
    nextCursor:
      rows.length > PAGE && last !== undefined
        ? encodePosition({ createdAt: last.created_at, id: last.id })
        : null,
  };
}
