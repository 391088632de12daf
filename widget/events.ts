/**
 * @module events
 * Events the widget dispatches. Each bubbles and is composed, so the host page can
 * listen on the element or on `document`.
 */
import type { ErrorCode, PublicComment } from '../server/contract.js';
import type { SessionUser } from './api/auth.js';
import { ApiError } from './api/errors.js';

const init = { bubbles: true, composed: true } as const;

/** A comment was posted (published, or held for moderation: see `comment.status`). */
export class ConfabCommentPostedEvent extends Event {
  readonly comment: PublicComment;
  constructor(comment: PublicComment) {
    super('confab-comment-posted', init);
    this.comment = comment;
  }
}

/** The reader edited their own comment. */
export class ConfabCommentEditedEvent extends Event {
  readonly comment: PublicComment;
  constructor(comment: PublicComment) {
    super('confab-comment-edited', init);
    this.comment = comment;
  }
}

/** The reader deleted their own comment; `placeholder` is what stays, or null. */
export class ConfabCommentDeletedEvent extends Event {
  readonly id: string;
  readonly placeholder: PublicComment | null;
  constructor(id: string, placeholder: PublicComment | null) {
    super('confab-comment-deleted', init);
    this.id = id;
    this.placeholder = placeholder;
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

/** What a reader asked of a comment with its buttons. */
export type CommentAction = 'reply' | 'edit' | 'delete';

/**
 * A reader pressed Reply, Edit or Delete on a comment. Internal: `<confab-comment>` fires
 * it, and `<confab-thread>`, which owns the network and the open composer, acts on it and
 * stops it there.
 */
export class ConfabActionRequestedEvent extends Event {
  readonly action: CommentAction;
  readonly comment: PublicComment;
  constructor(action: CommentAction, comment: PublicComment) {
    super('confab-action-requested', init);
    this.action = action;
    this.comment = comment;
  }
}

declare global {
  interface HTMLElementEventMap {
    'confab-comment-posted': ConfabCommentPostedEvent;
    'confab-comment-edited': ConfabCommentEditedEvent;
    'confab-comment-deleted': ConfabCommentDeletedEvent;
    'confab-error': ConfabErrorEvent;
    'confab-signed-in': ConfabSignedInEvent;
    'confab-signed-out': ConfabSignedOutEvent;
    'confab-action-requested': ConfabActionRequestedEvent;
  }
}
