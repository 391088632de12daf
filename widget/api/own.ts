/**
 * @module api/own
 * Editing and deleting one's own comment (`PATCH` and `DELETE /api/v1/comments/:id`), over
 * an {@link ApiClient}. Only `state/own.ts`, a lazily loaded chunk, uses them, so they stay
 * out of the first-render bundle.
 */
import type { DeleteCommentResponse, UpdateCommentResponse } from '../../server/contract.js';
import type { ApiClient } from './client.js';

const path = (id: string) => 'api/v1/comments/' + encodeURIComponent(id);

/** The header that proves a guest wrote the comment; none signed in. */
const editHeaders = (token: string | undefined) =>
  token ? { 'Confab-Edit-Token': token } : undefined;

/**
 * Edits one's own comment: a guest's with the edit token it got when posting, a
 * signed-in reader's (no `token`) with the session.
 */
export function updateComment(
  api: ApiClient,
  id: string,
  token: string | undefined,
  body: string,
): Promise<UpdateCommentResponse> {
  return api.send('PATCH', path(id), { body }, editHeaders(token));
}

/** Deletes one's own comment (as `updateComment`); resolves to the placeholder left behind, or null. */
export function deleteComment(
  api: ApiClient,
  id: string,
  token: string | undefined,
): Promise<DeleteCommentResponse> {
  return api.send('DELETE', path(id), undefined, editHeaders(token));
}
