/**
 * @module services/reading/cursor
 * Opaque page cursors: the sort position of the last top-level comment of a page.
 */
import type { CommentSort, SortPosition } from '../../store/comments.js';
import type { CommentRow } from '../../store/schema.js';

export function encodeCursor(sort: CommentSort, row: CommentRow): string {
  const payload = [sort, row.pinned, row.score, row.created_at, row.id];
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The position, or undefined when the cursor is not one of ours for this sort. */
export function decodeCursor(sort: CommentSort, cursor: string): SortPosition | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(payload) || payload.length !== 5) return undefined;
  const [s, pinned, score, createdAt, id] = payload as unknown[];
  if (
    s !== sort ||
    typeof pinned !== 'number' ||
    typeof score !== 'number' ||
    typeof createdAt !== 'string' ||
    typeof id !== 'string'
  ) {
    return undefined;
  }
  return { pinned, score, createdAt, id };
}
