/**
 * The cache of sites (services/sites/cache.ts): one read of the table per two seconds, a
 * change made here seen at once, one made elsewhere seen once the two seconds are up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSiteCache, SITE_CACHE_MS } from '../../server/services/sites/cache.js';
import { getSite, updateSite } from '../../server/services/sites/sites.js';
import { updateSiteRow } from '../../server/store/sites.js';
import { makeTestApp, type TestApp } from './helpers.js';

describe('the cache of sites', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('reads the table once per two seconds, and again when told', async () => {
    let clock = 0;
    const cache = createSiteCache(() => clock);
    const deps = { ...t.deps, siteCache: cache };
    assert.equal((await getSite(deps, 'blog')).name, 'blog');
    // Another process renames the site: not seen for two seconds, then seen.
    await updateSiteRow(t.deps.db, 'blog', { name: 'Renamed elsewhere' });
    clock += SITE_CACHE_MS - 1;
    assert.equal((await getSite(deps, 'blog')).name, 'blog');
    clock += 1;
    assert.equal((await getSite(deps, 'blog')).name, 'Renamed elsewhere');
    // A change made through this process is seen at once.
    await updateSite(deps, 'blog', { name: 'Renamed here' });
    assert.equal((await getSite(deps, 'blog')).name, 'Renamed here');
  });
});
