/**
 * @module services/posting/guard
 * Guests' anti-bot checks, none of which a person notices: a form token that must be a few
 * seconds old (nobody reads a post and writes a comment in three seconds; a script does),
 * and an optional proof of work (ALTCHA: find n with SHA-256(salt + n) = challenge, a
 * fraction of a second in a browser, real money for a spam farm). Both are single use:
 * a replayed token or solution is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import type { GuardResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { Db } from '../../store/dialect.js';
import { claimOnce, isClaimed } from '../../store/moderation.js';
import type { Site } from '../sites/sites.js';

/** How long a form token and a challenge stay good. */
const TOKEN_SECONDS = 24 * 3600;
const CHALLENGE_SECONDS = 30 * 60;

const sign = (deps: Deps, text: string): string =>
  createHmac('sha256', deps.secret).update(`guard:${text}`).digest('base64url');

/** A key for ALTCHA's HMAC that is not the server secret itself. */
const powKey = (deps: Deps): string => sign(deps, 'altcha-key');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Does this site ask guests for a guard at all? */
export function guardRequired(site: Site): boolean {
  return site.minFillSeconds > 0 || site.proofOfWork > 0;
}

export async function issueGuard(deps: Deps, site: Site): Promise<GuardResponse> {
  const now = deps.now();
  const issued = now.getTime();
  // A random part: two readers served in the same millisecond get different tokens.
  const nonce = randomBytes(9).toString('base64url');
  const formToken = `${String(issued)}.${nonce}.${sign(deps, `form:${site.id}:${String(issued)}:${nonce}`)}`;
  let proofOfWork: GuardResponse['proofOfWork'] = null;
  if (site.proofOfWork > 0) {
    const challenge = await createChallenge({
      hmacKey: powKey(deps),
      maxnumber: site.proofOfWork,
      expires: new Date(issued + CHALLENGE_SECONDS * 1000),
      params: { site: site.id },
    });
    proofOfWork = {
      algorithm: 'SHA-256',
      challenge: challenge.challenge,
      salt: challenge.salt,
      maxnumber: challenge.maxnumber ?? site.proofOfWork,
      signature: challenge.signature,
    };
  }
  return {
    formToken,
    notBefore: new Date(issued + site.minFillSeconds * 1000).toISOString(),
    minFillSeconds: site.minFillSeconds,
    proofOfWork,
  };
}

function failed(detail: string): AppError {
  return new AppError(400, 'challenge_failed', { detail });
}

/** The ALTCHA payload's challenge, if it decodes; the payload is base64 JSON. */
function decodePayload(payload: string): { challenge: string; salt: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { challenge?: unknown }).challenge === 'string' &&
      typeof (value as { salt?: unknown }).salt === 'string'
    ) {
      return value as { challenge: string; salt: string };
    }
  } catch {
    // not base64 JSON: refused below
  }
  return undefined;
}

/** A one-time key of a guard (form token, proof of work) and when it could expire anyway. */
export interface GuardKey {
  key: string;
  expiresAt: string;
}

export interface GuardInput {
  formToken?: string | undefined;
  proofOfWork?: string | undefined;
}

/**
 * Checks a guest's guard without using it up (that happens with the comment, in its
 * transaction: {@link spendGuard}). Returns the one-time keys to spend.
 */
export async function checkGuard(deps: Deps, site: Site, input: GuardInput): Promise<GuardKey[]> {
  if (!guardRequired(site)) return [];
  const now = deps.now().getTime();
  const spend: GuardKey[] = [];
  const token = input.formToken ?? '';
  if (token === '') {
    throw new AppError(400, 'challenge_required', {
      detail: 'Fetch GET /api/v1/guard and send its formToken with the comment.',
    });
  }
  const [issuedText = '', nonce = '', mac = ''] = token.split('.');
  const issued = Number(issuedText);
  if (
    !/^\d{1,15}$/.test(issuedText) ||
    !/^[\w-]{12}$/.test(nonce) ||
    !same(mac, sign(deps, `form:${site.id}:${issuedText}:${nonce}`))
  ) {
    throw failed('The formToken is not one this server gave for this site.');
  }
  if (now - issued > TOKEN_SECONDS * 1000) throw failed('The formToken has expired.');
  const wait = issued + site.minFillSeconds * 1000 - now;
  if (wait > 0) {
    const retryAfter = Math.ceil(wait / 1000);
    throw new AppError(422, 'too_fast', {
      detail: `Sent ${String(Math.round((now - issued) / 1000))} s after the form was opened; wait ${String(retryAfter)} s.`,
      retryAfter,
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
  spend.push({
    key: `form:${mac}`,
    expiresAt: new Date(issued + TOKEN_SECONDS * 1000).toISOString(),
  });
  if (site.proofOfWork > 0) {
    const payload = input.proofOfWork ?? '';
    if (payload === '') {
      throw new AppError(400, 'challenge_required', {
        detail: 'This site asks guests for a proof of work (GET /api/v1/guard).',
      });
    }
    const decoded = decodePayload(payload);
    // Expiry is checked against the server's clock below, not inside the library.
    if (decoded === undefined || !(await verifySolution(payload, powKey(deps), false))) {
      throw failed('The proof of work is not a solution to a challenge from this server.');
    }
    const params = extractParams(payload);
    const expires = Number(params.expires) * 1000;
    if (params.site !== site.id) throw failed('The proof of work was made for another site.');
    if (!Number.isFinite(expires) || expires <= now) throw failed('The proof of work has expired.');
    spend.push({ key: `pow:${decoded.challenge}`, expiresAt: new Date(expires).toISOString() });
  }
  return spend;
}

const USED = 'This anti-spam check was already used; fetch a new one (GET /api/v1/guard).';

/** Refuses a guard already used, without using it (the write's transaction spends it). */
export async function assertGuardUnused(db: Db, keys: readonly GuardKey[]): Promise<void> {
  for (const { key } of keys) if (await isClaimed(db, key)) throw failed(USED);
}

/** Uses up the guard's one-time keys; a replay is refused. Call inside the comment's transaction. */
export async function spendGuard(db: Db, keys: readonly GuardKey[]): Promise<void> {
  for (const { key, expiresAt } of keys) {
    if (!(await claimOnce(db, key, expiresAt))) {
      throw failed(USED);
    }
  }
}
