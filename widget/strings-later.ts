/**
 * @module strings-later
 * The texts that only lazily loaded chunks show (the sign-in box, editing and deleting
 * one's own comments, the moderator tools, votes and likes), so they load with those chunks, after the
 * thread and its form are on screen. Everything else is in `strings.ts`; a locale
 * replaces both.
 */
import type { ErrorCode, ModerationAction } from '../server/contract.js';

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
  /** `state/reactions.ts`: why a vote or a like was refused (other codes: `strings.errors`). */
  refusals: {
    own_comment: 'You cannot vote on your own comment.',
    votes_disabled: 'This site does not take votes.',
    downvotes_disabled: 'This site does not take votes down.',
    already_voted: 'A guest at your address already did that.',
    voter_required: 'Your browser did not say who is voting. Please reload the page.',
    thread_locked: 'Comments are closed: votes are too.',
    rate_limited: 'You are voting too fast. Please wait a moment.',
    invalid_state: 'That comment can no longer be voted on.',
    not_found: 'That comment no longer exists.',
  } as Partial<Record<ErrorCode, string>>,
};
