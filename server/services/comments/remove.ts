/**
 * @module services/comments/remove
 * Taking a comment out of its thread, whoever does it (its author, a moderator, a ban's
 * purge, an erasure, housekeeping): a placeholder while replies hang below it, else gone,
 * with any placeholder left above it with nothing. Each comment that changes gets its
 * `comment.deleted` event in the same transaction.
 */
import {
  countChildren,
  deleteCommentRow,
  findCommentById,
  updateCommentRow,
} from '../../store/comments.js';
import type { Db } from '../../store/dialect.js';
import type { CommentRow } from '../../store/schema.js';
import { deleteThreadIfEmpty } from '../../store/threads.js';
import type { EventWriter } from '../events/log.js';

/** What a placeholder keeps of a deleted comment: its place in the tree, nothing of its author. */
export const PLACEHOLDER = {
  status: 'deleted',
  body_source: '',
  body_html: '',
  author_name: null,
  author_email: null,
  author_url: null,
  ip_hash: null,
  email_hash: null,
  edit_token_hash: null,
  idempotency_key: null,
  request_hash: null,
  pinned: 0,
  held_reason: null,
} as const;

/**
 * Removes a comment of site `siteId`, in the caller's transaction. With replies, it becomes
 * a placeholder: no body, no author, no address hash. Without, it leaves the thread, and so
 * does any placeholder above it left with nothing. Returns the placeholder row, or null
 * when gone.
 */
export async function removeComment(
  db: Db,
  events: EventWriter,
  siteId: string,
  row: CommentRow,
  now: Date,
): Promise<CommentRow | null> {
  const deleted = (id: string, placeholder: boolean) =>
    events.append({
      siteId,
      threadId: row.thread_id,
      kind: 'comment.deleted',
      commentId: id,
      detail: { placeholder: placeholder ? 1 : 0 },
    });
  if ((await countChildren(db, row.id)) > 0) {
    const patch = { ...PLACEHOLDER, deleted_at: now.toISOString() };
    await updateCommentRow(db, row.id, patch);
    await deleted(row.id, true);
    return { ...row, ...patch };
  }
  await deleteCommentRow(db, row.id);
  await deleted(row.id, false);
  let parentId = row.parent_id;
  while (parentId !== null) {
    const parent = await findCommentById(db, parentId);
    if (
      parent === undefined ||
      parent.status !== 'deleted' ||
      (await countChildren(db, parent.id)) > 0
    ) {
      break;
    }
    await deleteCommentRow(db, parent.id);
    await deleted(parent.id, false);
    parentId = parent.parent_id;
  }
  await deleteThreadIfEmpty(db, row.thread_id);
  return null;
}
