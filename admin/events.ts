/**
 * @module admin/events
 * Events the moderation app's elements dispatch to the ones that own them. Each bubbles
 * and is composed, so it crosses the shadow roots between a row and its queue.
 */
import type { ModComment, ModerationAction, Session } from '../server/contract.js';

const init = { bubbles: true, composed: true } as const;

/** The moderator signed in, for `site` (the site named on the sign-in form). */
export class AdminSignedInEvent extends Event {
  readonly session: Session;
  readonly site: string;
  constructor(session: Session, site: string) {
    super('confab-admin-signed-in', init);
    this.session = session;
    this.site = site;
  }
}

/** A row's button asked for an action on its comment. */
export class AdminActionRequestedEvent extends Event {
  readonly action: ModerationAction;
  readonly comment: ModComment;
  constructor(action: ModerationAction, comment: ModComment) {
    super('confab-admin-action-requested', init);
    this.action = action;
    this.comment = comment;
  }
}

/** A row asked to lock or unlock its comment's thread. */
export class AdminLockRequestedEvent extends Event {
  readonly comment: ModComment;
  readonly locked: boolean;
  constructor(comment: ModComment, locked: boolean) {
    super('confab-admin-lock-requested', init);
    this.comment = comment;
    this.locked = locked;
  }
}

/** A row asked to ban its comment's author. */
export class AdminBanRequestedEvent extends Event {
  readonly comment: ModComment;
  constructor(comment: ModComment) {
    super('confab-admin-ban-requested', init);
    this.comment = comment;
  }
}

/** A row asked to edit its comment's text. */
export class AdminEditRequestedEvent extends Event {
  readonly comment: ModComment;
  constructor(comment: ModComment) {
    super('confab-admin-edit-requested', init);
    this.comment = comment;
  }
}

/** The editor saved a comment's text; `comment` is the server's answer. */
export class AdminEditedEvent extends Event {
  readonly comment: ModComment;
  constructor(comment: ModComment) {
    super('confab-admin-edited', init);
    this.comment = comment;
  }
}

/** The editor was closed without saving. */
export class AdminEditCancelledEvent extends Event {
  constructor() {
    super('confab-admin-edit-cancelled', init);
  }
}

/** A row's checkbox changed. */
export class AdminSelectedEvent extends Event {
  readonly id: string;
  readonly selected: boolean;
  constructor(id: string, selected: boolean) {
    super('confab-admin-selected', init);
    this.id = id;
    this.selected = selected;
  }
}

/** The ban dialog banned someone; `message` says who and until when. */
export class AdminBannedEvent extends Event {
  readonly message: string;
  constructor(message: string) {
    super('confab-admin-banned', init);
    this.message = message;
  }
}

/** Comments changed state (an action, a ban): counts elsewhere may be stale. */
export class AdminChangedEvent extends Event {
  constructor() {
    super('confab-admin-changed', init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'confab-admin-signed-in': AdminSignedInEvent;
    'confab-admin-action-requested': AdminActionRequestedEvent;
    'confab-admin-lock-requested': AdminLockRequestedEvent;
    'confab-admin-ban-requested': AdminBanRequestedEvent;
    'confab-admin-edit-requested': AdminEditRequestedEvent;
    'confab-admin-edited': AdminEditedEvent;
    'confab-admin-edit-cancelled': AdminEditCancelledEvent;
    'confab-admin-selected': AdminSelectedEvent;
    'confab-admin-banned': AdminBannedEvent;
    'confab-admin-changed': AdminChangedEvent;
  }
}
