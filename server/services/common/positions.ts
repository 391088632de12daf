/**
 * @module services/common/positions
 * Opaque "newest first" page cursors for the moderation lists: the last row's time and id.
 */
import { invalid } from '../../errors.js';

export interface Position {
  createdAt: string;
  id: string;
}

export function encodePosition(position: Position): string {
  return Buffer.from(`${position.createdAt}|${position.id}`).toString('base64url');
}

/** The position in a cursor, undefined for none; a cursor we did not make is a 422. */
export function decodePosition(cursor: string | undefined): Position | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (
    createdAt === undefined ||
    id === undefined ||
    rest.length > 0 ||
    Number.isNaN(Date.parse(createdAt)) ||
    !/^[\w-]{1,64}$/.test(id)
  ) {
    throw invalid([
      { field: 'cursor', code: 'invalid', message: 'cursor is not one this server gave' },
    ]);
  }
  return { createdAt, id };
}
