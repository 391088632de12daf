/**
 * @module store/schema
 * Table types for Kysely. `*Table` and `*Row` types never leave `store/`.
 * Dialect-agnostic on purpose: ids are text (random UUIDs made in code), timestamps are
 * ISO-8601 UTC strings (they sort as text), booleans are 0/1 integers.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface SiteTable {
  id: string;
  name: string;
  /** JSON array of exact origins (`https://blog.example.com`). */
  origins: string;
  moderation: string;
  allow_guests: number;
  /** Comments per minute per client; 0 means off. */
  rate_limit: number;
  created_at: string;
  updated_at: string;
  /** Hold a comment with more links than this. */
  max_links: number;
  /** JSON array of words and phrases that hold a comment for review. */
  blocklist: string;
  /** Hold comments from accounts younger than this many hours; 0 means off. */
  new_account_hours: number;
  /** Comments per minute in one thread, from everyone together; 0 means off. */
  thread_rate_limit: number;
  /** A guest's form must be this old before it may be sent; 0 means off. */
  min_fill_seconds: number;
  /** Proof of work for guests: the challenge's largest number (difficulty); 0 means off. */
  proof_of_work: number;
  /** Run the configured spam checker (Akismet) on new comments: 0/1. */
  spam_check: number;
  /** New threads (first comments on a page) per hour on the site; 0 means off. */
  new_thread_limit: number;
  /** JSON array of addresses that get the owner's alerts. */
  alert_emails: Generated<string>;
  /** `each` (a mail per new comment), `digest` (one a day) or `off`. */
  alert_mode: Generated<string>;
  /** When the last daily digest was made. */
  last_digest_at: string | null;
  /** Readers may vote on comments: 0/1. */
  votes: Generated<number>;
  /** Readers may also vote comments down (when `votes` is on): 0/1. */
  downvotes: Generated<number>;
}

export interface ThreadTable {
  id: string;
  site_id: string;
  key: string;
  title: string | null;
  url: string | null;
  locked: number;
  created_at: string;
  /** The id of the thread's last event (0 before any): what a cached page is keyed by. */
  version: Generated<number>;
  /** Readers who like the post (rows of `likes`), kept in step in each like's transaction. */
  like_count: Generated<number>;
}

export interface CommentTable {
  id: string;
  thread_id: string;
  parent_id: string | null;
  /** The top-level comment this one hangs under (its own id when top-level). */
  root_id: string;
  /** 0 for a top-level comment, its parent's depth + 1 for a reply (capped). */
  depth: number;
  status: string;
  body_source: string;
  body_html: string;
  render_version: number;
  author_name: string | null;
  author_email: string | null;
  author_url: string | null;
  user_id: string | null;
  /** HMAC of the client's address with the server secret; never the address itself. */
  ip_hash: string | null;
  /** SHA-256 of the guest's edit token. */
  edit_token_hash: string | null;
  /** A client-chosen key that makes a retried POST return the first comment. */
  idempotency_key: string | null;
  /** SHA-256 of what was posted with that key: a retry must send the same. */
  request_hash: string | null;
  /** `upvotes` − `downvotes`: what `top` sorts by. */
  score: number;
  /** Rows of `votes` with value 1 and -1, kept in step in each vote's transaction. */
  upvotes: number;
  downvotes: number;
  pinned: number;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  /** Why a comment is pending: `policy`, `links`, `blocklist`, `new_account`, `ban`. */
  held_reason: string | null;
  /** The spam checker's verdict: `queued`, `ham`, `spam`, `error`; null when not checked. */
  spam_check: string | null;
  /** Keyed hash of a guest's lower-cased email (for bans by email). */
  email_hash: string | null;
}

export interface BanTable {
  id: string;
  site_id: string;
  /** `user`, `client` or `email`. */
  kind: string;
  /** A user id, a client hash, or an email hash. */
  value: string;
  label: string;
  reason: string | null;
  /** The moderator's user id, or `system:cli`. */
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  lifted_at: string | null;
}

export interface AuditLogTable {
  id: string;
  site_id: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  /** JSON object. */
  detail: string;
  created_at: string;
}

export interface PowReplayTable {
  key: string;
  expires_at: string;
}

export interface RateLimitTable {
  bucket: string;
  window_start: number;
  hits: number;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface UserTable {
  id: string;
  /** The provider's id: `github`, `google`, `keycloak` (an OIDC issuer's name), ... */
  provider: string;
  /** The provider's stable id for the account (OIDC `sub`); never an email. */
  subject: string;
  name: string;
  /** The name folded for look-alike checks (`skeleton`); null until start-up fills it in. */
  name_key: string | null;
  avatar_url: string | null;
  profile_url: string | null;
  created_at: string;
  updated_at: string;
  /**
   * The account's verified address, lower case: proven by the emailed sign-in, or vouched
   * for by the provider (`email_verified: true`); null when none is known. Private.
   */
  email: string | null;
  /** When that address was last proven. */
  email_verified_at: string | null;
}

export interface SiteRoleTable {
  site_id: string;
  provider: string;
  subject: string;
  role: string;
}

export interface AuthTransactionTable {
  id: string;
  site_id: string;
  origin: string;
  provider: string;
  /** S256 of the widget's verifier: only the widget that started the sign-in can finish it. */
  code_challenge: string;
  /** S256 of the start key the widget gives its popup: the popup must be the page's own. */
  start_challenge: string | null;
  state_hash: string | null;
  /** Hash of the cookie set on the popup: the callback must come back to the same browser. */
  browser_hash: string | null;
  nonce: string | null;
  /** Our PKCE verifier towards the provider. */
  pkce_verifier: string | null;
  user_id: string | null;
  ticket_hash: string | null;
  ticket_expires_at: string | null;
  /** `created`, `started`, `signed_in`, `used`. */
  status: string;
  created_at: string;
  expires_at: string;
}

/** An emailed sign-in asked for in a transaction's popup (one per transaction, the latest). */
export interface EmailSignInTable {
  tx_id: string;
  /** The address asked for, lower case: stored on the account once proven. */
  email: string;
  /** The name typed with it, for a new account; null when none was typed. */
  name: string | null;
  /** SHA-256 of the link's secret. */
  link_hash: string;
  /** Keyed hash of the short code, with the transaction. */
  code_hash: string;
  /** Wrong codes typed. */
  attempts: number;
  requested_at: string;
  /** The link and the code work until then. */
  expires_at: string;
  /** Set once the link or the code was used: each works once. */
  used_at: string | null;
}

export interface SessionTable {
  token_hash: string;
  user_id: string;
  site_id: string;
  origin: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface ImportSourceTable {
  site_id: string;
  /** `wordpress`, `disqus`, `isso`, `commento`, `remark42`, `confab`. */
  format: string;
  source_id: string;
  comment_id: string;
  /** `comment`, `pingback` or `trackback`. */
  kind: string;
  imported_at: string;
}

/** One change a reader could see. Never a body, an email, an address or a name. */
export interface EventTable {
  id: Generated<number>;
  site_id: string;
  thread_id: string;
  kind: string;
  comment_id: string | null;
  /** JSON object of public facts (`{"from":"pending","to":"published"}`), or null. */
  detail: string | null;
  created_at: string;
}

export interface SubscriptionTable {
  id: string;
  site_id: string;
  thread_id: string;
  /** Lower-cased. */
  email: string;
  user_id: string | null;
  /** `all` or `replies`. */
  scope: string;
  /** `pending`, `active`, `unsubscribed`. */
  status: string;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
}

export interface OutboxTable {
  id: string;
  key: string;
  /** `email` or `webhook`. */
  channel: string;
  kind: string;
  site_id: string | null;
  comment_id: string | null;
  recipient: string;
  /** JSON: the message as it will be sent. */
  payload: string;
  /** `queued`, `sending`, `sent`, `failed`, `gave_up`, `kept`, `cancelled`. */
  status: string;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: string;
  created_at: string;
  sent_at: string | null;
}

export interface WebhookTable {
  id: string;
  site_id: string;
  url: string;
  /** `json`, `slack`, `discord` or `telegram`. */
  format: string;
  secret: string;
  created_at: string;
}

/** One reader's vote on one comment (a vote taken back is no row). */
export interface VoteTable {
  comment_id: string;
  thread_id: string;
  /** `user:<user id>` or `guest:<SHA-256 of the voter token>`. */
  voter: string;
  user_id: string | null;
  /** A guest's keyed address hash (one guest vote per address and comment); null for accounts. */
  client_hash: string | null;
  /** 1 or -1. */
  value: number;
  created_at: string;
  updated_at: string;
}

/** One reader's like of one thread (its post). */
export interface LikeTable {
  thread_id: string;
  voter: string;
  user_id: string | null;
  client_hash: string | null;
  created_at: string;
}

/** Where a consumer of the events log has read up to. */
export interface CursorTable {
  name: string;
  last_id: number;
  updated_at: string;
}

export interface Database {
  sites: SiteTable;
  threads: ThreadTable;
  comments: CommentTable;
  rate_limits: RateLimitTable;
  settings: SettingTable;
  users: UserTable;
  site_roles: SiteRoleTable;
  auth_transactions: AuthTransactionTable;
  email_sign_ins: EmailSignInTable;
  sessions: SessionTable;
  bans: BanTable;
  audit_log: AuditLogTable;
  pow_replays: PowReplayTable;
  import_sources: ImportSourceTable;
  events: EventTable;
  subscriptions: SubscriptionTable;
  outbox: OutboxTable;
  cursors: CursorTable;
  webhooks: WebhookTable;
  votes: VoteTable;
  likes: LikeTable;
}

export type UserRow = Selectable<UserTable>;
export type AuthTransactionRow = Selectable<AuthTransactionTable>;
export type SessionRow = Selectable<SessionTable>;
export type EmailSignInRow = Selectable<EmailSignInTable>;

export type SiteRow = Selectable<SiteTable>;
export type NewSiteRow = Insertable<SiteTable>;
export type SiteUpdate = Updateable<SiteTable>;
export type ThreadRow = Selectable<ThreadTable>;
export type NewThreadRow = Insertable<ThreadTable>;
export type CommentRow = Selectable<CommentTable>;
export type NewCommentRow = Insertable<CommentTable>;
export type BanRow = Selectable<BanTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type ImportSourceRow = Selectable<ImportSourceTable>;
export type EventRow = Selectable<EventTable>;
export type NewEventRow = Insertable<EventTable>;
export type SubscriptionRow = Selectable<SubscriptionTable>;
export type NewSubscriptionRow = Insertable<SubscriptionTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type WebhookRow = Selectable<WebhookTable>;
export type VoteRow = Selectable<VoteTable>;
export type LikeRow = Selectable<LikeTable>;
