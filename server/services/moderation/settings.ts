/**
 * @module services/moderation/settings
 * A site's moderation settings as `/admin` shows and changes them (owners only). Origins
 * and roles stay with the command line: they decide who can embed and who is staff.
 */
import type { ModSettings } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { invalid } from '../../errors.js';
import { recordAudit } from './audit.js';
import { updateSite, type Site, type SiteSettings } from '../sites/sites.js';
import type { Staff } from './staff.js';

export function toModSettings(deps: Deps, site: Site): ModSettings {
  return {
    name: site.name,
    moderation: site.moderation,
    allowGuests: site.allowGuests,
    rateLimit: site.rateLimit,
    threadRateLimit: site.threadRateLimit,
    newThreadLimit: site.newThreadLimit,
    maxLinks: site.maxLinks,
    blocklist: site.blocklist,
    newAccountHours: site.newAccountHours,
    minFillSeconds: site.minFillSeconds,
    proofOfWork: site.proofOfWork,
    spamCheck: site.spamCheck,
    votes: site.votes,
    downvotes: site.downvotes,
    spamCheckerAvailable: deps.spam.available,
    origins: site.origins,
  };
}

export type SettingsPatch = Partial<Omit<ModSettings, 'spamCheckerAvailable' | 'origins'>>;

export async function changeSettings(
  deps: Deps,
  staff: Staff,
  patch: SettingsPatch,
): Promise<ModSettings> {
  const settings: SiteSettings = { ...patch };
  if (patch.name !== undefined && (patch.name.trim() === '' || patch.name.length > 100)) {
    throw invalid([{ field: 'name', code: 'invalid', message: 'name is 1 to 100 characters.' }]);
  }
  let site: Site;
  try {
    site = await updateSite(deps, staff.site.id, settings);
  } catch (error) {
    // updateSite speaks to the command line: its messages name the setting.
    throw invalid([{ field: 'settings', code: 'invalid', message: (error as Error).message }]);
  }
  const changed = Object.keys(patch).filter(
    (k) => JSON.stringify(staff.site[k as keyof Site]) !== JSON.stringify(site[k as keyof Site]),
  );
  if (changed.length > 0) {
    await recordAudit(deps.db, deps.now(), {
      siteId: site.id,
      actor: staff.actor,
      action: 'settings',
      targetType: 'site',
      targetId: site.id,
      detail: Object.fromEntries(changed.map((k) => [k, site[k as keyof Site]])),
    });
  }
  return toModSettings(deps, site);
}
