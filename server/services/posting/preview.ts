/**
 * @module services/preview
 * What a body will look like, rendered exactly as a posted comment, stored nowhere.
 */
import type { PreviewResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { invalid } from '../../errors.js';
import { clientBucket, type Caller } from '../common/authorship.js';
import { enforceRateLimit } from '../common/clients.js';
import { checkBody } from '../common/input-rules.js';
import { assertOriginAllowed, getSite } from '../sites/sites.js';

export async function previewComment(
  deps: Deps,
  input: { site: string; body: string },
  caller: Caller,
): Promise<PreviewResponse> {
  const site = await getSite(deps, input.site);
  assertOriginAllowed(site, caller.origin);
  const body = checkBody(input.body);
  if (!body.ok) throw invalid([body.error]);
  // Previews store nothing but cost a render: allow many more of them than comments.
  await enforceRateLimit(
    deps,
    clientBucket('preview', site, caller),
    site.rateLimit === 0 ? 0 : Math.max(60, site.rateLimit * 12),
  );
  return { html: deps.renderer.render(body.value) };
}
