/**
 * @module services/common/secrets
 * The server secret keys address hashes (and later signed links). Configured with
 * CONFAB_SECRET, or generated once and kept in the database so restarts agree.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../store/dialect.js';
import { insertSettingIfMissing } from '../../store/settings.js';

export async function resolveSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured !== undefined) return configured;
  return insertSettingIfMissing(db, 'secret', randomBytes(32).toString('hex'));
}
