/**
 * @module api/client
 * A thin, stateless client for the Confab HTTP API v1 (DESIGN.md section 3).
 */
import type {
  CountsResponse,
  CreateCommentRequest,
  CreateCommentResponse,
  DeleteCommentResponse,
  PreviewRequest,
  PreviewResponse,
  Problem,
  SortOrder,
  ThreadResponse,
  UpdateCommentResponse,
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
}

/**
 * Talks to one Confab server. It keeps no state besides its base URL and `fetch`, so a
 * page may hold several. Every method resolves to a `contract.ts` shape or throws
 * {@link NetworkError} / {@link ApiError}.
 *
 * @example
 * const api = new ApiClient('https://comments.example.com/');
 * const { comments } = await api.thread({ site: 'myblog', thread: '/hello/', sort: 'oldest' });
 */
export class ApiClient {
  /** The server's URL, always ending in `/`; API paths resolve against it. */
  readonly base: string;
  readonly #fetchFn: Fetch | undefined;

  constructor(base: string, fetchFn?: Fetch) {
    this.base = base.replace(/\/?$/, '/');
    this.#fetchFn = fetchFn;
  }

  /** One page of a thread's comments. */
  thread(q: ThreadQuery): Promise<ThreadResponse> {
    const { cursor, ...p } = q;
    return this.#send('GET', `threads?${new URLSearchParams(cursor ? { ...p, cursor } : p)}`);
  }

  /**
   * Posts a comment: a 201 is published, a 202 is held (`comment.status === 'pending'`).
   * Retrying with the same `idempotencyKey` after a lost answer cannot post twice.
   */
  post(req: CreateCommentRequest, idempotencyKey?: string): Promise<CreateCommentResponse> {
    return this.#send(
      'POST',
      'comments',
      req,
      idempotencyKey && { 'Idempotency-Key': idempotencyKey },
    );
  }

  /** Edits a guest's own comment with the token it got when posting. */
  update(id: string, token: string, body: string): Promise<UpdateCommentResponse> {
    return this.#send(
      'PATCH',
      'comments/' + encodeURIComponent(id),
      { body },
      { 'Confab-Edit-Token': token },
    );
  }

  /** Deletes a guest's own comment; resolves to the placeholder left behind, or null. */
  remove(id: string, token: string): Promise<DeleteCommentResponse> {
    return this.#send('DELETE', 'comments/' + encodeURIComponent(id), undefined, {
      'Confab-Edit-Token': token,
    });
  }

  /** Renders Markdown as the server would, storing nothing. */
  preview(req: PreviewRequest): Promise<PreviewResponse> {
    return this.#send('POST', 'preview', req);
  }

  /** Published comment counts of several threads in one request. */
  counts(site: string, threads: string[]): Promise<CountsResponse> {
    const p = [['site', site], ...threads.map((t) => ['thread', t])];
    return this.#send('GET', `counts?${new URLSearchParams(p)}`);
  }

  async #send<T>(
    method: string,
    path: string,
    body?: object,
    extra?: Record<string, string> | '',
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (body) headers['content-type'] = 'application/json';
    let res: Response;
    let json: unknown;
    try {
      // Called unbound: the browser's fetch throws "Illegal invocation" with a `this`.
      res = await (this.#fetchFn ?? fetch)(this.base + 'api/v1/' + path, {
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
