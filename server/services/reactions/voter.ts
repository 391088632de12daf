/**
 * @module services/reactions/voter
 * Who votes or likes: a signed-in reader by their account, a guest by the voter token
 * their browser made and sends in `Confab-Voter` (stored only as a SHA-256 hash), together
 * with their hashed address: one address casts one guest vote per comment (and one guest
 * like per post), however many tokens it makes up. A session that does not work is a 401,
 * never a guest: the reader meant to vote as themselves.
 */
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { clientBucket, hashToken, type Caller } from '../common/authorship.js';
import type { Limit } from '../common/rate-limits.js';
import { assertNotBanned } from '../moderation/bans.js';
import { authenticate, requireSession } from '../sign-in/sessions.js';
import type { Site } from '../sites/sites.js';

/** What the transport knows, plus the guest's voter token. */
export interface VoterCaller extends Caller {
  voterToken?: string | undefined;
}

export interface Voter {
  /** `user:<id>` or `guest:<SHA-256 of the token>`: the row's key. */
  key: string;
  userId: string | null;
  /** A guest's address hash (null for accounts, or when the address is unknown). */
  clientHash: string | null;
  /** Staff see held comments (and may not vote on them either). */
  staff: boolean;
}

/** Votes and likes together, per client and per account, per minute. */
export const REACTIONS_PER_MINUTE = 60;

/** A voter token as the widget makes one: 22 to 128 URL-safe characters (>= 132 random bits). */
export function isVoterToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{22,128}$/.test(token);
}

/**
 * The reader, or: 401 `not_signed_in` (a session that does not work), 401
 * `voter_required` (neither a session nor a voter token), 403 `guests_not_allowed` (a guest
 * on a site that takes no guests), 422 for a malformed token.
 */
export async function requireVoter(deps: Deps, site: Site, caller: VoterCaller): Promise<Voter> {
  if (caller.sessionToken !== undefined && caller.sessionToken !== '') {
    const session = await requireSession(deps, caller.sessionToken, caller.origin, site.id);
    return {
      key: `user:${session.user.id}`,
      userId: session.user.id,
      clientHash: null,
      staff: session.user.role !== null,
    };
  }
  const token = caller.voterToken;
  if (token === undefined || token === '') throw new AppError(401, 'voter_required');
  if (!isVoterToken(token)) {
    throw new AppError(422, 'validation_failed', {
      detail: 'Confab-Voter is 22 to 128 characters of A-Z, a-z, 0-9, - and _.',
      errors: [{ field: 'Confab-Voter', code: 'invalid', message: 'Not a voter token.' }],
    });
  }
  if (!site.allowGuests) throw new AppError(403, 'guests_not_allowed');
  return {
    key: `guest:${hashToken(token)}`,
    userId: null,
    clientHash: caller.clientHash,
    staff: false,
  };
}

/**
 * The reader for a read (`GET /api/v1/reactions`): as {@link requireVoter}, but nobody in
 * particular (null) without a session or token, and a session that does not work reads as
 * nobody, as a thread page does.
 */
export async function findVoter(
  deps: Deps,
  site: Site,
  caller: VoterCaller,
): Promise<Voter | null> {
  const session = await authenticate(deps, caller.sessionToken, caller.origin, site.id);
  if (session !== null) {
    return {
      key: `user:${session.user.id}`,
      userId: session.user.id,
      clientHash: null,
      staff: session.user.role !== null,
    };
  }
  const token = caller.voterToken;
  if (token === undefined || !isVoterToken(token)) return null;
  return {
    key: `guest:${hashToken(token)}`,
    userId: null,
    clientHash: caller.clientHash,
    staff: false,
  };
}

/** The limits a vote or like counts against. */
export function reactionLimits(site: Site, caller: Caller, voter: Voter): Limit[] {
  const what = 'votes and likes';
  const limits: Limit[] = [
    { bucket: clientBucket('react', site, caller), max: REACTIONS_PER_MINUTE, what },
  ];
  if (voter.userId !== null) {
    limits.push({
      bucket: `react-user:${site.id}:${voter.userId}`,
      max: REACTIONS_PER_MINUTE,
      what,
    });
  }
  return limits;
}

/** 403 `banned` for a reader banned on the site (by account or address). */
export async function assertVoterNotBanned(
  deps: Deps,
  site: Site,
  caller: Caller,
  voter: Voter,
): Promise<void> {
  await assertNotBanned(deps.db, site.id, deps.now(), {
    userId: voter.userId,
    clientHash: caller.clientHash,
    emailHash: null,
  });
}
