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
  score: number;
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
  likeCount: number;
  liked: boolean;
}

/** `GET /api/v1/threads` */
export interface ThreadResponse {
  thread: PublicThread;
  /** Flat: a page of top-level comments, each followed by all its replies (by `parentId`). */
  comments: PublicComment[];
  /** Pass as `cursor` to get the next page of top-level comments; null at the end. */
  nextCursor: string | null;
}

/** `POST /api/v1/comments` */
export interface CreateCommentRequest {
  site: string;
  thread: string;
  parentId?: string | null;
  body: string;
  author?: { name: string; email?: string; url?: string };
  notify?: boolean;
  threadTitle?: string;
  threadUrl?: string;
}

/** 201 (published) or 202 (held for moderation). */
export interface CreateCommentResponse {
  comment: PublicComment;
  /** A guest's capability to edit or delete this comment within the edit window. Shown once. */
  editToken?: string;
  /** When the edit window closes (ISO time). */
  editableUntil: string;
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
  | 'internal_error';

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
