/**
 * @module services/sign-in/email
 * "Email me a sign-in link". The popup reaches Confab's own page through the usual start
 * (email-identity.ts), so the transaction is started, bound to this browser's cookie and
 * named by its `state`. There the reader types an address (and a name for a new account);
 * the address is mailed a link and a six-digit code, each good once, for 15 minutes
 * (never past the sign-in), for that one transaction:
 *
 * - The link works only in the browser that asked (the transaction's cookie). Anyone else
 *   who opens it, a mail scanner or the reader on their phone, is signed in nowhere: else
 *   whoever typed someone's address into their own popup would be signed in as them the
 *   moment that person pressed the button. Its page has a button; the GET changes nothing.
 * - The code is for the reader who reads the mail on another device: typed into the popup
 *   that asked (state + cookie), at most {@link MAX_CODE_TRIES} times.
 *
 * Either ends the transaction with {@link signInAs}: the account is provider `email`,
 * subject a keyed hash of the address (the address itself is never the key), and the
 * address its verified email. The widget gets its session as from any provider: the popup
 * hands the ticket to its opener, or the widget's claim finds the transaction finished.
 *
 * Whoever asks learns nothing about the address: the answer and the mail are the same
 * whether or not it has an account, and the mail is sent after the answer. Only what the
 * link or the code opens, for the address's owner, says whether a name is still needed.
 */
import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { EmailSignInSent, EmailSignedIn } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid, type FieldError } from '../../errors.js';
import { findOutboxByKey } from '../../store/outbox.js';
import type { AuthTransactionRow, EmailSignInRow } from '../../store/schema.js';
import {
  countEmailCodeTry,
  deleteEmailSignInsBefore,
  findAuthTransaction,
  findAuthTransactionByState,
  findEmailSignIn,
  findEmailSignInByLink,
  replaceEmailSignIn,
  useEmailSignIn,
} from '../../store/sessions.js';
import { findUserByAccount } from '../../store/users.js';
import { clientBucket, type Caller } from '../common/authorship.js';
import { checkEmail, checkName } from '../common/input-rules.js';
import { assertUnderLimit, countHit, type Limit } from '../common/rate-limits.js';
import { signInMail } from '../notify/compose-sign-in.js';
import { deliverRow, enqueue, messageIdFor } from '../notify/outbox.js';
import { getSite } from '../sites/sites.js';
import { live, same, sameBrowser, sha256, signInAs } from './flow.js';
import { SignInError } from './provider-client.js';

export const EMAIL_PROVIDER_ID = 'email';
/** How long a mailed link and code work. */
export const LINK_MINUTES = 15;
/** Codes typed per mailed request before it stops working. */
export const MAX_CODE_TRIES = 5;
const HOUR = 3_600_000;
/** Mails to one address per hour, whatever the site (its owner's mailbox is what is spared). */
export const REQUESTS_PER_ADDRESS = 5;
/** Mails one client may ask for on one site per hour, whatever the addresses. */
export const REQUESTS_PER_CLIENT = 10;

/** The account's subject: a keyed hash of the lower-cased address, never the address. */
export function emailSubject(secret: string, email: string): string {
  return createHmac('sha256', secret)
    .update(`email-sign-in\0${email.trim().toLowerCase()}`)
    .digest('base64url');
}

const codeHash = (secret: string, txId: string, code: string): string =>
  createHmac('sha256', secret).update(`email-sign-in-code\0${txId}\0${code}`).digest('base64url');

/** `ada@example.com` as `a•••@example.com`: enough to recognise, not to read off a screen. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${Array.from(email.slice(0, at))[0] ?? ''}•••${email.slice(at)}`;
}

/** The sign-in link in the mail: its secret in the query, as every mailed link of Confab's. */
export function emailLink(publicUrl: string, token: string): string {
  return `${publicUrl}/auth/email/link?t=${encodeURIComponent(token)}`;
}

/**
 * The popup's emailed sign-in, as its `state` and this browser's cookie name it: started,
 * not finished, not expired. Anything else is a `SignInError` for the popup's page.
 */
export async function openEmailSignIn(
  deps: Deps,
  state: string | undefined,
  browserSecret: string | undefined,
): Promise<{ tx: AuthTransactionRow; siteName: string }> {
  const tx =
    state === undefined || state === '' || state.length > 100
      ? undefined
      : await findAuthTransactionByState(deps.db, sha256(state));
  if (!live(deps, tx) || tx.provider !== EMAIL_PROVIDER_ID || tx.status !== 'started') {
    throw new SignInError(
      'expired',
      'This sign-in has expired or was already used. Close this window and try again.',
    );
  }
  if (!sameBrowser(tx, browserSecret)) {
    throw new SignInError('wrong_browser', 'This sign-in was started in another browser.');
  }
  return { tx, siteName: (await getSite(deps, tx.site_id)).name };
}

const refused = (error: unknown): never => {
  if (error instanceof SignInError)
    throw new AppError(400, 'sign_in_failed', { detail: error.message });
  throw error;
};

/** A typed name, checked; undefined when none was typed. */
function typedName(raw: string | undefined, errors: FieldError[]): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const name = checkName(raw, 'name');
  if (name.ok) return name.value;
  errors.push(name.error);
  return undefined;
}

/**
 * Mails the address a link and a code for the popup's sign-in. A new request replaces the
 * one before (its link and code stop working). Limited per address and per client.
 */
export async function requestEmailSignIn(
  deps: Deps,
  input: { state: string; email: string; name?: string | undefined },
  browserSecret: string | undefined,
  caller: Caller,
): Promise<EmailSignInSent> {
  const errors: FieldError[] = [];
  const checked = checkEmail(input.email, 'email');
  if (!checked.ok) errors.push(checked.error);
  else if (checked.value === null) {
    errors.push({ field: 'email', code: 'required', message: 'Please enter your email address.' });
  }
  const name = typedName(input.name, errors);
  if (errors.length > 0 || !checked.ok || checked.value === null) throw invalid(errors);
  const email = checked.value.toLowerCase();
  const { tx, siteName } = await openEmailSignIn(deps, input.state, browserSecret).catch(refused);
  const site = await getSite(deps, tx.site_id);
  const now = deps.now();
  const limits: Limit[] = [
    {
      bucket: `email-sign-in:address:${emailSubject(deps.secret, email)}`,
      max: REQUESTS_PER_ADDRESS,
      windowMs: HOUR,
      what: 'sign-in emails to one address',
    },
    {
      bucket: clientBucket('email-sign-in', site, caller),
      max: REQUESTS_PER_CLIENT,
      windowMs: HOUR,
      what: 'sign-in emails',
    },
  ];
  for (const limit of limits) await assertUnderLimit(deps.db, now, limit);
  const token = randomBytes(32).toString('base64url');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(
    Math.min(now.getTime() + LINK_MINUTES * 60_000, Date.parse(tx.expires_at)),
  ).toISOString();
  const key = `sign-in:${randomUUID()}`;
  await deps.db.transaction().execute(async (trx) => {
    for (const limit of limits) await countHit(trx, now, limit);
    // The addresses of sign-ins whose link stopped working go: only a live one needs it.
    await deleteEmailSignInsBefore(trx, now.toISOString());
    await replaceEmailSignIn(trx, {
      tx_id: tx.id,
      email,
      name: name ?? null,
      link_hash: sha256(token),
      code_hash: codeHash(deps.secret, tx.id, code),
      attempts: 0,
      requested_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    });
    await enqueue(trx, now, {
      key,
      channel: 'email',
      kind: 'sign_in',
      siteId: site.id,
      commentId: null,
      recipient: email,
      payload: signInMail({
        to: email,
        messageId: messageIdFor(key, deps.config.publicUrl),
        siteName,
        linkUrl: emailLink(deps.config.publicUrl, token),
        code,
        minutes: LINK_MINUTES,
      }),
    });
  });
  sendSoon(deps, key);
  return { sentTo: maskEmail(email), expiresAt };
}

/**
 * Sends the mail now, without the answer waiting for the mail server. A failure stays in
 * the outbox and is tried again like any mail (too late for this sign-in, most likely: the
 * reader asks again).
 */
function sendSoon(deps: Deps, key: string): void {
  void (async () => {
    const row = await findOutboxByKey(deps.db, key);
    if (row !== undefined) await deliverRow(deps, row);
  })().catch((error: unknown) => {
    deps.logger.error('a sign-in email could not be sent at once; the outbox tries again', error);
  });
}

/** What the mailed link opens, before its button. */
export interface EmailLinkView {
  siteName: string;
  /** The address, masked. */
  sentTo: string;
  /** Opened in the browser that asked: the button can sign in here. */
  sameBrowser: boolean;
  /** The address has no account yet and no name came with the request: the page asks. */
  needsName: boolean;
}

const usedOrLate = (): AppError =>
  new AppError(410, 'link_expired', {
    detail: `Sign-in links work once, for ${String(LINK_MINUTES)} minutes. This one was used or is too old: ask for a new one from the comment form.`,
  });

/** The request and its transaction a link names; 403 when made up, 410 when used or late. */
async function openLink(
  deps: Deps,
  token: string | undefined,
): Promise<{ row: EmailSignInRow; tx: AuthTransactionRow }> {
  const row =
    token === undefined || !/^[\w-]{43}$/.test(token)
      ? undefined
      : await findEmailSignInByLink(deps.db, sha256(token));
  if (row === undefined) {
    throw new AppError(403, 'invalid_link', {
      detail:
        'This link is not valid: use the one in the newest sign-in email, as it came, or ask for a new one.',
    });
  }
  const tx = await findAuthTransaction(deps.db, row.tx_id);
  const late = Date.parse(row.expires_at) <= deps.now().getTime();
  if (
    tx === undefined ||
    !live(deps, tx) ||
    tx.status !== 'started' ||
    row.used_at !== null ||
    late
  ) {
    throw usedOrLate();
  }
  return { row, tx };
}

async function needsName(deps: Deps, row: EmailSignInRow): Promise<boolean> {
  if (row.name !== null) return false;
  const subject = emailSubject(deps.secret, row.email);
  return (await findUserByAccount(deps.db, EMAIL_PROVIDER_ID, subject)) === undefined;
}

/** The page of the mailed link (GET): changes nothing, so a mail scanner signs nobody in. */
export async function viewEmailLink(
  deps: Deps,
  token: string | undefined,
  browserSecret: string | undefined,
): Promise<EmailLinkView> {
  const { row, tx } = await openLink(deps, token);
  return {
    siteName: (await getSite(deps, tx.site_id)).name,
    sentTo: maskEmail(row.email),
    sameBrowser: sameBrowser(tx, browserSecret),
    needsName: await needsName(deps, row),
  };
}

/**
 * The link's button: in the browser that asked, it finishes that browser's sign-in. The
 * ticket goes back to the popup (the page passes it on), which hands it to its opener.
 */
export async function useEmailLink(
  deps: Deps,
  token: string | undefined,
  browserSecret: string | undefined,
  name: string | undefined,
): Promise<{ tx: string; ticket: string; origin: string; siteName: string }> {
  const { row, tx } = await openLink(deps, token);
  if (!sameBrowser(tx, browserSecret)) {
    throw new AppError(403, 'forbidden', {
      detail:
        'This link signs in only in the browser where you asked for it. Reading the email on another device? Type the code from the email into the sign-in window there.',
    });
  }
  const done = await finish(deps, tx, row, name);
  return { ...done, siteName: (await getSite(deps, tx.site_id)).name };
}

/** The code typed into the popup that asked for it; the popup hands the ticket to its opener. */
export async function useEmailCode(
  deps: Deps,
  input: { state: string; code: string; name?: string | undefined },
  browserSecret: string | undefined,
): Promise<EmailSignedIn> {
  const code = input.code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) {
    throw invalid([
      { field: 'code', code: 'invalid', message: 'The code is the six digits in the email.' },
    ]);
  }
  const { tx } = await openEmailSignIn(deps, input.state, browserSecret).catch(refused);
  const row = await findEmailSignIn(deps.db, tx.id);
  if (row === undefined) {
    throw new AppError(400, 'sign_in_failed', { detail: 'Ask for an email first.' });
  }
  if (row.used_at !== null || Date.parse(row.expires_at) <= deps.now().getTime()) {
    throw usedOrLate();
  }
  if (!(await countEmailCodeTry(deps.db, tx.id, MAX_CODE_TRIES))) {
    throw new AppError(400, 'sign_in_failed', {
      detail: 'Too many wrong codes: this email’s code no longer works. Ask for a new email.',
    });
  }
  if (!same(row.code_hash, codeHash(deps.secret, tx.id, code))) {
    const left = MAX_CODE_TRIES - row.attempts - 1;
    throw new AppError(400, 'sign_in_failed', {
      detail:
        left > 0
          ? `Wrong code: ${String(left)} ${left === 1 ? 'try' : 'tries'} left.`
          : 'Wrong code, and that was the last try. Ask for a new email.',
    });
  }
  const done = await finish(deps, tx, row, input.name);
  return { tx: done.tx, ticket: done.ticket };
}

/** Proven: the request is used up, and the transaction finishes as this address's account. */
async function finish(
  deps: Deps,
  tx: AuthTransactionRow,
  row: EmailSignInRow,
  rawName: string | undefined,
): Promise<{ tx: string; ticket: string; origin: string }> {
  const errors: FieldError[] = [];
  const typed = typedName(rawName, errors);
  if (errors.length > 0) throw invalid(errors);
  const subject = emailSubject(deps.secret, row.email);
  const account = await findUserByAccount(deps.db, EMAIL_PROVIDER_ID, subject);
  const name = typed ?? row.name ?? account?.name;
  if (name === undefined) {
    throw invalid([
      {
        field: 'name',
        code: 'required',
        message: 'Choose the name shown with your comments: this address has no account yet.',
      },
    ]);
  }
  if (!(await useEmailSignIn(deps.db, tx.id, row.link_hash, deps.now().toISOString()))) {
    throw usedOrLate();
  }
  try {
    return await signInAs(deps, tx, {
      subject,
      name,
      avatarUrl: null,
      profileUrl: null,
      email: row.email,
    });
  } catch (error) {
    if (error instanceof SignInError) throw usedOrLate();
    throw error;
  }
}
