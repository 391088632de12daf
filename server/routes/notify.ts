/**
 * @module routes/notify
 * The pages mail links open (`/notify/...`): confirm a subscription, unsubscribe (also
 * the RFC 8058 one-click POST a mail client sends), stop owner alerts, and an owner's
 * Approve / Spam / Delete. Each GET shows what would happen and a button; only the POST
 * to the same signed URL changes anything. Problems are pages too, with the problem's
 * status (or problem+json, for a client that accepts JSON and not HTML).
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { AppError } from '../errors.js';
import {
  applyModerationLink,
  turnAlertsOff,
  viewModerationLink,
  type ModerationLink,
} from '../services/notify/mail-links.js';
import {
  confirmSubscription,
  unsubscribe,
  viewSubscription,
  type SubscriptionView,
} from '../services/notify/subscriptions.js';
import { notifyPage, type PageContent } from './notify-pages.js';

function show(c: Context<AppEnv>, content: PageContent, status: ContentfulStatusCode = 200) {
  const page = notifyPage(content);
  for (const [name, value] of Object.entries(page.headers)) c.header(name, value);
  return c.html(page.html, status);
}

/** Runs `work`; an AppError becomes a page saying what went wrong. */
async function guarded(c: Context<AppEnv>, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // A script that asks for JSON (and not HTML) gets the problem as JSON.
    const accept = c.req.header('Accept') ?? '';
    if (/json/.test(accept) && !/text\/html/.test(accept)) throw error;
    const problem = error.toProblem();
    return show(
      c,
      { title: problem.title, lines: problem.detail === undefined ? [] : [problem.detail] },
      error.status as ContentfulStatusCode,
    );
  }
}

const what = (view: SubscriptionView): string =>
  view.scope === 'all'
    ? `new comments on “${view.threadTitle}”`
    : `replies to your comments on “${view.threadTitle}”`;

const BUTTONS = {
  approve: { label: 'Approve', done: 'Approved: the comment is published.' },
  spam: { label: 'Mark as spam', done: 'Marked as spam: the comment is hidden.' },
  delete: { label: 'Delete', done: 'Deleted.' },
} as const;

export function notifyRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/notify/confirm', (c) =>
    guarded(c, async () => {
      const view = await viewSubscription(deps, 'confirm', c.req.query('s'), c.req.query('t'));
      if (view.status === 'active') {
        return show(c, {
          title: 'Already confirmed',
          lines: [`${view.email} gets an email about ${what(view)}.`],
          link: { label: 'Back to the post', href: view.threadUrl },
        });
      }
      return show(c, {
        title: 'Confirm your email',
        lines: [`Send ${what(view)} on ${view.siteName} to ${view.email}?`],
        button: { label: 'Yes, email me' },
      });
    }),
  );

  routes.post('/notify/confirm', (c) =>
    guarded(c, async () => {
      const view = await confirmSubscription(deps, c.req.query('s'), c.req.query('t'));
      return show(c, {
        title: 'Confirmed',
        lines: [
          `${view.email} will get an email about ${what(view)}.`,
          'Every email has a link to stop them.',
        ],
        link: { label: 'Back to the post', href: view.threadUrl },
      });
    }),
  );

  routes.get('/notify/unsubscribe', (c) =>
    guarded(c, async () => {
      const view = await viewSubscription(deps, 'unsubscribe', c.req.query('s'), c.req.query('t'));
      if (view.status === 'unsubscribed') {
        return show(c, {
          title: 'Unsubscribed',
          lines: [`${view.email} gets no more emails about “${view.threadTitle}”.`],
        });
      }
      return show(c, {
        title: 'Stop these emails?',
        lines: [`${view.email} gets an email about ${what(view)}.`],
        button: { label: 'Unsubscribe' },
      });
    }),
  );

  // A mail client's one-click POST (RFC 8058) carries `List-Unsubscribe=One-Click`; the
  // page's button carries nothing. Both unsubscribe.
  routes.post('/notify/unsubscribe', (c) =>
    guarded(c, async () => {
      const view = await unsubscribe(deps, c.req.query('s'), c.req.query('t'));
      return show(c, {
        title: 'Unsubscribed',
        lines: [`${view.email} gets no more emails about “${view.threadTitle}”.`],
        link: { label: 'Back to the post', href: view.threadUrl },
      });
    }),
  );

  const alertsOff = (apply: boolean) => (c: Context<AppEnv>) =>
    guarded(c, async () => {
      const email = c.req.query('to');
      const site = await turnAlertsOff(deps, c.req.query('site'), email, c.req.query('t'), apply);
      const still = site.alertEmails.some((e) => e.toLowerCase() === email);
      if (!still) {
        return show(c, {
          title: 'Alerts stopped',
          lines: [`${email ?? ''} gets no more alerts from ${site.name}.`],
        });
      }
      return show(c, {
        title: 'Stop alerts?',
        lines: [`${email ?? ''} gets an alert for new comments on ${site.name}.`],
        button: { label: 'Stop alerts' },
      });
    });
  routes.get('/notify/alerts-off', alertsOff(false));
  routes.post('/notify/alerts-off', alertsOff(true));

  const linkOf = (c: Context<AppEnv>): ModerationLink => ({
    commentId: c.req.query('c'),
    action: c.req.query('a'),
    email: c.req.query('to'),
    expires: c.req.query('x'),
    signature: c.req.query('t'),
  });

  routes.get('/notify/moderate', (c) =>
    guarded(c, async () => {
      const view = await viewModerationLink(deps, linkOf(c));
      const button = BUTTONS[view.action];
      return show(c, {
        title: `${button.label}?`,
        lines: [
          `${view.comment.authorName} on “${view.threadTitle}” (${view.siteName}), now ${view.comment.status}:`,
        ],
        quote: view.comment.html,
        button: { label: button.label, destructive: view.action !== 'approve' },
      });
    }),
  );

  routes.post('/notify/moderate', (c) =>
    guarded(c, async () => {
      const link = linkOf(c);
      const comment = await applyModerationLink(deps, link);
      const action = (link.action ?? 'approve') as keyof typeof BUTTONS;
      return show(c, {
        title: BUTTONS[action].done,
        lines: [],
        ...(comment.thread.url === null
          ? {}
          : { link: { label: 'See the post', href: comment.thread.url } }),
      });
    }),
  );

  return routes;
}
