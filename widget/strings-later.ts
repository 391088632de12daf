/**
 * @module strings-later
 * The texts that only lazily loaded chunks show (the sign-in box, editing and deleting
 * one's own comments, the moderator tools), so they load with those chunks, after the
 * thread and its form are on screen. Everything else is in `strings.ts`; a locale
 * replaces both.
 */
import type { ModerationAction } from '../server/contract.js';

export const later = {
  /** `<confab-sign-in>`. */
  logIn: 'Please log in using one of these methods',
  asGuest: 'Comment as a guest',
  stay: 'Stay signed in',
  using: (provider: string) => `You are commenting using your ${provider} account`,
  logOut: 'Log Out',
  change: 'Change',
  /** `state/own.ts`. */
  confirmDelete: 'Delete this comment?',
  /** `<confab-mod-tools>`: a button per action. */
  actions: {
    approve: 'Approve',
    delete: 'Delete',
    spam: 'Spam',
    pin: 'Pin',
    unpin: 'Unpin',
  } as Partial<Record<ModerationAction, string>>,
  /** What each action asks before it is done, if anything. */
  confirm: {
    delete: 'Delete this comment for everyone?',
    spam: 'Mark this comment as spam? It leaves the thread.',
  } as Partial<Record<ModerationAction, string>>,
  moderate: 'Moderate',
  /** 409 `invalid_state`. */
  invalidState: 'That no longer applies to this comment. Reload to see it as it is now.',
};
