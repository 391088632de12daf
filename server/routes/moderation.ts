/**
 * @module routes/moderation
 * `/api/v1/moderation/...` for owners and moderators (docs/api.md "Moderation"), and
 * `GET /api/v1/guard`, the anti-bot check a guest's form fetches before sending.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { invalid } from '../errors.js';
import { limitBody, readJson, requireJson } from '../middleware/json-body.js';
import { listAudit } from '../services/moderation/audit.js';
import { banAuthor, liftBan, listBans } from '../services/moderation/bans.js';
import { issueGuard } from '../services/posting/guard.js';
import { changeSettings, toModSettings } from '../services/moderation/settings.js';
import {
  ACTIONS,
  applyAction,
  editAsModerator,
  listModeratedSites,
  lockThread,
  readQueue,
} from '../services/moderation/actions.js';
import { MODERATION_POLICIES, getSite } from '../services/sites/sites.js';
import { ownOrigin, requireStaff, type StaffRole } from '../services/moderation/staff.js';
import { requireSession } from '../services/sign-in/sessions.js';
import { requestOrigin } from './auth.js';
import { callerOf } from './caller.js';

const action = z.object({
  site: z.string(),
  action: z.enum(ACTIONS as [string, ...string[]]),
  ids: z.array(z.string()).max(100),
});
const edit = z.object({ site: z.string(), body: z.string() });
const lock = z.object({ locked: z.boolean() });
const ban = z.object({
  site: z.string(),
  commentId: z.string(),
  reason: z.string().max(500).optional(),
  expiresAt: z.string().nullable().optional(),
  deleteComments: z.boolean().optional(),
});
const count = z.number().int().min(0);
const settings = z
  .object({
    name: z.string(),
    moderation: z.enum(MODERATION_POLICIES),
    allowGuests: z.boolean(),
    rateLimit: count,
    threadRateLimit: count,
    newThreadLimit: count,
    maxLinks: count,
    blocklist: z.array(z.string()),
    newAccountHours: count,
    minFillSeconds: count,
    proofOfWork: count,
    spamCheck: z.boolean(),
    votes: z.boolean(),
    downvotes: z.boolean(),
  })
  .partial();

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') {
    throw invalid([{ field, code: 'required', message: `The ${field} parameter is required.` }]);
  }
  return value;
}

export function moderationRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const body = [limitBody(deps.config.maxBodyBytes), requireJson()] as const;
  // `/admin` is this server's own page: its same-origin GETs carry no Origin header.
  const caller = (c: Context<AppEnv>) => ({
    ...callerOf(c, deps),
    origin: requestOrigin(c, deps.config.publicUrl),
  });
  const staff = (c: Context<AppEnv>, site: string, need?: StaffRole) =>
    requireStaff(deps, caller(c), site, need);

  routes.get('/guard', async (c) => {
    const site = await getSite(deps, required(c.req.query('site'), 'site'));
    return c.json(await issueGuard(deps, site));
  });

  routes.get('/moderation/sites', async (c) => {
    const session = await requireSession(deps, caller(c).sessionToken, caller(c).origin);
    // A session from a blog's page moderates that site only; /admin's, every site.
    const only = session.origin === ownOrigin(deps) ? undefined : session.siteId;
    return c.json(await listModeratedSites(deps, session.user.id, only));
  });

  routes.get('/moderation/comments', async (c) => {
    const who = await staff(c, required(c.req.query('site'), 'site'));
    return c.json(
      await readQueue(deps, who, {
        status: c.req.query('status'),
        q: c.req.query('q'),
        thread: c.req.query('thread'),
        cursor: c.req.query('cursor'),
        limit: c.req.query('limit'),
      }),
    );
  });

  routes.post('/moderation/actions', ...body, async (c) => {
    const input = await readJson(c, action);
    const who = await staff(c, input.site);
    return c.json(await applyAction(deps, who, { ...input, action: input.action as never }));
  });

  routes.patch('/moderation/comments/:id', ...body, async (c) => {
    const input = await readJson(c, edit);
    const who = await staff(c, input.site);
    return c.json(await editAsModerator(deps, who, c.req.param('id'), input));
  });

  routes.put('/moderation/threads/lock', ...body, async (c) => {
    const input = await readJson(c, lock);
    const who = await staff(c, required(c.req.query('site'), 'site'));
    const thread = required(c.req.query('thread'), 'thread');
    return c.json(await lockThread(deps, who, thread, input.locked));
  });

  routes.get('/moderation/bans', async (c) => {
    const who = await staff(c, required(c.req.query('site'), 'site'));
    return c.json(await listBans(deps, who));
  });

  routes.post('/moderation/bans', ...body, async (c) => {
    const input = await readJson(c, ban);
    const who = await staff(c, input.site);
    const { created, ...result } = await banAuthor(deps, who, input);
    return c.json(result, created ? 201 : 200);
  });

  routes.delete('/moderation/bans/:id', async (c) => {
    const who = await staff(c, required(c.req.query('site'), 'site'));
    await liftBan(deps, who, c.req.param('id'));
    return c.body(null, 204);
  });

  routes.get('/moderation/audit', async (c) => {
    const who = await staff(c, required(c.req.query('site'), 'site'));
    return c.json(await listAudit(deps, who.site.id, c.req.query('cursor')));
  });

  routes.get('/moderation/settings', async (c) => {
    const who = await staff(c, required(c.req.query('site'), 'site'));
    return c.json(toModSettings(deps, who.site));
  });

  routes.patch('/moderation/settings', ...body, async (c) => {
    const input = await readJson(c, settings);
    const who = await staff(c, required(c.req.query('site'), 'site'), 'owner');
    return c.json(await changeSettings(deps, who, input));
  });

  return routes;
}
