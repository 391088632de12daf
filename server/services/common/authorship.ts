/**
 * @module services/common/authorship
 * Who is asking, and how a guest proves a comment is theirs: the edit token they got once
 * at creation (stored only as a SHA-256 hash), inside the edit window.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps.js';
import type { CommentRow } from '../../store/schema.js';
import type { Site } from '../sites/sites.js';

/** What the transport knows about the caller. */
export interface Caller {
  origin: string | undefined;
  /** Keyed hash of the client's address, or null when unknown. */
  clientHash: string | null;
  editToken?: string | undefined;
  idempotencyKey?: string | undefined;
  /** A bearer session token, when the reader is signed in. */
  sessionToken?: string | undefined;
  /** The client's address, for the spam checker only: never stored. */
  address?: string | undefined;
  userAgent?: string | undefined;
  referrer?: string | undefined;
  /** The server itself (the demo's seed): no anti-bot checks. */
  trusted?: boolean;
}

export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

export function tokenMatches(token: string | undefined, hash: string | null): boolean {
  if (token === undefined || hash === null) return false;
  return timingSafeEqual(Buffer.from(hashToken(token)), Buffer.from(hash));
}

export function editableUntil(deps: Deps, row: CommentRow): Date {
  return new Date(Date.parse(row.created_at) + deps.config.editWindowSeconds * 1000);
}

/** The rate-limit bucket of one kind of action by one client on one site. */
export function clientBucket(kind: string, site: Site, caller: Caller): string {
  return `${kind}:${site.id}:${caller.clientHash ?? 'unknown'}`;
}

export function isId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);
}
