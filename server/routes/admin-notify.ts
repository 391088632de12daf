/**
 * @module routes/admin-notify
 * The outbox, the test mail and the webhooks of a site for `/admin` (docs/api.md "Mail and
 * webhooks"): `/api/v1/moderation/outbox...`, `/test-mail` and `/webhooks...`. Owners and
 * moderators read the outbox; only owners send (again, or a test) and manage webhooks.
 * Sessions are checked as for the rest of `/api/v1/moderation/` (routes/moderation.ts).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { invalid } from '../errors.js';
import { limitBody, readJson, requireJson } from '../middleware/json-body.js';
import { requireStaff, type StaffRole } from '../services/moderation/staff.js';
import {
  readOutbox,
  readOutboxMessage,
  sendAgain,
  sendSiteTestMail,
} from '../services/notify/admin-outbox.js';
import {
  addSiteWebhook,
  listSiteWebhooks,
  removeSiteWebhook,
} from '../services/notify/admin-webhooks.js';
import { requestOrigin } from './auth.js';
import { callerOf } from './caller.js';

const siteOnly = z.object({ site: z.string() });
const testMail = z.object({ site: z.string(), to: z.string().max(1000) });
const webhook = z.object({
  site: z.string(),
  url: z.string().max(10_000),
  format: z.string().max(100).optional(),
});

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') {
    throw invalid([{ field, code: 'required', message: `The ${field} parameter is required.` }]);
  }
  return value;
}

export function adminNotifyRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const body = [limitBody(deps.config.maxBodyBytes), requireJson()] as const;
  // `/admin` is this server's own page: its same-origin GETs carry no Origin header.
  const staff = (c: Context<AppEnv>, site: string, need?: StaffRole) =>
    requireStaff(
      deps,
      { ...callerOf(c, deps), origin: requestOrigin(c, deps.config.publicUrl) },
      site,
      need,
    );

  routes.get('/moderation/outbox', async (c) => {
    const who = await staff(c, required(c.req.query('site'), 'site'));
    return c.json(
      await readOutbox(deps, who.site, {
        status: c.req.query('status'),
        cursor: c.req.query('cursor'),
        limit: c.req.query('limit'),
      }),
    );
  });

  routes.get('/moderation/outbox/:id', async (c) => {
    const who = await staff(c, required(c.req.query('site'), 'site'));
    return c.json(await readOutboxMessage(deps, who.site, c.req.param('id')));
  });

  routes.post('/moderation/outbox/:id/send', ...body, async (c) => {
    const input = await readJson(c, siteOnly);
    const who = await staff(c, input.site, 'owner');
    return c.json(await sendAgain(deps, who, c.req.param('id')));
  });

  routes.post('/moderation/test-mail', ...body, async (c) => {
    const input = await readJson(c, testMail);
    const who = await staff(c, input.site, 'owner');
    return c.json(await sendSiteTestMail(deps, who, input.to));
  });

  routes.get('/moderation/webhooks', async (c) => {
    const who = await staff(c, required(c.req.query('site'), 'site'), 'owner');
    return c.json(await listSiteWebhooks(deps, who.site));
  });

  routes.post('/moderation/webhooks', ...body, async (c) => {
    const input = await readJson(c, webhook);
    const who = await staff(c, input.site, 'owner');
    return c.json(await addSiteWebhook(deps, who, input), 201);
  });

  routes.delete('/moderation/webhooks/:id', async (c) => {
    const who = await staff(c, required(c.req.query('site'), 'site'), 'owner');
    await removeSiteWebhook(deps, who, c.req.param('id'));
    return c.body(null, 204);
  });

  return routes;
}
