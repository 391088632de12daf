/**
 * @module api/client
 * A thin, stateless client for the Confab HTTP API v1 (DESIGN.md section 3).
 */
import type {
  CountsResponse,
  CreateCommentRequest,
  CreateCommentResponse,
  PreviewRequest,
  PreviewResponse,
  Problem,
  SortOrder,
  ThreadResponse,
} from '../../server/contract.js';
import { ApiError, NetworkError } from './errors.js';

/** The `fetch` signature; tests inject a fake one. */
export type Fetch = typeof fetch;

/** What `GET /api/v1/threads` is asked for. */
export interface ThreadQuery {
  site: string;
  thread: string;
  sort: SortOrder;
  cursor?: string | null;
  /** A comment's id: the page that holds it (a permalink's), instead of the first. */
  around?: string | undefined;
}

/**
 * Talks to one Confab server. It keeps no state besides its base URL, `fetch` and the
 * reader's session token, so a page may hold several. Editing and deleting one's own
 * comment are in `api/own.ts`, and signing in in `api/auth.ts`, which lazily loaded
 * chunks use. Every method resolves to a
 * `contract.ts` shape or throws {@link NetworkError} / {@link ApiError}.
 *
 * @example
 * const api = new ApiClient('https://comments.example.com/');
 * const { comments } = await api.thread({ site: 'myblog', thread: '/hello/', sort: 'oldest' });
 */
export class ApiClient {
  /** The server's URL, always ending in `/`; API paths resolve against it. */
  readonly base: string;
  readonly #fetchFn: Fetch | undefined;

  /**
   * The signed-in reader's session token, sent as `Authorization: Bearer` with every
   * request: comment writes and previews, and reads too, since a thread shows its staff
   * the comments awaiting moderation, and an author their own. A guest's reads carry no
   * header (and need no CORS preflight).
   */
  token?: string | undefined;

  constructor(base: string, fetchFn?: Fetch) {
    this.base = base.replace(/\/?$/, '/');
    this.#fetchFn = fetchFn;
  }

  /**
   * One page of a thread's comments. Signed in, it also has the reader's own comments
   * awaiting moderation, and for the site's staff everyone's.
   */
  thread(q: ThreadQuery): Promise<ThreadResponse> {
    const p = Object.entries(q).filter((e): e is [string, string] => !!e[1]);
    return this.send('GET', `api/v1/threads?${new URLSearchParams(p)}`);
  }

  /**
   * Posts a comment: a 201 is published, a 202 is held (`comment.status === 'pending'`).
   * Retrying with the same `idempotencyKey` after a lost answer cannot post twice.
   */
  post(req: CreateCommentRequest, idempotencyKey?: string): Promise<CreateCommentResponse> {
    return this.send(
      'POST',
      'api/v1/comments',
      req,
      idempotencyKey === undefined ? undefined : { 'Idempotency-Key': idempotencyKey },
    );
  }

  /** Renders Markdown as the server would, storing nothing. */
  preview(req: PreviewRequest): Promise<PreviewResponse> {
    return this.send('POST', 'api/v1/preview', req);
  }

  /** Published comment counts of several threads in one request. */
  counts(site: string, threads: string[]): Promise<CountsResponse> {
    const p = [['site', site], ...threads.map((t) => ['thread', t])];
    return this.send('GET', `api/v1/counts?${new URLSearchParams(p)}`);
  }

  /** Any request, to `path` relative to `base`: what the methods here and `api/auth.ts` use. */
  async send<T>(
    method: string,
    path: string,
    body?: object,
    extra?: Record<string, string>,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (body) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization ||= 'Bearer ' + this.token;
    let res: Response;
    let json: unknown;
    try {
      // Called unbound: the browser's fetch throws "Illegal invocation" with a `this`.
      res = await (this.#fetchFn ?? fetch)(this.base + path, {
        method,
        headers,
        body: body && JSON.stringify(body),
      });
      json = await res.json().catch(() => undefined);
    } catch (e) {
      throw new NetworkError(e);
    }
    if (res.ok) return json as T;
    // Not JSON, or JSON without a code (a proxy's error page): still an ApiError.
    const problem = {
      code: 'internal_error',
      ...(json as Partial<Problem> | undefined),
    } as Problem;
    problem.retryAfter ??= Number(res.headers.get('retry-after')) || undefined;
    throw new ApiError(res.status, problem.code, problem);
  }
}
