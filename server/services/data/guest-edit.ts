/**
 * @module services/data/guest-edit
 * A guest's edit and delete of one of their comments, through their mailed link
 * (services/data/guest-link) instead of the edit token their browser may have lost. A
 * comment that is not the address's on the site is not found. Editing follows the
 * author's own rules (services/posting/edit: inside the edit window, the body's rules,
 * bans, the edit limit, and the hold rules again); deleting works at any time, as the
 * author's delete does it (services/comments/remove).
 */
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import { findCommentOfEmailHash } from '../../store/guest-data.js';
import type { Db } from '../../store/dialect.js';
import type { ReaderCommentRow } from '../../store/reader-data.js';
import { editableUntil, isId, type Caller } from '../common/authorship.js';
import { checkBody } from '../common/input-rules.js';
import { removeComment } from '../comments/remove.js';
import { withEvents } from '../events/log.js';
import { applyEdit } from '../posting/edit.js';
import { guestComment, type GuestComment } from './guest-data.js';
import type { GuestAccess } from './guest-link.js';

/** The address's comment `id` on the site, or a 404. */
async function ownComment(
  db: Db,
  access: GuestAccess,
  id: string | undefined,
): Promise<ReaderCommentRow> {
  const row =
    id === undefined || !isId(id)
      ? undefined
      : await findCommentOfEmailHash(db, access.site.id, access.emailHash, id);
  if (row === undefined) throw new AppError(404, 'not_found');
  return row;
}

export async function viewGuestComment(
  deps: Deps,
  access: GuestAccess,
  id: string | undefined,
): Promise<GuestComment> {
  return guestComment(deps, access, await ownComment(deps.db, access, id));
}

/** Edits the comment; `held` when the edit sent it back to the moderators. */
export async function editGuestComment(
  deps: Deps,
  access: GuestAccess,
  id: string | undefined,
  input: { body: string },
  caller: Caller,
): Promise<{ comment: GuestComment; held: boolean }> {
  const body = checkBody(input.body);
  if (!body.ok) throw invalid([body.error]);
  const before = await ownComment(deps.db, access, id);
  if (deps.now().getTime() >= editableUntil(deps, before).getTime()) {
    throw new AppError(403, 'edit_window_closed');
  }
  return applyEdit(
    deps,
    { site: access.site, staff: false, before, body: body.value, caller },
    (_trx, row, held) =>
      Promise.resolve({ comment: guestComment(deps, access, { ...before, ...row }), held }),
  );
}

/** Deletes the comment; `placeholder` when it stays as one because others replied. */
export async function deleteGuestComment(
  deps: Deps,
  access: GuestAccess,
  id: string | undefined,
): Promise<{ placeholder: boolean }> {
  return withEvents(deps, async (trx, events) => {
    const row = await ownComment(trx, access, id);
    const placeholder = await removeComment(trx, events, access.site.id, row, deps.now());
    return { placeholder: placeholder !== null };
  });
}
