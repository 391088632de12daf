/**
 * @module services/posting/preview
 * What a body will look like, rendered exactly as a posted comment, stored nowhere.
 * Previews cost a render each, so they are counted per client even on a site whose
 * comment limits are off.
 */
import type { PreviewResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { invalid } from '../../errors.js';
import { clientBucket, type Caller } from '../common/authorship.js';
import { checkBody } from '../common/input-rules.js';
import { countHit } from '../common/rate-limits.js';
import { assertOriginAllowed, getSite } from '../sites/sites.js';

/** Previews per minute per client when the site sets no comment limit. */
export const PREVIEW_LIMIT_WITHOUT_COMMENT_LIMIT = 120;

export async function previewComment(
  deps: Deps,
  input: { site: string; body: string },
  caller: Caller,
): Promise<PreviewResponse> {
  const site = await getSite(deps, input.site);
  assertOriginAllowed(site, caller.origin);
  const body = checkBody(input.body);
  if (!body.ok) throw invalid([body.error]);
  // A reader previews far more often than they post: many more previews than comments.
  await countHit(deps.db, deps.now(), {
    bucket: clientBucket('preview', site, caller),
    max:
      site.rateLimit === 0
        ? PREVIEW_LIMIT_WITHOUT_COMMENT_LIMIT
        : Math.max(60, site.rateLimit * 12),
    what: 'previews',
  });
  return { html: await deps.renderer.render(body.value) };
}
