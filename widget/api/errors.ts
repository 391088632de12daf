/**
 * @module api/errors
 * The two ways a request to the Confab server fails, split by cause as arctic does:
 * the network never answered ({@link NetworkError}), or the server refused
 * ({@link ApiError}, with the problem+json `code` the widget translates).
 */
import type { ErrorCode, Problem } from '../../server/contract.js';

/** The request never got an answer (offline, DNS, CORS refusal). The original is in `cause`. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('Could not reach the comment server', { cause });
    this.name = 'NetworkError';
  }
}

/** The server answered with an error status and an RFC 9457 problem. */
export class ApiError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The problem's stable `code`; translate this, never `message`. */
  readonly code: ErrorCode;
  /** The whole problem; `retryAfter` is filled from the `Retry-After` header when absent. */
  readonly problem: Problem;

  constructor(status: number, code: ErrorCode, problem: Problem) {
    super(problem.title || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problem = problem;
  }
}
