/**
 * @module services/notify/runner
 * Runs the mail pipeline: the events consumer (notifier.ts), the owners' daily digests,
 * then the outbox sender (outbox.ts). `flushNotifications` does one full pass (tests and
 * the CLI call it); `startNotifications` runs passes in `serve`: a quarter second after a
 * commit that wrote events (one pass for a whole burst), when the next outbox row is due,
 * and at least once a minute. One pass at a time; a wake-up during a pass starts another.
 */
import type { Deps } from '../../deps.js';
import { findDigestClock, findNewCommentsOfSite, moveDigestClock } from '../../store/digests.js';
import { listSites } from '../sites/sites.js';
import { commentForMail, consumeEvents, threadForMail } from './notifier.js';
import { digestMail } from './compose.js';
import { alertsOffLink } from './links.js';
import { deliverDue, enqueue, messageIdFor, nextDue, type DeliveryResult } from './outbox.js';

export const DIGEST_EVERY_MS = 86_400_000;
const POLL_MS = 60_000;
/** How long after a commit the pass runs, so a burst of commits shares one. */
const COALESCE_MS = 250;

/** Makes the day's digest for each site that asked for one and is due. */
export async function makeDigests(deps: Deps): Promise<number> {
  let made = 0;
  const now = deps.now();
  const to = now.toISOString();
  for (const site of await listSites(deps)) {
    if (site.alertMode !== 'digest' || site.alertEmails.length === 0) continue;
    made += await deps.db.transaction().execute(async (trx) => {
      const from = await findDigestClock(trx, site.id);
      if (from === null) {
        // The first day starts now.
        await moveDigestClock(trx, site.id, null, to);
        return 0;
      }
      if (now.getTime() - Date.parse(from) < DIGEST_EVERY_MS) return 0;
      if (!(await moveDigestClock(trx, site.id, from, to))) return 0;
      const found = await findNewCommentsOfSite(trx, site.id, from, to, 200);
      if (found.length === 0) return 0;
      const items = await Promise.all(
        found.map(async ({ comment, thread }) => ({
          comment: { ...(await commentForMail(trx, comment)), status: comment.status },
          thread: threadForMail(site, thread),
        })),
      );
      let count = 0;
      for (const email of site.alertEmails.map((e) => e.toLowerCase())) {
        const key = `digest:${site.id}:${from}:${email}`;
        const added = await enqueue(trx, now, {
          key,
          channel: 'email',
          kind: 'digest',
          siteId: site.id,
          commentId: null,
          recipient: email,
          payload: digestMail({
            to: email,
            messageId: messageIdFor(key, deps.config.publicUrl),
            siteName: site.name,
            items,
            adminUrl: `${deps.config.publicUrl}/admin`,
            alertsOffUrl: alertsOffLink(deps.config.publicUrl, deps.secret, site.id, email),
          }),
        });
        if (added) count += 1;
      }
      return count;
    });
  }
  return made;
}

/** One pass: events into the outbox, digests, then everything due now sent. */
export async function flushNotifications(deps: Deps): Promise<DeliveryResult> {
  // One stage failing (a bad event, a digest) must not stop the others: mail already in
  // the outbox still goes out.
  for (const [stage, run] of [
    ['reading the events log', () => consumeEvents(deps)],
    ['making digests', () => makeDigests(deps)],
  ] as const) {
    try {
      await run();
    } catch (error) {
      deps.logger.error(`notifications: ${stage} failed`, error);
    }
  }
  return deliverDue(deps);
}

export interface NotificationsRunner {
  /** Asks for a pass soon (after the one running, if any). */
  wake(): void;
  /** Stops the timers and waits for the pass running, if any. */
  stop(): Promise<void>;
}

/** Runs passes in the background for `serve`. */
export function startNotifications(deps: Deps): NotificationsRunner {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = async (): Promise<void> => {
    clearTimeout(timer);
    if (stopped) return;
    const due = await nextDue(deps);
    const wait =
      due === undefined
        ? POLL_MS
        : Math.max(0, Math.min(POLL_MS, due.getTime() - deps.now().getTime()));
    timer = setTimeout(wake, wait + 50);
    timer.unref();
  };

  const takeAgain = (): boolean => {
    const asked = again;
    again = false;
    return asked;
  };

  const pass = async (): Promise<void> => {
    do {
      try {
        await flushNotifications(deps);
      } catch (error) {
        deps.logger.error('notifications failed', error);
      }
    } while (takeAgain() && !stopped);
    await schedule().catch((error: unknown) => {
      deps.logger.error('notifications could not be scheduled', error);
    });
  };

  function wake(): void {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = pass().finally(() => {
      running = null;
    });
  }

  // Commits come in bursts: one pass a quarter second after the first of them serves the
  // whole burst, instead of a transaction of its own after every post.
  let soon: NodeJS.Timeout | undefined;
  const wakeSoon = (): void => {
    if (soon !== undefined || stopped) return;
    soon = setTimeout(() => {
      soon = undefined;
      wake();
    }, COALESCE_MS);
    soon.unref();
  };
  const unsubscribe = deps.events.subscribe(wakeSoon);
  wake();
  return {
    wake,
    async stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      clearTimeout(soon);
      await running;
    },
  };
}
