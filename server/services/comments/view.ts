/**
 * @module services/comments/view
 * Rows to the public shape (DESIGN.md section 3), and the public tree: a deleted comment
 * stays as a placeholder only while something visible hangs below it. What is the asking
 * reader's own (`myVote`) is not here: a page is the same for every reader.
 */
import type { PublicAuthor, PublicComment } from '../../contract.js';
import type { CommentRow } from '../../store/schema.js';

/** The public view of one comment. Never an email, address, token or hash. */
export function toPublicComment(
  row: CommentRow,
  replyCount: number,
  authors: ReadonlyMap<string, PublicAuthor> = new Map(),
): PublicComment {
  const deleted = row.status === 'deleted';
  const user = row.user_id === null ? undefined : authors.get(row.user_id);
  return {
    id: row.id,
    parentId: row.parent_id,
    author: deleted
      ? null
      : (user ?? {
          name: row.author_name ?? 'Anonymous',
          avatarUrl: null,
          provider: 'guest',
          role: null,
          url: row.author_url,
        }),
    html: deleted ? '' : row.body_html,
    createdAt: row.created_at,
    editedAt: deleted ? null : row.edited_at,
    status: row.status as PublicComment['status'],
    score: deleted ? 0 : row.score,
    upvotes: deleted ? 0 : row.upvotes,
    downvotes: deleted ? 0 : row.downvotes,
    // Per reader: never in a page that every reader shares (GET /api/v1/reactions has it).
    myVote: 0,
    replyCount,
    pinned: !deleted && row.pinned === 1,
  };
}

/**
 * Orders a page for the public: each top-level comment followed by its replies, depth
 * first, replies oldest first; deleted comments without visible descendants are dropped.
 * `replies` must be oldest-first, so a parent always comes before its children.
 */
export function buildPublicPage(
  tops: CommentRow[],
  replies: CommentRow[],
  authors: ReadonlyMap<string, PublicAuthor> = new Map(),
): PublicComment[] {
  const children = new Map<string, CommentRow[]>();
  for (const reply of replies) {
    if (reply.parent_id === null) continue;
    const siblings = children.get(reply.parent_id) ?? [];
    siblings.push(reply);
    children.set(reply.parent_id, siblings);
  }
  const kept = new Map<string, boolean>();
  const isKept = (row: CommentRow): boolean => {
    const known = kept.get(row.id);
    if (known !== undefined) return known;
    // Evaluate children first (any kept child keeps a deleted parent).
    const anyChild = (children.get(row.id) ?? []).map(isKept).some(Boolean);
    const keep = row.status !== 'deleted' || anyChild;
    kept.set(row.id, keep);
    return keep;
  };
  const out: PublicComment[] = [];
  const visit = (row: CommentRow): void => {
    if (!isKept(row)) return;
    const visibleChildren = (children.get(row.id) ?? []).filter(isKept);
    out.push(toPublicComment(row, visibleChildren.length, authors));
    visibleChildren.forEach(visit);
  };
  tops.forEach(visit);
  return out;
}
