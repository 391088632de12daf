/**
 * @module services/comments/remove
 * Taking a comment out of its thread, whoever does it (its author, a moderator, a ban's
 * purge, an erasure, housekeeping): a placeholder while replies hang below it, else gone,
 * with any placeholder left above it with nothing.
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

/**
 * Removes a comment, in the caller's transaction. With replies, it becomes a placeholder:
 * no body, no author, no address hash. Without, it leaves the thread, and so does any
 * placeholder above it left with nothing. Returns the placeholder row, or null when gone.
 */
export async function removeComment(
  db: Db,
  row: CommentRow,
  now: Date,
): Promise<CommentRow | null> {
  if ((await countChildren(db, row.id)) > 0) {
    const patch = {
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
      pinned: 0,
      held_reason: null,
      deleted_at: now.toISOString(),
    };
    await updateCommentRow(db, row.id, patch);
    return { ...row, ...patch };
  }
  await deleteCommentRow(db, row.id);
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
    parentId = parent.parent_id;
  }
  await deleteThreadIfEmpty(db, row.thread_id);
  return null;
}
