/**
 * @module services/moderation/bans
 * Bans per site: an account, or a guest by their hashed address and (when they gave one)
 * their hashed email; until a time or until lifted. Banning again updates the ban; lifting
 * twice is fine. Nothing here stores an address or an email in the clear.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Ban, BanRequest, BanResponse, BansResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import type { Db } from '../../store/dialect.js';
import { findCommentById } from '../../store/comments.js';
import {
  findActiveBans,
  findBanById,
  findBansOn,
  findCommentsByAuthor,
  insertBan,
  updateBan,
} from '../../store/moderation.js';
import { findUserByAccount } from '../../store/users.js';
import type { BanRow, CommentRow } from '../../store/schema.js';
import { findThreadById } from '../../store/threads.js';
import { recordAudit } from './audit.js';
import { isId } from '../common/authorship.js';
import { removeComment } from '../comments/remove.js';
import { withEvents } from '../events/log.js';
import { assertOutranks, type Staff } from './staff.js';
import { loadAuthors } from '../comments/authors.js';

/** Keyed hash of an email as a guest typed it (trimmed, lower case); null for none. */
export function hashEmail(secret: string, email: string | null | undefined): string | null {
  if (email === null || email === undefined || email.trim() === '') return null;
  return createHmac('sha256', secret)
    .update(`email:${email.trim().toLowerCase()}`)
    .digest('base64url')
    .slice(0, 32);
}

export interface Who {
  userId: string | null;
  clientHash: string | null;
  emailHash: string | null;
}

/** The bans in force on a site that match `who`. */
export function bansOf(db: Db, siteId: string, now: Date, who: Who): Promise<BanRow[]> {
  const targets = [
    { kind: 'user', value: who.userId },
    { kind: 'client', value: who.clientHash },
    { kind: 'email', value: who.emailHash },
  ].filter((t): t is { kind: string; value: string } => t.value !== null);
  return findBansOn(db, siteId, now.toISOString(), targets);
}

/**
 * 403 `banned` when a ban in force matches the account or the address; says until when.
 * A match on the email alone answers `'hold'`: a guest's email is not verified, so it
 * sends the comment to the moderators instead of refusing whoever typed it.
 */
export async function assertNotBanned(
  db: Db,
  siteId: string,
  now: Date,
  who: Who,
): Promise<'clear' | 'hold'> {
  const all = await bansOf(db, siteId, now, who);
  const bans = all.filter((b) => b.kind !== 'email');
  if (bans.length === 0) return all.length > 0 ? 'hold' : 'clear';
  const forever = bans.some((b) => b.expires_at === null);
  const until = bans
    .map((b) => b.expires_at ?? '')
    .sort()
    .at(-1);
  throw new AppError(403, 'banned', {
    detail:
      forever || until === undefined
        ? 'You are banned from commenting on this site.'
        : `You are banned from commenting on this site until ${new Date(until).toUTCString()}.`,
  });
}

function toBan(row: BanRow): Ban {
  return {
    id: row.id,
    kind: row.kind as Ban['kind'],
    label: row.label,
    reason: row.reason,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    createdBy: row.created_by,
  };
}

export async function listBans(deps: Deps, staff: Staff): Promise<BansResponse> {
  const rows = await findActiveBans(deps.db, staff.site.id, deps.now().toISOString());
  return { bans: rows.map(toBan) };
}

function checkExpiry(now: Date, expiresAt: string | null | undefined): string | null {
  if (expiresAt === null || expiresAt === undefined) return null;
  const time = Date.parse(expiresAt);
  if (Number.isNaN(time) || time <= now.getTime()) {
    throw invalid([
      { field: 'expiresAt', code: 'invalid', message: 'expiresAt is a future ISO time, or null.' },
    ]);
  }
  return new Date(time).toISOString();
}

function targetsOf(comment: CommentRow): { kind: Ban['kind']; value: string }[] {
  const targets: { kind: Ban['kind']; value: string }[] = [];
  // An account's address too: else the banned reader comes back as a guest.
  if (comment.user_id !== null) targets.push({ kind: 'user', value: comment.user_id });
  if (comment.ip_hash !== null) targets.push({ kind: 'client', value: comment.ip_hash });
  if (comment.user_id === null && comment.email_hash !== null) {
    targets.push({ kind: 'email', value: comment.email_hash });
  }
  return targets;
}

/** Bans the author of a comment (see {@link BanRequest}). */
export async function banAuthor(
  deps: Deps,
  staff: Staff,
  input: BanRequest,
): Promise<BanResponse & { created: boolean }> {
  const now = deps.now();
  const expiresAt = checkExpiry(now, input.expiresAt);
  const reason = input.reason?.trim().slice(0, 500) ?? null;
  return withEvents(deps, async (trx, events) => {
    const comment = isId(input.commentId) ? await findCommentById(trx, input.commentId) : undefined;
    const thread = comment && (await findThreadById(trx, comment.thread_id));
    if (comment === undefined || thread?.site_id !== staff.site.id) {
      throw new AppError(404, 'not_found', { detail: 'No such comment on this site.' });
    }
    assertOutranks(staff, [comment], await loadAuthors(trx, staff.site.id, [comment]));
    const targets = targetsOf(comment);
    if (targets.length === 0) {
      throw new AppError(409, 'invalid_state', {
        detail: 'This comment has no account, address or email to ban by.',
      });
    }
    const active = await findActiveBans(trx, staff.site.id, now.toISOString());
    const rows: BanRow[] = [];
    let created = false;
    for (const target of targets) {
      const existing = active.find((b) => b.kind === target.kind && b.value === target.value);
      if (existing !== undefined) {
        const patch = { reason: reason ?? existing.reason, expires_at: expiresAt };
        await updateBan(trx, existing.id, patch);
        rows.push({ ...existing, ...patch });
        continue;
      }
      const row: BanRow = {
        id: randomUUID(),
        site_id: staff.site.id,
        kind: target.kind,
        value: target.value,
        label: comment.author_name ?? 'Anonymous',
        reason,
        created_by: staff.actor,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        lifted_at: null,
      };
      await insertBan(trx, row);
      rows.push(row);
      created = true;
    }
    let deleted = 0;
    if (input.deleteComments === true) {
      const written = await findCommentsByAuthor(trx, staff.site.id, {
        userId: comment.user_id,
        clientHash: comment.ip_hash,
        emailHash: comment.email_hash,
      });
      // Deepest first, so a reply goes before the comment it answers.
      written.sort((a, b) => b.depth - a.depth);
      for (const row of written) {
        const fresh = await findCommentById(trx, row.id);
        if (fresh !== undefined && fresh.status !== 'deleted') {
          await removeComment(trx, events, staff.site.id, fresh, now);
          deleted += 1;
        }
      }
    }
    for (const row of rows) {
      await recordAudit(trx, now, {
        siteId: staff.site.id,
        actor: staff.actor,
        action: 'ban',
        targetType: 'ban',
        targetId: row.id,
        detail: {
          kind: row.kind,
          label: row.label,
          expiresAt: row.expires_at,
          reason: row.reason,
          commentId: comment.id,
          deletedComments: deleted,
        },
      });
    }
    return { bans: rows.map(toBan), created };
  });
}

/** Lifts a ban; lifting a lifted or expired ban is fine. */
export async function liftBan(deps: Deps, staff: Staff, id: string): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const ban = isId(id) ? await findBanById(trx, id) : undefined;
    if (ban?.site_id !== staff.site.id) throw new AppError(404, 'not_found');
    if (ban.lifted_at !== null) return;
    await updateBan(trx, id, { lifted_at: now.toISOString() });
    await recordAudit(trx, now, {
      siteId: staff.site.id,
      actor: staff.actor,
      action: 'unban',
      targetType: 'ban',
      targetId: id,
      detail: { kind: ban.kind, label: ban.label },
    });
  });
}

/** `confab user ban`: bans an account (`provider:id`) on a site, from the command line. */
export async function banAccount(
  deps: Deps,
  siteId: string,
  account: { provider: string; subject: string },
  options: { expiresAt: string | null; reason: string | null },
): Promise<Ban> {
  const now = deps.now();
  const expiresAt = checkExpiry(now, options.expiresAt);
  return deps.db.transaction().execute(async (trx) => {
    const user = await findUserByAccount(trx, account.provider, account.subject);
    if (user === undefined) {
      throw new Error(`nobody has signed in as ${account.provider}:${account.subject} yet`);
    }
    const active = await findActiveBans(trx, siteId, now.toISOString());
    const existing = active.find((b) => b.kind === 'user' && b.value === user.id);
    let row: BanRow;
    if (existing !== undefined) {
      row = { ...existing, expires_at: expiresAt, reason: options.reason ?? existing.reason };
      await updateBan(trx, row.id, { expires_at: row.expires_at, reason: row.reason });
    } else {
      row = {
        id: randomUUID(),
        site_id: siteId,
        kind: 'user',
        value: user.id,
        label: user.name,
        reason: options.reason,
        created_by: 'system:cli',
        created_at: now.toISOString(),
        expires_at: expiresAt,
        lifted_at: null,
      };
      await insertBan(trx, row);
    }
    await recordAudit(trx, now, {
      siteId,
      actor: 'system:cli',
      action: 'ban',
      targetType: 'ban',
      targetId: row.id,
      detail: { kind: 'user', label: row.label, expiresAt: row.expires_at, reason: row.reason },
    });
    return toBan(row);
  });
}

/** `confab user unban`: lifts every ban in force on the account; how many there were. */
export async function unbanAccount(
  deps: Deps,
  siteId: string,
  account: { provider: string; subject: string },
): Promise<number> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const user = await findUserByAccount(trx, account.provider, account.subject);
    if (user === undefined) return 0;
    const bans = (await findActiveBans(trx, siteId, now.toISOString())).filter(
      (b) => b.kind === 'user' && b.value === user.id,
    );
    for (const ban of bans) {
      await updateBan(trx, ban.id, { lifted_at: now.toISOString() });
      await recordAudit(trx, now, {
        siteId,
        actor: 'system:cli',
        action: 'unban',
        targetType: 'ban',
        targetId: ban.id,
        detail: { kind: ban.kind, label: ban.label },
      });
    }
    return bans.length;
  });
}
