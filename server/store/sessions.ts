/**
 * @module store/sessions
 * SQL for sign-in transactions, their emailed links and codes, and sessions. Only hashes
 * of their secrets are stored.
 */
import type { Db } from './dialect.js';
import type { AuthTransactionRow, EmailSignInRow, SessionRow } from './schema.js';

export async function insertAuthTransaction(db: Db, row: AuthTransactionRow): Promise<void> {
  await db.insertInto('auth_transactions').values(row).execute();
}

export function findAuthTransaction(db: Db, id: string): Promise<AuthTransactionRow | undefined> {
  return db.selectFrom('auth_transactions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAuthTransactionByState(
  db: Db,
  stateHash: string,
): Promise<AuthTransactionRow | undefined> {
  return db
    .selectFrom('auth_transactions')
    .selectAll()
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
}

/** Moves a transaction on only from the status it was read in (no double use). */
export async function advanceAuthTransaction(
  db: Db,
  id: string,
  from: string,
  patch: Partial<Omit<AuthTransactionRow, 'id'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('auth_transactions')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The transaction's emailed sign-in; a new request replaces the one before (its link and code). */
export async function replaceEmailSignIn(db: Db, row: EmailSignInRow): Promise<void> {
  await db
    .insertInto('email_sign_ins')
    .values(row)
    .onConflict((oc) =>
      oc.column('tx_id').doUpdateSet({
        email: row.email,
        name: row.name,
        link_hash: row.link_hash,
        code_hash: row.code_hash,
        attempts: row.attempts,
        requested_at: row.requested_at,
        expires_at: row.expires_at,
        used_at: row.used_at,
      }),
    )
    .execute();
}

export function findEmailSignIn(db: Db, txId: string): Promise<EmailSignInRow | undefined> {
  return db.selectFrom('email_sign_ins').selectAll().where('tx_id', '=', txId).executeTakeFirst();
}

export function findEmailSignInByLink(
  db: Db,
  linkHash: string,
): Promise<EmailSignInRow | undefined> {
  return db
    .selectFrom('email_sign_ins')
    .selectAll()
    .where('link_hash', '=', linkHash)
    .executeTakeFirst();
}

/** Counts one try of a code while fewer than `max` were made and it is unused; false otherwise. */
export async function countEmailCodeTry(db: Db, txId: string, max: number): Promise<boolean> {
  const result = await db
    .updateTable('email_sign_ins')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('tx_id', '=', txId)
    .where('attempts', '<', max)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks the link and code of `txId`'s request (the one with `linkHash`) used; false if it was. */
export async function useEmailSignIn(
  db: Db,
  txId: string,
  linkHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('email_sign_ins')
    .set({ used_at: at })
    .where('tx_id', '=', txId)
    .where('link_hash', '=', linkHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Forgets emailed sign-ins (their addresses) whose link and code stopped working before `isoTime`. */
export async function deleteEmailSignInsBefore(db: Db, isoTime: string): Promise<void> {
  await db.deleteFrom('email_sign_ins').where('expires_at', '<', isoTime).execute();
}

export async function deleteAuthTransactionsBefore(db: Db, isoTime: string): Promise<void> {
  await db.deleteFrom('auth_transactions').where('expires_at', '<', isoTime).execute();
}

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export function findSession(db: Db, tokenHash: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function updateSessionExpiry(
  db: Db,
  tokenHash: string,
  expiresAt: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ expires_at: expiresAt })
    .where('token_hash', '=', tokenHash)
    .execute();
}

export async function revokeSession(db: Db, tokenHash: string, at: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('token_hash', '=', tokenHash)
    .execute();
}
