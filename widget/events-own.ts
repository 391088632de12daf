/**
 * @module events-own
 * The events of editing and deleting one's own comment, kept with that code's chunk
 * (`state/own.ts`) so the first-render bundle does without them. `events.ts` re-exports
 * them; like every Confab event, they bubble and are composed.
 */
import type { PublicComment } from '../server/contract.js';
import { init } from './events.js';

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

declare global {
  interface HTMLElementEventMap {
    'confab-comment-edited': ConfabCommentEditedEvent;
    'confab-comment-deleted': ConfabCommentDeletedEvent;
  }
}
