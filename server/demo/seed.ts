/**
 * @module demo/seed
 * The demo site and a small conversation on the sample post, so the demo is never empty.
 * Runs on every `serve --demo`; seeds only an empty thread.
 */
import type { Deps } from '../deps.js';
import { DEMO_SITE } from '../providers.js';
import { postComment } from '../services/posting/post.js';
import { readThread } from '../services/reading/threads.js';
import { addSite, findSite, updateSite } from '../services/sites/sites.js';

export { DEMO_SITE };
export const DEMO_THREAD = '/';
/** Sign in with the demo provider as "admin" to moderate the demo (at /admin or on the page). */
export const DEMO_OWNER = 'demo:admin';

/** The demo site answers the server's own origin, spelled with localhost or 127.0.0.1. */
function demoOrigins(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  const origins = new Set([url.origin]);
  for (const host of ['localhost', '127.0.0.1']) {
    if (url.hostname === 'localhost' || url.hostname === '127.0.0.1') {
      url.hostname = host;
      origins.add(url.origin);
    }
  }
  return [...origins];
}

const conversation: { name: string; url?: string; body: string; replyTo?: number }[] = [
  {
    name: 'Tomás',
    body: 'Four raised beds on gravel is *exactly* my situation. What did you fill them with the first year?',
  },
  {
    name: 'Ada',
    url: 'https://example.com',
    body: 'Mostly bagged compost, which was a mistake. The second year I mixed in leaf mould and topsoil from a friend’s allotment, and that made all the difference.',
    replyTo: 0,
  },
  {
    name: 'Tomás',
    body: 'Leaf mould it is. Thanks!',
    replyTo: 1,
  },
  {
    name: 'Priya',
    body: '> Nobody needs eleven courgette plants.\n\nI felt this. We ended up leaving them on neighbours’ doorsteps like a prank.',
  },
];

export async function seedDemo(deps: Deps): Promise<void> {
  const origins = demoOrigins(deps.config.publicUrl);
  if ((await findSite(deps, DEMO_SITE)) === undefined) {
    await addSite(deps, DEMO_SITE, {
      name: 'Confab demo',
      origins,
      moderation: 'none',
      rateLimit: 10,
      owners: [DEMO_OWNER],
    });
  } else {
    await updateSite(deps, DEMO_SITE, { origins, owners: [DEMO_OWNER] });
  }
  const existing = await readThread(deps, { site: DEMO_SITE, thread: DEMO_THREAD, limit: '1' });
  if (existing.comments.length > 0) return;
  const origin = origins[0];
  const ids: string[] = [];
  for (const entry of conversation) {
    const parentId = entry.replyTo === undefined ? null : ids[entry.replyTo];
    const { comment } = await postComment(
      deps,
      {
        site: DEMO_SITE,
        thread: DEMO_THREAD,
        parentId,
        body: entry.body,
        author: { name: entry.name, url: entry.url },
        threadTitle: 'Notes from a small garden',
      },
      { origin, clientHash: null, trusted: true },
    );
    ids.push(comment.id);
  }
}
