/**
 * @module services/common/rate-limits
 * Fixed-window limits kept in the database (several server processes share them): per
 * client, per account, per thread, per site. A hit is counted in the caller's transaction,
 * so a post and the hit it costs commit together; a read-only look first refuses a client
 * already over its limit before any work is spent on it.
 */
import type { Db } from '../../store/dialect.js';
import { deleteRateLimitsBefore, findRateLimit, hitRateLimit } from '../../store/rate-limits.js';
import { AppError } from '../../errors.js';

export interface Limit {
  bucket: string;
  /** Hits allowed per window; 0 means no limit. */
  max: number;
  /** The window's length (a minute unless given). */
  windowMs?: number;
  /** What is limited, for the refusal: "comments per minute". */
  what?: string;
}

const MINUTE = 60_000;

function windowOf(limit: Limit, now: Date): { start: number; ms: number } {
  const ms = limit.windowMs ?? MINUTE;
  return { start: Math.floor(now.getTime() / ms) * ms, ms };
}

function refusal(limit: Limit, now: Date): AppError {
  const { start, ms } = windowOf(limit, now);
  const retryAfter = Math.max(1, Math.ceil((start + ms - now.getTime()) / 1000));
  const per = ms === MINUTE ? 'per minute' : ms === 3_600_000 ? 'per hour' : `per ${ms / 1000} s`;
  return new AppError(429, 'rate_limited', {
    detail: `At most ${limit.max} ${limit.what ?? ''} ${per}; try again in ${retryAfter} s.`
      .replace(/\s+/g, ' ')
      .trim(),
    retryAfter,
    headers: { 'Retry-After': String(retryAfter) },
  });
}

/** Counts one hit; 429 `rate_limited` once the window holds more than `max`. */
export async function countHit(db: Db, now: Date, limit: Limit): Promise<void> {
  if (limit.max <= 0) return;
  const hits = await hitRateLimit(db, limit.bucket, windowOf(limit, now).start);
  if (hits > limit.max) throw refusal(limit, now);
}

/** Without counting: 429 when the window is already full. */
export async function assertUnderLimit(db: Db, now: Date, limit: Limit): Promise<void> {
  if (limit.max <= 0) return;
  const row = await findRateLimit(db, limit.bucket);
  if (
    row !== undefined &&
    row.window_start === windowOf(limit, now).start &&
    row.hits >= limit.max
  ) {
    throw refusal(limit, now);
  }
}

/** Drops windows that ended more than an hour ago. */
export async function pruneRateLimits(db: Db, now: Date): Promise<void> {
  await deleteRateLimitsBefore(db, now.getTime() - 2 * 3_600_000);
}
