/**
 * @module routes/comments
 * Writes: `POST /api/v1/comments`, `PATCH|DELETE /api/v1/comments/:id`, `POST /api/v1/preview`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { limitBody, readJson, requireJson } from '../middleware/json-body.js';
import { deleteComment, editComment } from '../services/posting/edit.js';
import { postComment } from '../services/posting/post.js';
import { previewComment } from '../services/posting/preview.js';
import { callerOf } from './caller.js';

const newComment = z.object({
  site: z.string(),
  thread: z.string(),
  parentId: z.string().nullable().optional(),
  body: z.string(),
  author: z
    .object({ name: z.string(), email: z.string().optional(), url: z.string().optional() })
    .optional(),
  notify: z.union([z.boolean(), z.enum(['all', 'replies'])]).optional(),
  notifyEmail: z.string().max(1000).optional(),
  threadTitle: z.string().optional(),
  threadUrl: z.string().optional(),
  formToken: z.string().max(500).optional(),
  proofOfWork: z.string().max(2000).optional(),
  trap: z.string().max(2000).optional(),
});

const commentEdit = z.object({ body: z.string() });
const preview = z.object({ site: z.string(), body: z.string() });

export function commentRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const body = [limitBody(deps.config.maxBodyBytes), requireJson()] as const;

  routes.post('/comments', ...body, async (c) => {
    const input = await readJson(c, newComment);
    const result = await postComment(deps, input, callerOf(c, deps));
    return c.json(result, result.comment.status === 'pending' ? 202 : 201);
  });

  routes.patch('/comments/:id', ...body, async (c) => {
    const input = await readJson(c, commentEdit);
    return c.json(await editComment(deps, c.req.param('id'), input, callerOf(c, deps)));
  });

  routes.delete('/comments/:id', limitBody(deps.config.maxBodyBytes), async (c) => {
    return c.json(await deleteComment(deps, c.req.param('id'), callerOf(c, deps)));
  });

  routes.post('/preview', ...body, async (c) => {
    const input = await readJson(c, preview);
    return c.json(await previewComment(deps, input, callerOf(c, deps)));
  });

  return routes;
}
