/**
 * @module state/own
 * Editing and deleting the reader's own comments: a chunk `<confab-thread>` loads on the
 * first Save of an edit or the first Delete (readers who never do either never download
 * it, and the first-render bundle stays within its budget). A guest's requests carry the
 * comment's edit token from `state/storage.ts`; a signed-in reader's, the session.
 */
import type { PublicComment } from '../../server/contract.js';
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { deleteComment, updateComment } from '../api/own.js';
import type { Draft } from '../elements/confab-composer.js';
import { ConfabCommentDeletedEvent, ConfabCommentEditedEvent } from '../events-own.js';
import { later } from '../strings-later.js';
import { errorText } from '../strings.js';
import { loadGrant, saveGrant } from './storage.js';
import type { ThreadController } from './thread-controller.js';

/** What of `<confab-thread>` these functions use (its internal members). */
export interface OwnHost extends HTMLElement {
  ctl: ThreadController;
  /** Awaits a request, telling the page when it fails. */
  call<T>(request: (api: ApiClient) => Promise<T>): Promise<T>;
  /** Says `text` politely, and focuses comment `id` if given. */
  announce(text: string, id?: string): void;
  /** The composer open inside a comment. */
  open?: { id: string } | undefined;
  /** A failure outside any form. */
  failed: string;
  requestUpdate(): void;
}

/**
 * A request made with comment `c`'s edit token (none for a comment posted signed in: the
 * client sends the session). A refusal no retry can fix forgets the grant, which hides
 * Edit and Delete; a comment the server no longer has leaves the view.
 */
async function own<T>(
  t: OwnHost,
  c: PublicComment,
  request: (api: ApiClient, token?: string) => Promise<T>,
): Promise<T> {
  try {
    return await t.call((api) => request(api, loadGrant(c.id)?.token));
  } catch (e) {
    const code = e instanceof ApiError ? e.code : '';
    // (not_signed_in is a session that ended, not a lost right: signed in again, it works.)
    if (/^(forbidden|edit_window_closed|not_found)$/.test(code)) saveGrant(c.id);
    if (code === 'not_found') {
      t.ctl.change(c.id, null);
      t.failed = errorText(e);
    }
    t.requestUpdate();
    throw e;
  }
}

/**
 * With `d`, saves it as the reader's edit of comment `c` (a failure rejects, for the
 * composer to show); without, deletes `c` once the reader confirms.
 */
export const edit = (t: OwnHost, c: PublicComment, d?: Draft): Promise<void> =>
  d ? save(t, c, d) : remove(t, c);

async function save(t: OwnHost, c: PublicComment, d: Draft): Promise<void> {
  const r = await own(t, c, (api, token) => updateComment(api, c.id, token, d.body));
  const grant = loadGrant(c.id);
  if (grant) saveGrant(c.id, { ...grant, body: d.body });
  t.ctl.change(c.id, r.comment);
  t.open = undefined;
  t.announce(later.saved, c.id);
  t.dispatchEvent(new ConfabCommentEditedEvent(r.comment));
}

/** Deletes comment `c` once the reader confirms; a failure shows above the thread. */
async function remove(t: OwnHost, c: PublicComment): Promise<void> {
  if (!confirm(later.confirmDelete)) return;
  t.failed = '';
  try {
    const r = await own(t, c, (api, token) => deleteComment(api, c.id, token));
    saveGrant(c.id);
    t.ctl.change(c.id, r.comment);
    if (t.open?.id === c.id) t.open = undefined;
    t.announce(later.removed);
    t.dispatchEvent(new ConfabCommentDeletedEvent(c.id, r.comment));
  } catch (e) {
    t.failed = errorText(e);
  }
}
