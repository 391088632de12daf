/**
 * @module contract
 * JSON shapes of the public HTTP API v1 (DESIGN.md section 3). Types only: the widget
 * imports them with `import type`, so nothing here may have a runtime value.
 * Extend these shapes; never break them.
 */

/** A comment's state. `deleted` only appears as a placeholder that still has replies. */
export type CommentStatus = 'published' | 'pending' | 'spam' | 'deleted';

/** Top-level sort orders; replies are always oldest-first. */
export type SortOrder = 'oldest' | 'newest' | 'top';

/** Who wrote a comment, as the public may see it. Never an email, IP or hash. */
export interface PublicAuthor {
  name: string;
  /** A provider's avatar, or null: the widget then draws one locally (never Gravatar). */
  avatarUrl: string | null;
  /** `guest`, or the sign-in provider's id (`github`, `google`, `keycloak` for an OIDC issuer named so, ...). */
  provider: string;
  /** `owner` or `moderator` for a site's staff, else null. */
  role: 'owner' | 'moderator' | null;
  /** The website a guest gave (http or https), or null. Link it with rel="nofollow ugc". */
  url: string | null;
}

export interface PublicComment {
  id: string;
  parentId: string | null;
  /** Null for a deleted placeholder. */
  author: PublicAuthor | null;
  /** Sanitized HTML; empty for a deleted placeholder. */
  html: string;
  createdAt: string;
  editedAt: string | null;
  status: CommentStatus;
  /** Upvotes minus downvotes (0 on a deleted placeholder): what the `top` sort orders by. */
  score: number;
  /** Readers' votes up and down (sent by this server since votes came; 0 on a placeholder). */
  upvotes?: number;
  downvotes?: number;
  /**
   * The asking reader's vote. Always 0 in `GET /api/v1/threads`, whose pages are shared by
   * every reader: ask `GET /api/v1/reactions` for the reader's own votes.
   */
  myVote: -1 | 0 | 1;
  /** Direct replies visible in this thread. */
  replyCount: number;
  pinned: boolean;
}

export interface PublicThread {
  key: string;
  title: string | null;
  url: string | null;
  locked: boolean;
  /** Published comments in the whole thread. */
  commentCount: number;
  /** Readers who like the post ("N readers like this"). */
  likeCount: number;
  /** Whether the asking reader likes it: always false in a shared page (see `GET /api/v1/reactions`). */
  liked: boolean;
  /** The newest signed-in likers (up to 10), for their avatars; guests are only counted. */
  likers?: Liker[];
}

/** A signed-in reader who likes a post, as the public may see them. */
export interface Liker {
  name: string;
  /** A provider's avatar (https), or null: the widget draws initials. */
  avatarUrl: string | null;
  /** Their profile page, or null. */
  url: string | null;
}

/** `GET /api/v1/threads` */
export interface ThreadResponse {
  thread: PublicThread;
  /** Flat: a page of top-level comments, each followed by all its replies (by `parentId`). */
  comments: PublicComment[];
  /** Pass as `cursor` to get the next page of top-level comments; null at the end. */
  nextCursor: string | null;
  /**
   * Only when asked with `around` (a permalink): whether this is the page holding that
   * comment (`found`), or, when the reader cannot see it (deleted, spam, held and not
   * theirs, on another thread, never there), the thread's first page.
   */
  around?: { id: string; found: boolean };
}

/** `POST /api/v1/comments` */
export interface CreateCommentRequest {
  site: string;
  thread: string;
  parentId?: string | null;
  body: string;
  author?: { name: string; email?: string; url?: string };
  /**
   * "Notify me of new comments via email": every new comment on the thread (`all`, or
   * `true`) or replies to this reader (`replies`). Guests give `author.email`; signed-in
   * readers give `notifyEmail`. The address is mailed a confirmation link first.
   */
  notify?: boolean | NotifyScope;
  /** Signed-in readers: where the notifications go. */
  notifyEmail?: string;
  threadTitle?: string;
  threadUrl?: string;
  /** Guests: the `formToken` from `GET /api/v1/guard` (required when the site asks for it). */
  formToken?: string;
  /** Guests: the proof-of-work solution (ALTCHA payload, base64 JSON) when the site asks for it. */
  proofOfWork?: string;
  /** The widget's honeypot field: a person leaves it empty; anything in it is a bot. */
  trap?: string;
}

/**
 * `GET /api/v1/guard?site=S`: what a guest's form needs before it is sent. Fetch it when the
 * reader starts writing; send `formToken` (and the solved `proofOfWork`) with the comment.
 */
export interface GuardResponse {
  formToken: string;
  /** The form may be sent from this time on (ISO); earlier is refused as `too_fast`. */
  notBefore: string;
  /** The same as a duration from now, for clients whose clock is not the server's. */
  minFillSeconds: number;
  /** An ALTCHA challenge (SHA-256) to solve, or null when the site asks for none. */
  proofOfWork: {
    algorithm: 'SHA-256';
    challenge: string;
    salt: string;
    maxnumber: number;
    signature: string;
  } | null;
}

/** 201 (published) or 202 (held for moderation). */
export interface CreateCommentResponse {
  comment: PublicComment;
  /**
   * A guest's capability to edit or delete this comment within the edit window. Shown once:
   * a retry answered from its `Idempotency-Key` never carries it (whoever saw the key could
   * otherwise take the comment over).
   */
  editToken?: string;
  /** When the edit window closes (ISO time). */
  editableUntil: string;
  /** True when this answers a retry with the same `Idempotency-Key`: nothing new was saved. */
  replayed?: boolean;
  /** When `notify` was asked for: `pending` until the address is confirmed from its mail. */
  notify?: NotifyState;
}

/** `POST /api/v1/moderation/test-mail` and `confab mail test`: what became of the test mail. */
export interface TestMailResponse {
  to: string;
  /** `sent`, `failed` (will be tried again), `kept` (no mail server configured). */
  status: string;
  /** Where it went (`smtp://mail.example.com:587`), or null without a mail server. */
  via: string | null;
  /** Why it was not sent, as the mail server or the network said. */
  error: string | null;
}

/** What an outbox row can be: waiting, being sent, sent, or why not. */
export type OutboxStatus =
  'queued' | 'sending' | 'sent' | 'failed' | 'gave_up' | 'kept' | 'cancelled';

/** One row of a site's outbox (a mail or a webhook call), as `/admin` lists it. */
export interface OutboxItem {
  id: string;
  channel: 'email' | 'webhook';
  /** `confirm`, `new_comment`, `reply`, `owner_new`, `owner_held`, `digest`, `test`; a webhook's event (`comment.created`). */
  kind: string;
  /** An email address, or `webhook:<webhook id>` (never the webhook's URL). */
  recipient: string;
  /** A mail's subject; null for a webhook call. */
  subject: string | null;
  status: OutboxStatus;
  attempts: number;
  /** Why it is not sent (the mail server's or the receiver's answer, or Confab's reason), or null. */
  lastError: string | null;
  /** When it is tried next (`queued` and `failed` only), else null. */
  nextAttemptAt: string | null;
  createdAt: string;
  sentAt: string | null;
  /** `POST .../outbox/{id}/send` would try it now: failed, given up, or kept while a mail server is configured. */
  canSendAgain: boolean;
}

/** `GET /api/v1/moderation/outbox?site=S[&status=...][&cursor=C][&limit=N]`: newest first. */
export interface OutboxResponse {
  items: OutboxItem[];
  /** Rows per status on the whole site (every status, 0 included). */
  counts: Record<OutboxStatus, number>;
  /** Where mail goes (`smtp://mail.example.com:587`), or null: no mail server, mail is `kept`. */
  mailer: string | null;
  nextCursor: string | null;
}

/** `GET /api/v1/moderation/outbox/{id}?site=S`: one row with what it sends, as it is sent. */
export interface OutboxMessageResponse {
  item: OutboxItem;
  /** A mail (null for a webhook call). `html` is the mail's HTML part: show it inert. */
  mail: {
    to: string;
    subject: string;
    text: string;
    html: string;
    headers: Record<string, string>;
    messageId: string;
  } | null;
  /** A webhook call (null for a mail): the event and the exact body POSTed. */
  webhook: { webhookId: string; event: string; body: string } | null;
}

/** `POST /api/v1/moderation/outbox/{id}/send`: the row after the attempt made now. */
export interface OutboxSendResponse {
  item: OutboxItem;
}

/** `POST /api/v1/moderation/test-mail`: owners only. */
export interface TestMailRequest {
  site: string;
  to: string;
}

/** `json` is Confab's own event; the others are the bodies those services take. */
export type WebhookFormat = 'json' | 'slack' | 'discord' | 'telegram';

/** A site's webhook (its signing secret is shown once, when it is added). */
export interface WebhookItem {
  id: string;
  url: string;
  format: WebhookFormat;
  createdAt: string;
}

/** `GET /api/v1/moderation/webhooks?site=S`: owners only, oldest first. */
export interface WebhooksResponse {
  webhooks: WebhookItem[];
}

/** `POST /api/v1/moderation/webhooks`: owners only. */
export interface WebhookRequest {
  site: string;
  url: string;
  /** Default `json`. */
  format?: WebhookFormat;
}

/** 201 to `POST /api/v1/moderation/webhooks`: `secret` is shown this once. */
export interface WebhookCreatedResponse {
  webhook: WebhookItem;
  /** Verify `Confab-Signature` with it; the server never shows it again. */
  secret: string;
}

/** What "Notify me" covers: every new comment on the thread, or replies to the reader. */
export type NotifyScope = 'all' | 'replies';

export interface NotifyState {
  scope: NotifyScope;
  status: 'pending' | 'active';
}

/** `PATCH /api/v1/comments/:id` */
export interface UpdateCommentRequest {
  body: string;
}

export interface UpdateCommentResponse {
  comment: PublicComment;
}

/** `DELETE /api/v1/comments/:id`: the placeholder left behind, or null if the comment is gone. */
export interface DeleteCommentResponse {
  comment: PublicComment | null;
}

/** `POST /api/v1/preview` */
export interface PreviewRequest {
  site: string;
  body: string;
}

export interface PreviewResponse {
  html: string;
}

/** `GET /api/v1/counts` */
export interface CountsResponse {
  counts: Record<string, number>;
}

// ---------------------------------------------------------------------------------------
// Votes and likes. Signed-in readers vote with their session; guests with their browser's
// voter token in `Confab-Voter` (a random string of 22 to 128 characters of A-Z a-z 0-9 - _
// the widget makes once and keeps), one guest vote per comment from one address.

/** `PUT /api/v1/comments/:id/vote`: up (1), down (-1), or take one's vote back (0). */
export interface VoteRequest {
  value: -1 | 0 | 1;
}

/** The comment's counts after the vote, and the reader's own vote now. */
export interface VoteResponse {
  commentId: string;
  score: number;
  upvotes: number;
  downvotes: number;
  myVote: -1 | 0 | 1;
}

/** `PUT /api/v1/threads/like?site=S&thread=K`: like the post, or take the like back. */
export interface LikeRequest {
  liked: boolean;
  /** For a post nobody has commented on yet: its title and URL, as a new comment gives them. */
  threadTitle?: string;
  threadUrl?: string;
}

/** "N readers like this": the post's likes now. */
export interface ThreadLikes {
  likeCount: number;
  /** Whether the asking reader likes it. */
  liked: boolean;
  /** The newest signed-in likers (up to 10). */
  likers: Liker[];
}

/** What a site lets readers do: vote at all, and vote down. */
export interface VoteSettings {
  votes: boolean;
  downvotes: boolean;
}

/**
 * `GET /api/v1/reactions?site=S&thread=K`: what only the asking reader may know about a
 * thread (never in a shared page): their votes, the comments they may not vote on since
 * they wrote them (signed in), whether they like the post, and what the site allows.
 */
export interface ReactionsResponse {
  settings: VoteSettings;
  /** The reader's votes in the thread, by comment id; a comment not listed is 0. */
  myVotes: Record<string, -1 | 1>;
  /** Comments of the thread the signed-in reader wrote (a guest's own are known by their edit token). */
  mine: string[];
  likes: ThreadLikes;
}

/** `GET /api/v1/likes?site=S&thread=A&thread=B`: like counts, as `/counts` gives comment counts. */
export interface LikeCountsResponse {
  likes: Record<string, number>;
}

// ---------------------------------------------------------------------------------------
// Signing in (`/auth/...` and `GET /api/v1/me`, DESIGN.md section 4).

/** A sign-in method a site offers (`GET /auth/providers` answers a list); `name` is its button's label. */
export interface Provider {
  id: string;
  name: string;
}

/** `POST /auth/tx`: register a sign-in. Only the S256 hashes of the page's two verifiers. */
export interface SignInRequest {
  site: string;
  /** A {@link Provider}'s `id`. */
  provider: string;
  /** base64url(SHA-256(verifier)); the verifier comes later, with the exchange or a claim. */
  codeChallenge: string;
  /** base64url(SHA-256(start key)); the popup's start page needs the start key. */
  startChallenge: string;
}

/** 201 to `POST /auth/tx`: open `startUrl` in the popup. */
export interface SignInStart {
  tx: string;
  startUrl: string;
  /** The whole sign-in must be done by then. */
  expiresAt: string;
}

/** `POST /auth/exchange`: the popup's ticket and the verifier, for a session. */
export interface ExchangeRequest {
  tx: string;
  ticket: string;
  verifier: string;
}

/** `POST /auth/claim`: the verifier alone, polled while the popup's message does not come. */
export interface ClaimRequest {
  tx: string;
  verifier: string;
}

/** 202 to `POST /auth/claim`: the reader is not back from the provider yet; ask again. */
export interface ClaimPending {
  pending: true;
}

/** The signed-in reader, as the server describes them. */
export interface SessionUser {
  id: string;
  name: string;
  /** https only (the server drops anything else), or null. */
  avatarUrl: string | null;
  profileUrl: string | null;
  /** The provider's id (`github`, `keycloak`, ...). */
  provider: string;
  /** The reader's role on the session's site. */
  role: 'owner' | 'moderator' | null;
  /**
   * The reader's verified address (proven by the emailed sign-in, or vouched for by the
   * provider), or null. Only ever in the reader's own session answers (`POST /auth/exchange`,
   * `POST /auth/claim`, `GET /api/v1/me`), never about anyone else. "Notify me" without an
   * address goes there, at once.
   */
  email?: string | null;
}

/**
 * `POST /auth/email/request`, from the emailed sign-in's own page in the popup: mail a
 * link and a code for the popup's sign-in (`state` is the one in the page's URL).
 */
export interface EmailSignInRequest {
  state: string;
  email: string;
  /** The name shown with the reader's comments, for a new account (an existing one keeps its own unless one is given). */
  name?: string;
}

/** 202 to `POST /auth/email/request`: the same whether or not the address has an account. */
export interface EmailSignInSent {
  /** The address as understood, masked (`a•••@example.com`). */
  sentTo: string;
  /** The link and the code work until then (15 minutes). */
  expiresAt: string;
}

/** `POST /auth/email/code`: the mailed code typed into the popup that asked for it. */
export interface EmailCodeRequest {
  state: string;
  code: string;
  /** Required when the address has no account yet and no name came with the request. */
  name?: string;
}

/** 200 to `POST /auth/email/code`: what the popup posts to its opener, as the callback page does. */
export interface EmailSignedIn {
  tx: string;
  ticket: string;
}

/**
 * `POST /auth/exchange`, or 200 to `POST /auth/claim`: a session. `token` is shown once (the
 * server keeps only its hash); send it as `Authorization: Bearer <token>`.
 */
export interface Session {
  token: string;
  /** When the session lapses unless used (each use slides it). */
  expiresAt: string;
  user: SessionUser;
}

/** `GET /api/v1/me`: the session's reader, its site and its current expiry. */
export interface MeResponse {
  user: SessionUser;
  /** The site's id: a session works for one site only. */
  site: string;
  expiresAt: string;
}

/** `POST /api/v1/manage-link`: mail a guest's address the link to what it wrote on the site. */
export interface ManageLinkRequest {
  site: string;
  email: string;
}

/**
 * 202 to `POST /api/v1/manage-link`, the same whether or not the address wrote anything:
 * if it did, a link that works for 24 hours is on its way to it.
 */
export interface ManageLinkResponse {
  /** The address as understood (trimmed, lower-cased). */
  email: string;
  /** How long the mailed link works, in hours. */
  linkHours: number;
}

// ---------------------------------------------------------------------------------------
// Moderation (`/api/v1/moderation/...`): owners and moderators only, with a session from a
// page of the site or from the server's own `/admin`.

/** What a moderator may do to comments (`POST /api/v1/moderation/actions`). */
export type ModerationAction = 'approve' | 'reject' | 'spam' | 'delete' | 'pin' | 'unpin';

/** A comment as moderators see it: the public view plus what only staff may see. */
export interface ModComment extends PublicComment {
  thread: { key: string; title: string | null; url: string | null; locked: boolean };
  /** The Markdown source. */
  body: string;
  author: (PublicAuthor & { email: string | null; userId: string | null }) | null;
  /** First 12 characters of the keyed hash of the sender's address (for bans), or null. */
  client: string | null;
  /** `policy`, `links`, `blocklist`, `new_account`, `ban` (a banned email), `unchecked` (the spam checker was overwhelmed), or null. */
  heldReason: string | null;
  /** `queued`, `ham`, `spam`, `error`, or null when no checker ran. */
  spamCheck: string | null;
  /** The author is banned on this site right now. */
  banned: boolean;
}

/** `GET /api/v1/moderation/sites`: the sites the signed-in account owns or moderates. */
export interface ModSitesResponse {
  sites: { id: string; name: string; role: 'owner' | 'moderator'; pending: number; spam: number }[];
}

/**
 * `GET /api/v1/moderation/comments?site=S[&status=pending|published|spam|deleted|all]
 * [&q=text][&thread=K][&cursor=C][&limit=N]`: newest first. Default status `pending`.
 */
export interface ModQueueResponse {
  comments: ModComment[];
  nextCursor: string | null;
  /** Comments per status on the whole site. */
  counts: Record<'pending' | 'published' | 'spam' | 'deleted', number>;
}

/** `POST /api/v1/moderation/actions`: one action on 1 to 100 comments, all or nothing. */
export interface ModActionRequest {
  site: string;
  action: ModerationAction;
  ids: string[];
}

/** Each comment after the action (a deleted comment that left the thread has `status: 'deleted'`). */
export interface ModActionResponse {
  comments: ModComment[];
}

/** `PATCH /api/v1/moderation/comments/:id`: a moderator's edit of the text. */
export interface ModEditRequest {
  site: string;
  body: string;
}

/** `PUT /api/v1/moderation/threads/lock?site=S&thread=K` with `{ locked }`. */
export interface ModLockRequest {
  locked: boolean;
}

export interface Ban {
  id: string;
  /** `user` (an account), `client` (a hashed address) or `email` (a hashed email). */
  kind: 'user' | 'client' | 'email';
  /** The account's or guest's name when banned. */
  label: string;
  reason: string | null;
  createdAt: string;
  /** Null: until lifted. */
  expiresAt: string | null;
  createdBy: string | null;
}

/** `GET /api/v1/moderation/bans?site=S`: bans in force. */
export interface BansResponse {
  bans: Ban[];
}

/**
 * `POST /api/v1/moderation/bans`: ban the author of a comment: their account, or for a guest
 * their address and (when they gave one) their email. Banning again updates the ban.
 * `deleteComments` also deletes everything they wrote on the site.
 */
export interface BanRequest {
  site: string;
  commentId: string;
  reason?: string;
  /** Null or absent: until lifted. */
  expiresAt?: string | null;
  deleteComments?: boolean;
}

export interface BanResponse {
  bans: Ban[];
}

/** `GET /api/v1/moderation/audit?site=S[&cursor=C]`: newest first. */
export interface AuditResponse {
  entries: {
    id: string;
    at: string;
    /** The moderator's name, or `system:akismet`, `system:cli`. */
    actor: string;
    action: string;
    targetType: 'comment' | 'thread' | 'ban' | 'site';
    targetId: string;
    detail: Record<string, unknown>;
  }[];
  nextCursor: string | null;
}

/** `GET|PATCH /api/v1/moderation/settings?site=S` (PATCH: owners only, any subset). */
export interface ModSettings {
  name: string;
  moderation: 'none' | 'first-time' | 'guests' | 'all';
  allowGuests: boolean;
  /** Comments per minute per client and per account; 0 is off. */
  rateLimit: number;
  /** Comments per minute in one thread from everyone; 0 is off. */
  threadRateLimit: number;
  /** New threads (a first comment on a page) per hour on the site; 0 is off. */
  newThreadLimit: number;
  /** Hold comments with more links than this. */
  maxLinks: number;
  /** Words and phrases that hold a comment (case-insensitive, whole words). */
  blocklist: string[];
  /** Hold comments from accounts younger than this; 0 is off. */
  newAccountHours: number;
  /** Guests' forms must be this old when sent; 0 is off. */
  minFillSeconds: number;
  /** Proof-of-work difficulty for guests (largest number to search); 0 is off. */
  proofOfWork: number;
  /** Check new comments with the server's spam checker (when one is configured). */
  spamCheck: boolean;
  /** Readers may vote on comments (up, and down unless `downvotes` is off). */
  votes: boolean;
  /** Readers may also vote comments down. */
  downvotes: boolean;
  /** Read-only: is a spam checker (Akismet) configured on this server? */
  spamCheckerAvailable: boolean;
  /** Read-only: the site's origins (changed with the CLI). */
  origins: string[];
}

/** Stable error codes (the `code` member of every problem+json answer). */
export type ErrorCode =
  | 'validation_failed'
  | 'not_signed_in'
  | 'forbidden'
  | 'origin_not_allowed'
  | 'not_found'
  | 'site_not_found'
  | 'parent_not_found'
  | 'thread_locked'
  | 'guests_not_allowed'
  | 'edit_window_closed'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'malformed_json'
  | 'method_not_allowed'
  | 'sign_in_failed'
  | 'banned'
  | 'too_fast'
  | 'challenge_required'
  | 'challenge_failed'
  | 'spam_suspected'
  | 'duplicate_comment'
  | 'invalid_state'
  | 'idempotency_key_reused'
  | 'invalid_encoding'
  | 'too_complex'
  | 'storage_unavailable'
  | 'invalid_link'
  | 'link_expired'
  | 'already_sent'
  | 'not_resendable'
  | 'no_mailer'
  | 'votes_disabled'
  | 'downvotes_disabled'
  | 'own_comment'
  | 'already_voted'
  | 'voter_required'
  | 'too_many_streams'
  | 'internal_error';

/**
 * What the events log records: every change a reader could see. Live streams send these
 * names; notifications and webhooks read them.
 */
export type EventKind =
  /** A new comment (`detail.status` is `published` or `pending`: held ones only staff see). */
  | 'comment.created'
  | 'comment.edited'
  /** Removed, or left as a placeholder above its replies. */
  | 'comment.deleted'
  /** Held for review after it was published (an edit, the spam checker's doubt). */
  | 'comment.held'
  | 'comment.approved'
  | 'comment.spam'
  | 'comment.pinned'
  | 'comment.unpinned'
  | 'thread.locked'
  | 'thread.unlocked'
  /** A batch of comments arrived by `confab import` (`detail.comments` is how many). */
  | 'thread.imported'
  /** A reader voted, changed or took back a vote (`detail`: the new `score`, `up`, `down`). */
  | 'comment.voted'
  /** A reader liked the post or took the like back (`detail.likes`: how many like it now). */
  | 'thread.liked';

/**
 * `GET /api/v1/stream?site=S&thread=K`: the `data` (JSON) of each Server-Sent Event. The
 * event's SSE `event` field is its `kind` too, and its `id` is the event's id in the log:
 * send the last one back (`Last-Event-ID`, or `lastEventId`) to resume exactly.
 * Besides the {@link EventKind}s (unknown ones may come: apply what you understand), `ready`
 * says the stream is open and where it starts, and `reset` that the gap since the id a client
 * resumed from is too large to replay: reload the thread, then carry on from this `id`.
 */
export interface LiveEvent {
  kind: EventKind | 'ready' | 'reset';
  /** The comment it is about; null for a thread's events, `ready` and `reset`. */
  commentId: string | null;
  /**
   * The comment as this reader may see it now (as `GET /api/v1/threads` shows it; `myVote`
   * is always 0: keep your own), or a deleted one's placeholder. Null: it left this reader's
   * view (deleted, held, spam; `status` says which). Absent for events about no comment and
   * for votes, which carry only counts.
   */
  comment?: PublicComment | null;
  /** With `comment: null`: its state now (`deleted`, `pending` or `spam`). */
  status?: CommentStatus;
  /**
   * The event's public facts: `{score, up, down}` of a vote, `{likes}` of a like,
   * `{comments}` of an import, `{from, to}` of a status change, `{placeholder}` of a deletion.
   */
  detail?: Record<string, string | number>;
}

/** `GET /healthz` (a `503 storage_unavailable` problem while the database cannot be written). */
export interface HealthResponse {
  status: 'ok';
}

/** One invalid field of a `validation_failed` problem. */
export interface FieldError {
  /** A dotted path into the request body: `author.name`, `body`, `parentId`. */
  field: string;
  /** Stable: `required`, `too_long`, `too_short`, `invalid`, `invalid_characters`, `not_a_url`. */
  code: string;
  message: string;
}

/** RFC 9457 problem details, as every error is sent (`application/problem+json`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  /** With `validation_failed`. */
  errors?: FieldError[];
  /** With `rate_limited`: seconds until a retry may succeed (also the `Retry-After` header). */
  retryAfter?: number;
}
