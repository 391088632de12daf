/**
 * @module events
 * Events the widget dispatches. Each bubbles and is composed, so the host page can
 * listen on the element or on `document`.
 */
import type { ErrorCode, PublicComment } from '../server/contract.js';
import type { SessionUser } from './api/auth.js';
import { ApiError } from './api/errors.js';

/** How every Confab event is dispatched. */
export const init = { bubbles: true, composed: true } as const;

// The events of editing and deleting one's own comment load with that code's chunk.
export { ConfabCommentDeletedEvent, ConfabCommentEditedEvent } from './events-own.js';

/** A comment was posted (published, or held for moderation: see `comment.status`). */
export class ConfabCommentPostedEvent extends Event {
  readonly comment: PublicComment;
  constructor(comment: PublicComment) {
    super('confab-comment-posted', init);
    this.comment = comment;
  }
}

/** A request failed. `code` is the problem's code, or `network` when nothing answered. */
export class ConfabErrorEvent extends Event {
  readonly error: unknown;
  readonly code: ErrorCode | 'network';
  constructor(error: unknown) {
    super('confab-error', init);
    this.error = error;
    this.code = error instanceof ApiError ? error.code : 'network';
  }
}

/**
 * The reader signed in (or came back with a session kept from before). `<confab-sign-in>`
 * fires it; `<confab-thread>` then posts as `user`, with `token`.
 */
export class ConfabSignedInEvent extends Event {
  readonly user: SessionUser;
  /** The session's bearer token. Whoever can run script on the page can read it anyway. */
  readonly token: string;
  constructor(user: SessionUser, token: string) {
    super('confab-signed-in', init);
    this.user = user;
    this.token = token;
  }
}

/** The reader logged out, or their session ended; the thread is back to guest comments. */
export class ConfabSignedOutEvent extends Event {
  constructor() {
    super('confab-signed-out', init);
  }
}

/** What a reader asked of a comment with its buttons (`ConfabComment.act`). */
export type CommentAction = 'reply' | 'edit' | 'delete';

declare global {
  interface HTMLElementEventMap {
    'confab-comment-posted': ConfabCommentPostedEvent;
    'confab-error': ConfabErrorEvent;
    'confab-signed-in': ConfabSignedInEvent;
    'confab-signed-out': ConfabSignedOutEvent;
  }
}
