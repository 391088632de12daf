/**
 * @module services/reading/around
 * The page of a thread that holds one comment, for a permalink (`#comment-<id>`): the
 * pinned comments, then the comment's top-level ancestor and the ones after it in the
 * sort, each with all its replies. Its `nextCursor` is the ordinary one, so paging on from
 * it is paging on from any page. Two lookups by primary key and the reads of a page; no
 * count, so a comment far back costs what one near the start does.
 */
import type { CommentRow } from '../../store/schema.js';
import {
  findCommentById,
  findTopLevelPage,
  isVisibleTo,
  type CommentSort,
  type PendingView,
} from '../../store/comments.js';
import type { Deps } from '../../deps.js';

/** The top-level comments of a page, one more than `limit` when another page follows. */
export async function findPageAround(
  deps: Deps,
  threadId: string,
  input: { id: string; sort: CommentSort; limit: number; pending: PendingView },
): Promise<CommentRow[] | undefined> {
  const { sort, limit, pending } = input;
  const comment = await findCommentById(deps.db, input.id);
  if (comment?.thread_id !== threadId) return undefined;
  const root =
    comment.root_id === comment.id ? comment : await findCommentById(deps.db, comment.root_id);
  // A deleted root may still stand as a placeholder; whether it does, the page tells.
  if (root === undefined || !isVisibleTo(root, pending)) return undefined;
  // Pinned comments come first on every page that starts a reading, this one too: up to
  // `limit` - 1 of those before the root (all of them when the root is not pinned).
  const pinned = await findTopLevelPage(deps.db, threadId, {
    sort,
    limit: limit - 1,
    pinnedOnly: true,
    pending,
  });
  const cut = pinned.findIndex((row) => row.id === root.id);
  const before = cut === -1 ? pinned : pinned.slice(0, cut);
  const from = await findTopLevelPage(deps.db, threadId, {
    sort,
    limit: limit - before.length + 1,
    after: { pinned: root.pinned, score: root.score, createdAt: root.created_at, id: root.id },
    at: true,
    pending,
  });
  return [...before, ...from];
}
