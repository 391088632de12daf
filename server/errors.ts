/**
 * @module errors
 * The one error class of the server. Services throw it; `app.onError` renders it as
 * RFC 9457 problem+json with its stable `code`. Anything else becomes a logged 500.
 */
import type { ErrorCode, FieldError, Problem } from './contract.js';

export type { ErrorCode, FieldError };

const titles: Record<ErrorCode, string> = {
  validation_failed: 'The request has invalid fields',
  not_signed_in: 'You need to sign in or present an edit token',
  forbidden: 'You may not do that',
  origin_not_allowed: 'This page is not one of the site’s origins',
  not_found: 'Not found',
  site_not_found: 'No such site',
  parent_not_found: 'The comment you reply to does not exist in this thread',
  thread_locked: 'This thread is locked',
  guests_not_allowed: 'This site does not take guest comments',
  edit_window_closed: 'The time to edit this comment has passed',
  rate_limited: 'Too many requests; try again later',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'Send JSON (Content-Type: application/json)',
  malformed_json: 'The request body is not valid JSON',
  method_not_allowed: 'Method not allowed',
  sign_in_failed: 'The sign-in could not be completed',
  banned: 'You are banned from commenting on this site',
  too_fast: 'That was sent faster than a person writes; wait a moment and send it again',
  challenge_required:
    'This site needs its anti-spam check (formToken, proofOfWork) from GET /api/v1/guard',
  challenge_failed: 'The anti-spam check failed or was already used; fetch a new one',
  spam_suspected: 'This looks like spam and was not saved',
  duplicate_comment: 'You already posted this comment',
  invalid_state: 'That action does not apply to this comment in its current state',
  idempotency_key_reused: 'This Idempotency-Key was already used for a different comment',
  invalid_encoding: 'The request body is not valid UTF-8',
  too_complex: 'The comment is too complex to render; simplify its formatting',
  storage_unavailable: 'The server cannot save anything right now; try again shortly',
  invalid_link: 'This link is not valid; use the one in the email as it came',
  link_expired: 'This link has expired',
  already_sent: 'This was sent already; it is never sent twice',
  not_resendable: 'Only a failed, given-up or kept message can be sent again',
  no_mailer: 'No mail server is configured (CONFAB_SMTP_URL); mail is kept, not sent',
  votes_disabled: 'This site does not take votes on comments',
  downvotes_disabled: 'This site takes upvotes only',
  own_comment: 'You cannot vote on your own comment',
  already_voted: 'A guest at this address already did this; sign in to vote or like as yourself',
  voter_required: 'Sign in, or send your voter token in the Confab-Voter header',
  too_many_streams: 'Too many live streams are open; try again later',
  internal_error: 'Something went wrong on the server',
};

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldError[];
  retryAfter?: number;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly options: AppErrorOptions;

  constructor(status: number, code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.detail ?? titles[code], { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.options = options;
  }

  toProblem(): Problem {
    const problem: Problem = {
      type: `urn:confab:problem:${this.code}`,
      title: titles[this.code],
      status: this.status,
      code: this.code,
    };
    if (this.options.detail !== undefined) problem.detail = this.options.detail;
    if (this.options.errors !== undefined) problem.errors = this.options.errors;
    if (this.options.retryAfter !== undefined) problem.retryAfter = this.options.retryAfter;
    return problem;
  }
}

/** A `validation_failed` error for one or more fields. */
export function invalid(errors: FieldError[]): AppError {
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new AppError(422, 'validation_failed', { detail, errors });
}
