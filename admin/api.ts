/**
 * @module admin/api
 * The moderation half of the HTTP API (`/api/v1/moderation/...`, docs/api.md), over the
 * widget's stateless {@link ApiClient}. Every request carries the moderator's session as
 * `Authorization: Bearer`, GETs included (the widget's client sends it only with writes).
 * No state but the client and the token: the app builds a new one per session.
 */
import type {
  AuditResponse,
  BanRequest,
  BanResponse,
  BansResponse,
  ModActionRequest,
  ModActionResponse,
  ModComment,
  ModEditRequest,
  ModQueueResponse,
  ModSettings,
  ModSitesResponse,
  OutboxMessageResponse,
  OutboxResponse,
  OutboxSendResponse,
  OutboxStatus,
  PublicThread,
  TestMailRequest,
  TestMailResponse,
  WebhookCreatedResponse,
  WebhookRequest,
  WebhooksResponse,
} from '../server/contract.js';
import type { ApiClient } from '../widget/api/client.js';

/** A queue tab: one status, or every comment. */
export type QueueStatus = 'pending' | 'published' | 'spam' | 'deleted' | 'all';

/** What `GET /api/v1/moderation/comments` is asked for. */
export interface QueueQuery {
  site: string;
  status: QueueStatus;
  q?: string;
  thread?: string;
  cursor?: string | null;
  limit?: number;
}

/** What `GET /api/v1/moderation/outbox` is asked for. */
export interface OutboxQuery {
  site: string;
  /** One status, or every row when absent. */
  status?: OutboxStatus | undefined;
  cursor?: string | null;
  limit?: number;
}

/** The settings an owner may change (the read-only ones left out). */
export type SettingsPatch = Partial<Omit<ModSettings, 'spamCheckerAvailable' | 'origins'>>;

const query = (params: Record<string, string | number | null | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.toString();
};

/**
 * The moderation endpoints, each resolving to its `contract.ts` shape or throwing the
 * client's `NetworkError` / `ApiError`.
 *
 * @example
 * const mod = new ModerationApi(new ApiClient(location.origin), session.token);
 * const { comments, counts } = await mod.queue({ site: 'myblog', status: 'pending' });
 */
export class ModerationApi {
  readonly client: ApiClient;
  readonly #token: string;

  constructor(client: ApiClient, token: string) {
    this.client = client;
    this.#token = token;
  }

  #send<T>(method: string, path: string, body?: object): Promise<T> {
    return this.client.send<T>(method, `api/v1/moderation/${path}`, body, {
      authorization: `Bearer ${this.#token}`,
    });
  }

  /** The sites this account owns or moderates, with their pending and spam counts. */
  sites(): Promise<ModSitesResponse> {
    return this.#send('GET', 'sites');
  }

  /** A page of the queue, newest first, with the counts per status. */
  queue(q: QueueQuery): Promise<ModQueueResponse> {
    return this.#send('GET', `comments?${query({ ...q })}`);
  }

  /** One action on up to 100 comments, all or nothing; repeating it is a no-op success. */
  act(req: ModActionRequest): Promise<ModActionResponse> {
    return this.#send('POST', 'actions', req);
  }

  /**
   * Replaces a comment's text (Markdown) and answers with it re-rendered. A moderator editing
   * an owner's comment gets 403 `forbidden`; a deleted comment, 404 `not_found`.
   */
  edit(id: string, req: ModEditRequest): Promise<{ comment: ModComment }> {
    return this.#send('PATCH', `comments/${encodeURIComponent(id)}`, req);
  }

  /** Locks or unlocks a thread: a locked one stays readable and takes no new comments. */
  lock(site: string, thread: string, locked: boolean): Promise<{ thread: PublicThread }> {
    return this.#send('PUT', `threads/lock?${query({ site, thread })}`, { locked });
  }

  /** Bans in force on the site. */
  bans(site: string): Promise<BansResponse> {
    return this.#send('GET', `bans?${query({ site })}`);
  }

  /** Bans the author of a comment (again: updates the ban). */
  ban(req: BanRequest): Promise<BanResponse> {
    return this.#send('POST', 'bans', req);
  }

  /** Lifts a ban (lifting a lifted one is fine). */
  async lift(site: string, id: string): Promise<void> {
    await this.#send('DELETE', `bans/${encodeURIComponent(id)}?${query({ site })}`);
  }

  /** A page of the audit log, newest first. */
  audit(site: string, cursor?: string | null): Promise<AuditResponse> {
    return this.#send('GET', `audit?${query({ site, cursor })}`);
  }

  /** The site's moderation settings. */
  settings(site: string): Promise<ModSettings> {
    return this.#send('GET', `settings?${query({ site })}`);
  }

  /** Changes some settings (owners only: a moderator gets 403 `forbidden`). */
  updateSettings(site: string, patch: SettingsPatch): Promise<ModSettings> {
    return this.#send('PATCH', `settings?${query({ site })}`, patch);
  }

  /** A page of the site's outbox (mail and webhook calls), newest first, with the counts per status. */
  outbox(q: OutboxQuery): Promise<OutboxResponse> {
    return this.#send('GET', `outbox?${query({ ...q })}`);
  }

  /** One outbox row with what it sends: the mail (text, HTML, headers) or the webhook's body. */
  outboxMessage(site: string, id: string): Promise<OutboxMessageResponse> {
    return this.#send('GET', `outbox/${encodeURIComponent(id)}?${query({ site })}`);
  }

  /**
   * "Send again" (owners): tries a failed, given-up or kept row now and answers the row
   * afterwards; 409 `already_sent`, `not_resendable` or `no_mailer` says why not.
   */
  sendAgain(site: string, id: string): Promise<OutboxSendResponse> {
    return this.#send('POST', `outbox/${encodeURIComponent(id)}/send`, { site });
  }

  /** Sends a test email (owners; 10 an hour per site, then 429 `rate_limited`). */
  testMail(req: TestMailRequest): Promise<TestMailResponse> {
    return this.#send('POST', 'test-mail', req);
  }

  /** The site's webhooks, oldest first (owners only). */
  webhooks(site: string): Promise<WebhooksResponse> {
    return this.#send('GET', `webhooks?${query({ site })}`);
  }

  /** Adds a webhook (owners); the answer's `secret` is never shown again. */
  addWebhook(req: WebhookRequest): Promise<WebhookCreatedResponse> {
    return this.#send('POST', 'webhooks', req);
  }

  /** Removes a webhook (owners). */
  async removeWebhook(site: string, id: string): Promise<void> {
    await this.#send('DELETE', `webhooks/${encodeURIComponent(id)}?${query({ site })}`);
  }
}
