/**
 * @module services/data/reader-data
 * A signed-in reader's data rights: an export of everything the server holds about them on a
 * site, and erasure. Erased comments follow the author's own delete (services/comments-edit):
 * a comment with replies stays as a placeholder with no name, text or account; one without
 * leaves the thread, with any placeholder above it left with nothing.
 *
 * What erasure keeps, and why:
 * - The account row stays while the reader has comments on another site (those sites still
 *   show the name); otherwise it goes, with every session (revoked first, on every site).
 * - An account under an active ban keeps its row without name, picture or profile link: the
 *   ban is kept by the site for its protection, and must still recognise the account.
 * - Roles on the erased site go; roles on other sites are those sites' configuration and go
 *   only with an erasure on every site (`confab user erase` without --site).
 * - Subscriptions on the erased site go: the account's, and every other one of the
 *   addresses it subscribed with; mail still waiting for those addresses is cancelled.
 * - Moderation records stay: bans and the audit log keep the account id and the name the
 *   moderator saw when banning (the site's protection outweighs them).
 */
import type { Deps } from '../../deps.js';
import { findCommentById, updateCommentRow } from '../../store/comments.js';
import type { Db } from '../../store/dialect.js';
import {
  blankUserRow,
  countCommentsByUserElsewhere,
  deleteRolesByAccount,
  deleteUserRow,
  findCommentsByUser,
  findRolesByAccount,
  findSessionsByUser,
  hasActiveUserBan,
  revokeSessionsByUser,
  type ReaderCommentRow,
} from '../../store/reader-data.js';
import type { CommentRow } from '../../store/schema.js';
import { findUserById, findUserByAccount } from '../../store/users.js';
import { removeComment } from '../comments/remove.js';
import { withEvents, type EventWriter } from '../events/log.js';
import { parseAccount } from '../sites/sites.js';
import {
  exportedSubscription,
  removeSubscriptions,
  subscriptionsOfReader,
  type ExportedSubscription,
} from './subscription-data.js';

/** The export's format name and version: a reader's tools may rely on them. */
export const READER_EXPORT_FORMAT = 'confab-reader-data';
export const READER_EXPORT_VERSION = 1;

export interface ReaderExport {
  format: typeof READER_EXPORT_FORMAT;
  version: typeof READER_EXPORT_VERSION;
  exportedAt: string;
  /** The site the export covers; null for every site (an owner's `confab user export`). */
  site: string | null;
  account: {
    id: string;
    /** `provider:id`, as site owners name accounts. */
    account: string;
    provider: string;
    providerId: string;
    name: string;
    avatarUrl: string | null;
    profileUrl: string | null;
    /** The account's verified address (emailed sign-in, or the provider's), or null. */
    email: string | null;
    createdAt: string;
    updatedAt: string;
  };
  roles: { site: string; role: string }[];
  comments: ExportedComment[];
  /**
   * "Notify me" subscriptions: those the account made, and every other one of the
   * addresses it subscribed with.
   */
  subscriptions: ExportedSubscription[];
  /** Sign-in sessions: when and where, never the token or its hash. */
  sessions: {
    site: string;
    origin: string;
    createdAt: string;
    expiresAt: string;
    revokedAt: string | null;
    /** The session this export was asked for with. */
    current: boolean;
  }[];
}

/** A comment as an export carries it (a reader's, or a guest's: services/data/guest-data). */
export interface ExportedComment {
  id: string;
  site: string;
  thread: { key: string; title: string | null; url: string | null };
  parentId: string | null;
  /** `published`, `pending`, `spam` or `deleted`. */
  status: string;
  /** What the reader wrote (Markdown), and how it was shown. */
  source: string;
  html: string;
  authorName: string | null;
  authorEmail: string | null;
  authorUrl: string | null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  heldReason: string | null;
}

export function exportedComment(c: ReaderCommentRow): ExportedComment {
  return {
    id: c.id,
    site: c.site_id,
    thread: { key: c.thread_key, title: c.thread_title, url: c.thread_url },
    parentId: c.parent_id,
    status: c.status,
    source: c.body_source,
    html: c.body_html,
    authorName: c.author_name,
    authorEmail: c.author_email,
    authorUrl: c.author_url,
    createdAt: c.created_at,
    editedAt: c.edited_at,
    deletedAt: c.deleted_at,
    heldReason: c.held_reason,
  };
}

export interface EraseSummary {
  /** Comments that left their thread. */
  removed: number;
  /** Comments kept as placeholders because others replied. */
  placeholders: number;
  /** Subscriptions removed (the account's, and others of its addresses). */
  subscriptionsRemoved: number;
  sessionsRevoked: number;
  rolesRemoved: number;
  /** `deleted`; `kept` (comments on another site); `blanked` (kept for an active ban). */
  account: 'deleted' | 'kept' | 'blanked';
}

/** The user id for `provider:id`, or undefined when nobody signed in with it. */
export async function findAccountUser(deps: Deps, spec: string): Promise<string | undefined> {
  const { provider, subject } = parseAccount(spec);
  return (await findUserByAccount(deps.db, provider, subject))?.id;
}

/**
 * Everything held about the user on `siteId` (every site when undefined), or undefined when
 * the user does not exist.
 */
export async function exportReaderData(
  deps: Deps,
  input: { userId: string; siteId?: string; currentTokenHash?: string },
): Promise<ReaderExport | undefined> {
  const user = await findUserById(deps.db, input.userId);
  if (user === undefined) return undefined;
  const [comments, sessions, roles, subscriptions] = await Promise.all([
    findCommentsByUser(deps.db, user.id, input.siteId),
    findSessionsByUser(deps.db, user.id, input.siteId),
    findRolesByAccount(deps.db, user.provider, user.subject, input.siteId),
    subscriptionsOfReader(deps.db, user.id, input.siteId),
  ]);
  comments.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  return {
    format: READER_EXPORT_FORMAT,
    version: READER_EXPORT_VERSION,
    exportedAt: deps.now().toISOString(),
    site: input.siteId ?? null,
    account: {
      id: user.id,
      account: `${user.provider}:${user.subject}`,
      provider: user.provider,
      providerId: user.subject,
      name: user.name,
      avatarUrl: user.avatar_url,
      profileUrl: user.profile_url,
      email: user.email,
      createdAt: user.created_at,
      updatedAt: user.updated_at,
    },
    roles: roles.map((r) => ({ site: r.site_id, role: r.role })),
    comments: comments.map(exportedComment),
    subscriptions: subscriptions.map(exportedSubscription),
    sessions: sessions.map((s) => ({
      site: s.site_id,
      origin: s.origin,
      createdAt: s.created_at,
      expiresAt: s.expires_at,
      revokedAt: s.revoked_at,
      current: s.token_hash === input.currentTokenHash,
    })),
  };
}

/** Erases one comment as its author's delete does, and unlinks a placeholder from the account. */
async function eraseComment(
  trx: Db,
  events: EventWriter,
  siteId: string,
  row: CommentRow,
  at: string,
): Promise<'removed' | 'kept'> {
  const placeholder = await removeComment(trx, events, siteId, row, new Date(at));
  if (placeholder === null) return 'removed';
  await updateCommentRow(trx, row.id, { user_id: null, deleted_at: row.deleted_at ?? at });
  return 'kept';
}

/**
 * Erases the user's comments on `siteId` (every site when undefined), revokes their sessions
 * everywhere, and removes the account as the module comment says. One transaction.
 */
export async function eraseReader(
  deps: Deps,
  input: { userId: string; siteId?: string },
): Promise<EraseSummary | undefined> {
  const at = deps.now().toISOString();
  return withEvents(deps, async (trx, events) => {
    const user = await findUserById(trx, input.userId);
    if (user === undefined) return undefined;
    const summary: EraseSummary = {
      removed: 0,
      placeholders: 0,
      subscriptionsRemoved: 0,
      sessionsRevoked: 0,
      rolesRemoved: 0,
      account: 'kept',
    };
    // Before the comments: a thread left empty takes its subscriptions with it.
    const subscriptions = await subscriptionsOfReader(trx, user.id, input.siteId);
    summary.subscriptionsRemoved = (await removeSubscriptions(trx, subscriptions)).subscriptions;
    // Deepest first; each row is read again, since erasing one may have removed another.
    for (const listed of await findCommentsByUser(trx, user.id, input.siteId)) {
      const row = await findCommentById(trx, listed.id);
      if (row === undefined) continue;
      const outcome = await eraseComment(trx, events, listed.site_id, row, at);
      if (outcome === 'removed') summary.removed += 1;
      else summary.placeholders += 1;
    }
    summary.sessionsRevoked = await revokeSessionsByUser(trx, user.id, at);
    const elsewhere =
      input.siteId === undefined
        ? 0
        : await countCommentsByUserElsewhere(trx, user.id, input.siteId);
    summary.rolesRemoved = await deleteRolesByAccount(
      trx,
      user.provider,
      user.subject,
      input.siteId,
    );
    if (elsewhere > 0) return summary;
    if (await hasActiveUserBan(trx, user.id, at)) {
      await blankUserRow(trx, user.id, at);
      summary.account = 'blanked';
    } else {
      await deleteUserRow(trx, user.id);
      summary.account = 'deleted';
    }
    return summary;
  });
}
