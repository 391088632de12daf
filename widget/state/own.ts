/**
 * @module state/own
 * Editing and deleting the reader's own comments: a chunk `<confab-thread>` loads on the
 * first Save of an edit or the first Delete (readers who never do either never download
 * it). A guest's requests carry the comment's edit token from `state/storage.ts`; a
 * signed-in reader's, the session. Requests go through the thread ({@link ThreadHost});
 * what the server answered is returned, and the thread shows it.
 */
import type { PublicComment } from '../../server/contract.js';
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { deleteComment, updateComment } from '../api/own.js';
import type { ThreadHost } from '../elements/thread-host.js';
import { later } from '../strings-later.js';
import { loadGrant, saveGrant } from './storage.js';

/**
 * Refusals that mean the right to edit is gone for good: the grant is forgotten, which
 * hides Edit and Delete. (`not_signed_in` is a session that ended, not a lost right:
 * signed in again, it works.)
 */
const LOST_RIGHT: readonly string[] = ['forbidden', 'edit_window_closed', 'not_found'];

/**
 * A request about comment `comment`, made with its edit token (none for a comment posted
 * signed in: the client sends the session).
 */
async function withGrant<T>(
  thread: ThreadHost,
  comment: PublicComment,
  send: (api: ApiClient, token: string | undefined) => Promise<T>,
): Promise<T> {
  try {
    return await thread.request((api) => send(api, loadGrant(comment.id)?.token));
  } catch (e) {
    if (e instanceof ApiError && LOST_RIGHT.includes(e.code)) saveGrant(comment.id);
    throw e;
  }
}

/** Saves `body` as the reader's new text of `comment`; resolves to the comment as edited. */
export async function saveEdit(
  thread: ThreadHost,
  comment: PublicComment,
  body: string,
): Promise<PublicComment> {
  const response = await withGrant(thread, comment, (api, token) =>
    updateComment(api, comment.id, token, body),
  );
  // The source is kept for the next edit: the server sends only HTML back.
  const grant = loadGrant(comment.id);
  if (grant) saveGrant(comment.id, { ...grant, body });
  return response.comment;
}

/**
 * Deletes `comment` once the reader confirms. Resolves to what stays in its place (a
 * placeholder over replies, or null), or to undefined when the reader said no.
 */
export async function deleteOwn(
  thread: ThreadHost,
  comment: PublicComment,
): Promise<{ placeholder: PublicComment | null } | undefined> {
  if (!confirm(later.confirmDelete)) return undefined;
  const response = await withGrant(thread, comment, (api, token) =>
    deleteComment(api, comment.id, token),
  );
  saveGrant(comment.id);
  return { placeholder: response.comment };
}
