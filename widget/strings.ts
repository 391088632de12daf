/**
 * @module strings
 * Every piece of text the widget shows, in one object so that a locale can replace it
 * later. Errors are looked up by the problem's stable `code`, never by its message.
 */
import type { ErrorCode } from '../server/contract.js';
import { ApiError, NetworkError } from './api/errors.js';

/** Texts looked up by a code from the server, with a fallback for codes without one. */
type ByCode<K extends string> = Partial<Record<K, string>> & { other: string };
type Errors = ByCode<ErrorCode> & { network: string };

const plural = (n: number) => `${n} comment${n === 1 ? '' : 's'}`;

export const strings = {
  /** "3 comments on “Title”"; before the thread has loaded, just "Comments". */
  heading: (n: number | undefined, title: string) =>
    (n === undefined ? 'Comments' : n ? plural(n) : 'No comments yet') +
    (title ? ` on “${title}”` : ''),
  count: plural,
  sort: 'Sort comments',
  /** The post's likes, as WordPress says them. */
  likes: (n: number) =>
    n === 0
      ? 'Be the first to like this.'
      : n === 1
        ? 'One reader likes this'
        : `${n} readers like this`,
  like: 'Like',
  liked: 'Liked',
  voteUp: 'Vote up',
  voteDown: 'Vote down',
  sorts: { oldest: 'Oldest', newest: 'Newest', top: 'Top' },
  loading: 'Loading comments…',
  empty: 'Be the first to comment.',
  retry: 'Retry',
  more: 'Load more comments',
  locked: 'Comments are closed.',
  leave: 'Leave a Reply',
  replyTo: (name: string) => `Leave a Reply to ${name}`,
  inReplyTo: 'in reply to',
  reply: 'Reply',
  cancelReply: 'Cancel reply',
  cancel: 'Cancel',
  edit: 'Edit',
  delete: 'Delete',
  edited: '(edited)',
  deleted: 'This comment was deleted.',
  pinned: 'Pinned',
  pending: 'This comment is awaiting moderation.',
  posted: 'Your comment was posted.',
  saved: 'Your comment was updated.',
  removed: 'Your comment was deleted.',
  roles: { owner: 'Author', moderator: 'Moderator' },
  name: 'Name',
  email: 'Email',
  emailHint: '(never shown)',
  url: 'Website',
  body: 'Comment',
  bodyHint: 'Markdown supported',
  preview: 'Preview',
  remember: 'Save my name, email, and website in this browser for the next time I comment.',
  notify: 'Notify me of new comments via email',
  feed: 'Comments feed (Atom)',
  manage: 'Edit or erase comments you wrote as a guest',
  permalinkGone: 'The comment that link points to is no longer here.',
  notifyWhat: 'Email me',
  notifyAll: 'every new comment',
  notifyReplies: 'only replies to me',
  notifyPending: 'We sent you an email: open its link to confirm the notifications.',
  post: 'Post Comment',
  posting: 'Posting…',
  save: 'Save',
  saving: 'Saving…',
  rateLimited: (s: number) => `You're commenting too fast. Try again in ${s} s.`,
  /** By the problem's `code`; `network` when no answer came. */
  errors: {
    network: 'Could not reach the comment server.',
    validation_failed: 'Please correct the marked fields.',
    thread_locked: 'Comments are closed.',
    guests_not_allowed: 'Only signed-in readers can comment here.',
    edit_window_closed: 'The time to edit this comment has passed.',
    payload_too_large: 'Your comment is too long.',
    forbidden: 'You are not allowed to do that.',
    // A guest always sends an edit token: this is a signed-in reader whose session ended.
    not_signed_in: 'You were signed out. Please log in again.',
    sign_in_failed: 'Sign-in failed. Please try again.',
    origin_not_allowed: 'Comments are not enabled for this page.',
    site_not_found: 'Comments are not enabled for this page.',
    not_found: 'That comment no longer exists.',
    banned: 'You can no longer comment here.',
    duplicate_comment: 'You already said that.',
    spam_suspected: 'Your comment was taken for spam.',
    // What the spam guard's one retry could not fix (a second challenge_failed is "other").
    too_fast: 'Please wait a moment, then send again.',
    parent_not_found: 'The comment you are replying to no longer exists.',
    // Nothing was saved: the server's disk is full or failing (it says when to retry).
    storage_unavailable: "Comments can't be saved right now. Please try again in a minute.",
    // Rendering the Markdown took too long (a comment or its preview).
    too_complex: "Your comment's formatting is too complex. Please simplify it.",
    // The key stays until the reader changes something: the first attempt (its answer
    // lost) was saved, and this one differs from it (say, signed in since).
    idempotency_key_reused: 'This comment was already sent once. Change the text to send it again.',
    // The body reached the server garbled (browsers always send UTF-8).
    invalid_encoding: 'The comment server could not read your text. Please try again.',
    other: 'Something went wrong. Please try again.',
  } satisfies Errors as Errors,
  /** By a field error's `code`. */
  fields: {
    required: 'Please fill in this field.',
    too_long: 'This is too long.',
    too_short: 'This is too short.',
    not_a_url: 'Enter a web address like example.com.',
    other: 'This does not look right.',
  } as ByCode<string>,
};

/** The reader-facing sentence for anything a request threw. */
export function errorText(e: unknown): string {
  const { errors } = strings;
  if (e instanceof NetworkError) return errors.network;
  if (!(e instanceof ApiError)) return errors.other;
  const wait = e.problem.retryAfter;
  // A ban's detail says until when.
  return e.code === 'rate_limited'
    ? strings.rateLimited(Math.ceil(wait ?? 60))
    : (e.code === 'banned' && e.problem.detail) || (errors[e.code] ?? errors.other);
}
