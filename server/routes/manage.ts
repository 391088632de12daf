/**
 * @module routes/manage
 * A guest's own comments, by mail. `GET /manage?site=` asks for the address and its POST
 * mails the link (`POST /api/v1/manage-link` is the same for the widget); the link opens
 * `GET /manage/comments?token=`, the list. Each action is a POST of the token in the form
 * body from those pages (edit, delete and erase show a form or a question first), and
 * answers a page saying what happened. A GET changes nothing. Problems are pages with the
 * problem's status, or problem+json for a client that accepts JSON and not HTML. The
 * token is never logged (errors log the path, not the query), never put in another URL,
 * and no page sends a referrer.
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { ManageLinkResponse } from '../contract.js';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { AppError } from '../errors.js';
import { limitBody, readJson, requireJson } from '../middleware/json-body.js';
import { eraseGuestData, exportGuestData, viewGuestData } from '../services/data/guest-data.js';
import {
  deleteGuestComment,
  editGuestComment,
  viewGuestComment,
} from '../services/data/guest-edit.js';
import {
  assertOwnPage,
  manageSite,
  openManageToken,
  requestManageLink,
  siteOfToken,
  type GuestAccess,
} from '../services/data/guest-link.js';
import { callerOf } from './caller.js';
import {
  confirmDeletePage,
  confirmErasePage,
  donePage,
  editPage,
  listPage,
  problemPage,
  requestPage,
  sentPage,
  type ManagePage,
} from './manage-pages.js';

function show(c: Context<AppEnv>, page: ManagePage, status: ContentfulStatusCode = 200) {
  for (const [name, value] of Object.entries(page.headers)) c.header(name, value);
  return c.html(page.html, status);
}

/** A script that asks for JSON (and not HTML) gets problems as JSON. */
function wantsJson(c: Context<AppEnv>): boolean {
  const accept = c.req.header('Accept') ?? '';
  return /json/.test(accept) && !/text\/html/.test(accept);
}

/** Runs `work`; an AppError becomes a page (with a way to a new link, for a link's). */
async function guarded(
  c: Context<AppEnv>,
  work: (seen: { site?: string | undefined }) => Promise<Response>,
): Promise<Response> {
  const seen: { site?: string | undefined } = {};
  try {
    return await work(seen);
  } catch (error) {
    if (!(error instanceof AppError) || wantsJson(c)) throw error;
    for (const [name, value] of Object.entries(error.options.headers ?? {})) c.header(name, value);
    const problem = error.toProblem();
    const linkProblem = error.code === 'invalid_link' || error.code === 'link_expired';
    return show(
      c,
      problemPage(problem.title, problem.detail, linkProblem ? seen.site : undefined),
      error.status as ContentfulStatusCode,
    );
  }
}

/** The form's text fields (files, which these forms never send, are ignored). */
async function fields(c: Context<AppEnv>): Promise<Record<string, string | undefined>> {
  const body = await c.req.parseBody();
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

const linkRequest = z.object({ site: z.string().max(100), email: z.string().max(1000) });

/** `POST /api/v1/manage-link`, mounted at `/api/v1`. */
export function manageApiRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post('/manage-link', limitBody(deps.config.maxBodyBytes), requireJson(), async (c) => {
    const input = await readJson(c, linkRequest);
    const result = await requestManageLink(deps, input, callerOf(c, deps), 'widget');
    const answer: ManageLinkResponse = { email: result.email, linkHours: result.hours };
    return c.json(answer, 202);
  });
  return routes;
}

/** The pages, mounted at `/`. */
export function manageRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  // Form encoding spells non-ASCII text at up to three bytes per byte.
  const form = limitBody(deps.config.maxBodyBytes * 2);

  /** A POST from the pages: checked, its fields read, its token opened. */
  const action =
    (
      work: (
        c: Context<AppEnv>,
        f: Record<string, string | undefined>,
        access: GuestAccess,
        token: string,
      ) => Promise<Response>,
    ) =>
    (c: Context<AppEnv>) =>
      guarded(c, async (seen) => {
        assertOwnPage(deps, c.req.header('Origin'), c.req.header('Sec-Fetch-Site'));
        const f = await fields(c);
        seen.site = siteOfToken(f.token);
        const access = await openManageToken(deps, f.token);
        return work(c, f, access, f.token ?? '');
      });

  routes.get('/manage', (c) =>
    guarded(c, async () => show(c, requestPage(await manageSite(deps, c.req.query('site'))))),
  );

  routes.post('/manage', form, (c) =>
    guarded(c, async () => {
      assertOwnPage(deps, c.req.header('Origin'), c.req.header('Sec-Fetch-Site'));
      const f = await fields(c);
      try {
        const input = { site: f.site ?? '', email: f.email ?? '' };
        const result = await requestManageLink(deps, input, callerOf(c, deps), 'page');
        return show(c, sentPage(result.site, result.email, result.hours));
      } catch (error) {
        // A mistyped address: the form again, saying what is wrong with it.
        if (!(error instanceof AppError) || error.code !== 'validation_failed' || wantsJson(c)) {
          throw error;
        }
        const site = await manageSite(deps, f.site);
        return show(c, requestPage(site, error.options.errors?.[0]?.message), 422);
      }
    }),
  );

  routes.get('/manage/comments', (c) =>
    guarded(c, async (seen) => {
      const token = c.req.query('token');
      seen.site = siteOfToken(token);
      const access = await openManageToken(deps, token);
      return show(c, listPage(await viewGuestData(deps, access), token ?? ''));
    }),
  );

  routes.post(
    '/manage/comments',
    form,
    action(async (c, _f, access, token) =>
      show(c, listPage(await viewGuestData(deps, access), token)),
    ),
  );

  // Without `body`: the form. With it: the edit.
  routes.post(
    '/manage/edit',
    form,
    action(async (c, f, access, token) => {
      if (f.body === undefined) {
        return show(c, editPage(await viewGuestComment(deps, access, f.comment), token));
      }
      try {
        const input = { body: f.body };
        const result = await editGuestComment(deps, access, f.comment, input, callerOf(c, deps));
        const lines = [`Your comment on “${result.comment.threadTitle}” now says what you wrote.`];
        if (result.held) lines.push('It waits for a moderator before it shows again.');
        return show(
          c,
          donePage(result.held ? 'Saved, and held for review' : 'Saved', lines, { token }),
        );
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'validation_failed' || wantsJson(c)) {
          throw error;
        }
        const comment = await viewGuestComment(deps, access, f.comment);
        const message = error.options.errors?.[0]?.message ?? error.message;
        return show(c, editPage(comment, token, { body: f.body, error: message }), 422);
      }
    }),
  );

  // Without `confirm=yes`: the question. With it: the delete.
  routes.post(
    '/manage/delete',
    form,
    action(async (c, f, access, token) => {
      if (f.confirm !== 'yes') {
        return show(c, confirmDeletePage(await viewGuestComment(deps, access, f.comment), token));
      }
      const { placeholder } = await deleteGuestComment(deps, access, f.comment);
      const line = placeholder
        ? 'Others replied to it, so it stays in its place as “This comment was deleted”, with no name and no text.'
        : 'It is gone from the page.';
      return show(c, donePage('Deleted', [line], { token }));
    }),
  );

  routes.post(
    '/manage/export',
    form,
    action(async (c, _f, access) => {
      const data = await exportGuestData(deps, access);
      const day = data.exportedAt.slice(0, 10);
      c.header(
        'Content-Disposition',
        `attachment; filename="confab-${data.site}-comments-${day}.json"`,
      );
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; sandbox");
      return c.body(JSON.stringify(data, null, 2), 200, {
        'Content-Type': 'application/json; charset=utf-8',
      });
    }),
  );

  // Without `confirm=yes`: the question. With it: the erasure.
  routes.post(
    '/manage/erase',
    form,
    action(async (c, f, access, token) => {
      if (f.confirm !== 'yes') {
        return show(c, confirmErasePage(await viewGuestData(deps, access), token));
      }
      const summary = await eraseGuestData(deps, access);
      deps.logger.info(
        `guest erased on ${access.site.id}: ${String(summary.removed)} comments removed, ` +
          `${String(summary.placeholders)} left as placeholders, ` +
          `${String(summary.subscriptionsRemoved)} subscriptions removed`,
      );
      const count = (n: number, one: string, many: string) =>
        `${String(n)} ${n === 1 ? one : many}`;
      const lines = [
        `${count(summary.removed, 'comment', 'comments')} removed, ` +
          `${count(summary.placeholders, 'comment', 'comments')} left as “This comment was deleted” where others replied, ` +
          `${count(summary.subscriptionsRemoved, 'subscription', 'subscriptions')} removed.`,
        `Nothing written with ${access.email} is kept on ${access.site.name} any more; mail still waiting for that address was cancelled.`,
      ];
      const origin = access.site.origins[0];
      return show(
        c,
        donePage(
          'Erased',
          lines,
          origin === undefined
            ? { href: '', label: '' }
            : { href: origin, label: `Back to ${access.site.name}` },
        ),
      );
    }),
  );

  return routes;
}
