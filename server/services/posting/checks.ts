/**
 * @module services/posting/checks
 * The rules a new comment passes before it is written, as small named checks run in
 * order (ARCHITECTURE.md lists them). Each passes, refuses with its `AppError`, answers
 * (a replay of the first attempt), or notes something for the write: a reason to hold the
 * comment, the guard's one-time keys to spend. Nothing here writes; what must be counted
 * or spent happens in the write's transaction (write.ts).
 */
import type { CreateCommentResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import { findAccountNameOnSite } from '../../store/users.js';
import { clientBucket } from '../common/authorship.js';
import { skeleton } from '../common/names.js';
import { assertUnderLimit, type Limit } from '../common/rate-limits.js';
import { assertNotBanned, hashEmail } from '../moderation/bans.js';
import { assertOriginAllowed } from '../sites/sites.js';
import type { Posting, PostRequest } from './context.js';
import { assertGuardUnused, checkGuard, type GuardKey } from './guard.js';
import { replayOf } from './replay.js';
import type { HeldReason } from './spam-rules.js';

/** What a check may leave for the write besides passing. */
export type Finding =
  { replay: CreateCommentResponse } | { hold: HeldReason } | { spend: readonly GuardKey[] };

export interface Check<C> {
  readonly name: string;
  run(deps: Deps, context: C): Promise<Finding | undefined> | Finding | undefined;
}

/** Before anything is loaded for the post: who may post here at all. */
export const requestChecks: readonly Check<PostRequest>[] = [
  {
    name: 'sameOrigin',
    run: (_deps, { site, caller }) => {
      assertOriginAllowed(site, caller.origin);
      return undefined;
    },
  },
  {
    // A token that does not work is an error, not a silent fallback to posting as a guest.
    name: 'workingSession',
    run: (_deps, { tokenRefused }) => {
      if (tokenRefused) throw new AppError(401, 'not_signed_in');
      return undefined;
    },
  },
  {
    name: 'guestsAllowed',
    run: (_deps, { site, session }) => {
      if (session === null && !site.allowGuests) {
        throw new AppError(403, 'guests_not_allowed', {
          detail: 'Sign in to comment on this site.',
        });
      }
      return undefined;
    },
  },
];

/** The limits a post counts against (write.ts counts them; `underLimits` looks first). */
export function limitsOf(posting: Posting): Limit[] {
  const { site, caller, session, fields } = posting;
  const what = 'comments';
  const limits: Limit[] = [
    { bucket: clientBucket('comment', site, caller), max: site.rateLimit, what },
    { bucket: `comment-thread:${site.id}:${fields.key}`, max: site.threadRateLimit, what },
  ];
  if (session !== null) {
    limits.push({
      bucket: `comment-user:${site.id}:${session.user.id}`,
      max: site.rateLimit,
      what,
    });
  }
  // Staff may open as many threads as they like; everyone else together, a few an hour.
  if (posting.thread === undefined && !posting.staff) {
    limits.push({
      bucket: `new-threads:${site.id}`,
      max: site.newThreadLimit,
      windowMs: 3_600_000,
      what: 'new threads on this site',
    });
  }
  return limits;
}

/** Once the fields are valid and the thread, parent and author are loaded. */
export const postingChecks: readonly Check<Posting>[] = [
  {
    // Guests may not take the name of an account on this site, staff or reader, nor a
    // look-alike of it ("Аdmin" with a Cyrillic А): they would speak for someone else.
    name: 'honestName',
    run: async (deps, { session, site, fields }) => {
      const key = skeleton(fields.name);
      if (session !== null || key === '') return undefined;
      const taken = await findAccountNameOnSite(deps.db, site.id, key);
      if (taken === undefined) return undefined;
      throw invalid([
        {
          field: 'author.name',
          code: 'reserved',
          message: taken.staff
            ? 'That name belongs to this site’s staff; please choose another.'
            : 'That name belongs to a reader with an account here; sign in, or choose another.',
        },
      ]);
    },
  },
  {
    name: 'honeypot',
    run: (_deps, { input }) => {
      if (input.trap !== undefined && input.trap.trim() !== '') {
        throw new AppError(422, 'spam_suspected', {
          detail: 'A field people cannot see was filled in.',
        });
      }
      return undefined;
    },
  },
  {
    name: 'replay',
    run: async (deps, posting) => {
      const replay = await replayOf(deps, deps.db, posting);
      return replay === undefined ? undefined : { replay };
    },
  },
  {
    name: 'notBanned',
    run: async (deps, { site, session, caller, fields, now }) => {
      const verdict = await assertNotBanned(deps.db, site.id, now, {
        userId: session?.user.id ?? null,
        clientHash: caller.clientHash,
        emailHash: hashEmail(deps.secret, fields.email),
      });
      return verdict === 'hold' ? { hold: 'ban' } : undefined;
    },
  },
  {
    // What would refuse the post anyway is refused before the guard is spent and before
    // it counts against anyone's limits: a bot must not burn a thread's limit with doomed posts.
    name: 'notDoomed',
    run: (_deps, { thread, parentMissing }) => {
      if (thread?.locked === 1) throw new AppError(403, 'thread_locked');
      if (parentMissing) throw new AppError(422, 'parent_not_found');
      return undefined;
    },
  },
  {
    name: 'guard',
    run: async (deps, { session, caller, site, input }) => {
      if (session !== null || caller.trusted === true) return undefined;
      const keys = await checkGuard(deps, site, input);
      await assertGuardUnused(deps.db, keys);
      return { spend: keys };
    },
  },
  {
    // A client already over a limit is refused before its comment is rendered.
    name: 'underLimits',
    run: async (deps, posting) => {
      for (const limit of limitsOf(posting)) await assertUnderLimit(deps.db, posting.now, limit);
      return undefined;
    },
  },
];

/** What the checks left for the write. */
export interface Findings {
  holds: HeldReason[];
  spend: GuardKey[];
}

/** Runs `checks` in order; returns the replay if one answers, else what they found. */
export async function runChecks<C>(
  deps: Deps,
  context: C,
  checks: readonly Check<C>[],
  findings: Findings = { holds: [], spend: [] },
): Promise<{ replay: CreateCommentResponse } | Findings> {
  for (const check of checks) {
    const found = await check.run(deps, context);
    if (found === undefined) continue;
    if ('replay' in found) return found;
    if ('hold' in found) findings.holds.push(found.hold);
    else findings.spend.push(...found.spend);
  }
  return findings;
}
