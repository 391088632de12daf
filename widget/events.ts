/**
 * @module events
 * Events the widget dispatches. Each bubbles and is composed, so the host page can
 * listen on the element or on `document`. They are also how the elements inside a
 * thread report to it: `<confab-thread>` listens for its children's events and acts on
 * them (children never reach into the thread).
 */
import type {
  ErrorCode,
  ModerationAction,
  PublicComment,
  SessionUser,
} from '../server/contract.js';
import { ApiError } from './api/errors.js';

/** How every Confab event is dispatched. */
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

/**
 * A moderator acted on a comment from the page (`<confab-mod-tools>`). `comment` is the
 * comment as it is now, public fields only: its `status` is `deleted` or `spam` when it
 * left the thread (the thread then keeps a placeholder where it has replies).
 */
export class ConfabCommentModeratedEvent extends Event {
  readonly action: ModerationAction;
  readonly comment: PublicComment;
  constructor(action: ModerationAction, comment: PublicComment) {
    super('confab-comment-moderated', init);
    this.action = action;
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

/**
 * The reader pressed "Comment as a guest" in `<confab-sign-in>`; `<confab-thread>` takes
 * them to the first field of its form.
 */
export class ConfabGuestChosenEvent extends Event {
  constructor() {
    super('confab-guest-chosen', init);
  }
}

/** What a reader asked of a comment with its buttons (`ConfabComment.act`): ▲ is `up`, ▼ `down`. */
export type CommentAction = 'reply' | 'edit' | 'delete' | 'up' | 'down';

declare global {
  interface HTMLElementEventMap {
    'confab-comment-posted': ConfabCommentPostedEvent;
    'confab-comment-edited': ConfabCommentEditedEvent;
    'confab-comment-deleted': ConfabCommentDeletedEvent;
    'confab-comment-moderated': ConfabCommentModeratedEvent;
    'confab-error': ConfabErrorEvent;
    'confab-signed-in': ConfabSignedInEvent;
    'confab-signed-out': ConfabSignedOutEvent;
    'confab-guest-chosen': ConfabGuestChosenEvent;
  }
}
