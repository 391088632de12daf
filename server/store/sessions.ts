/**
 * @module store/sessions
 * SQL for sign-in transactions and sessions. Only hashes of their secrets are stored.
 */
import type { Db } from './dialect.js';
import type { AuthTransactionRow, SessionRow } from './schema.js';

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
