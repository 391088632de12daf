/**
 * @module services/common/health
 * What `/healthz` reports: the database answers a read, and can be written (see
 * storage.ts). A load balancer takes the server out while this throws.
 */
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { findSetting } from '../../store/settings.js';

/** Resolves when the server can serve reads and take writes; throws `503` otherwise. */
export async function checkHealth(deps: Deps): Promise<void> {
  await findSetting(deps.db, 'secret');
  const problem = await deps.storage.check(deps.db);
  if (problem !== null) {
    throw new AppError(503, 'storage_unavailable', {
      detail: `Writes fail since ${problem.since} (last at ${problem.last}): ${problem.error}`,
      retryAfter: 30,
      headers: { 'Retry-After': '30' },
    });
  }
}
