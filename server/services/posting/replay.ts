/**
 * @module services/posting/replay
 * A retried post answers with the comment its first attempt made: the same client
 * (`Idempotency-Key` scoped by its address hash) and the same post (the request's
 * fingerprint). One helper, used before the checks, inside the write's transaction (a
 * retry racing its first attempt waits for it there), and on a unique-key clash.
 *
 * A replay never carries the edit token. Anyone behind the same address (a NAT, a proxy
 * Confab does not trust) who learns the key could otherwise edit or delete the comment; a
 * reader whose first answer was lost keeps the comment but not the token. A replay whose
 * body or author differs is not a retry: 422 `idempotency_key_reused`.
 */
import type { CreateCommentResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { countVisibleChildren, findCommentByIdempotencyKey } from '../../store/comments.js';
import type { Db } from '../../store/dialect.js';
import { findThreadByKey } from '../../store/threads.js';
import { editableUntil } from '../common/authorship.js';
import { loadAuthors } from '../comments/authors.js';
import { toPublicComment } from '../comments/view.js';
import type { Posting } from './context.js';

/** The first attempt's comment, if this post repeats one; 422 if the key was used otherwise. */
export async function replayOf(
  deps: Deps,
  db: Db,
  posting: Posting,
): Promise<CreateCommentResponse | undefined> {
  if (posting.scopedKey === null) return undefined;
  const thread = posting.thread ?? (await findThreadByKey(db, posting.site.id, posting.fields.key));
  if (thread === undefined) return undefined;
  const row = await findCommentByIdempotencyKey(db, thread.id, posting.scopedKey);
  if (row === undefined) return undefined;
  if (row.request_hash !== posting.requestHash) {
    throw new AppError(422, 'idempotency_key_reused', {
      detail: 'This Idempotency-Key was sent with another comment; use a new key per comment.',
    });
  }
  const authors = await loadAuthors(db, posting.site.id, [row]);
  return {
    comment: toPublicComment(row, await countVisibleChildren(db, row.id), authors),
    editableUntil: editableUntil(deps, row).toISOString(),
    replayed: true,
  };
}
