/**
 * @module routes/reactions
 * Votes and likes: `PUT /api/v1/comments/:id/vote`, `PUT /api/v1/threads/like`, and the
 * reads that go with them, `GET /api/v1/reactions` (the asking reader's own votes and
 * like, never cached: the thread page is one page for every reader) and `GET
 * /api/v1/likes` (like counts for index pages). The reader is their session, or a guest's
 * voter token in the `Confab-Voter` header.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { invalid } from '../errors.js';
import { limitBody, readJson, requireJson } from '../middleware/json-body.js';
import { countLikes, likeThread } from '../services/reactions/likes.js';
import { readReactions } from '../services/reactions/read.js';
import type { VoterCaller } from '../services/reactions/voter.js';
import { voteOnComment } from '../services/reactions/votes.js';
import { requestOrigin } from './auth.js';
import { callerOf } from './caller.js';

const vote = z.object({ value: z.number() });
const like = z.object({
  liked: z.boolean(),
  threadTitle: z.string().optional(),
  threadUrl: z.string().optional(),
});

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') {
    throw invalid([
      { field, code: 'required', message: `The ${field} query parameter is required.` },
    ]);
  }
  return value;
}

export function reactionRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const body = [limitBody(deps.config.maxBodyBytes), requireJson()] as const;
  const voter = (c: Context<AppEnv>): VoterCaller => ({
    ...callerOf(c, deps),
    voterToken: c.req.header('Confab-Voter'),
  });
  const thread = (c: Context<AppEnv>) => ({
    site: required(c.req.query('site'), 'site'),
    thread: required(c.req.query('thread'), 'thread'),
  });

  routes.put('/comments/:id/vote', ...body, async (c) => {
    const input = await readJson(c, vote);
    return c.json(await voteOnComment(deps, c.req.param('id'), input, voter(c)));
  });

  routes.put('/threads/like', ...body, async (c) => {
    const query = thread(c);
    const input = await readJson(c, like);
    return c.json(await likeThread(deps, query, input, voter(c)));
  });

  routes.get('/reactions', async (c) => {
    // A read: the widget's own page on this server sends no Origin.
    const caller = { ...voter(c), origin: requestOrigin(c, deps.config.publicUrl) };
    return c.json(await readReactions(deps, thread(c), caller));
  });

  routes.get('/likes', async (c) => {
    const site = required(c.req.query('site'), 'site');
    return c.json(await countLikes(deps, site, c.req.queries('thread') ?? []));
  });

  return routes;
}
