/**
 * @module services/posting/spam-check
 * The pluggable spam checker, run after a comment is saved so posting stays fast. The
 * reader's address and user agent travel to the checker in memory only; they are never
 * stored. A comment the checker calls spam moves to `spam` (kept for the owner, never
 * public), with an audit entry by `system:<checker>` and its `comment.spam` event.
 */
import type { Db } from '../../store/dialect.js';
import { findCommentById, updateCommentRow } from '../../store/comments.js';
import type { Logger } from '../../deps.js';
import type { EventHub } from '../events/hub.js';
import { withEvents } from '../events/log.js';
import { recordAudit } from '../moderation/audit.js';
import type { SpamChecker, SpamJob, SpamService } from './spam-service.js';

/** Beyond this many waiting checks, new comments are marked `error` (not checked). */
const MAX_WAITING = 1000;

export function createSpamService(options: {
  db: Db;
  checker: SpamChecker | undefined;
  logger: Logger;
  now: () => Date;
  events: EventHub;
}): SpamService {
  const { db, checker, logger, now } = options;
  const write = { db, now, events: options.events };
  const running = new Set<Promise<void>>();
  let chain: Promise<void> = Promise.resolve();

  const run = async (job: SpamJob, checker: SpamChecker): Promise<void> => {
    let verdict: 'spam' | 'ham' | 'error';
    try {
      verdict = await checker.check(job.input);
    } catch (error) {
      logger.error(`spam check of ${job.commentId} failed`, error);
      verdict = 'error';
    }
    await withEvents(write, async (trx, events) => {
      const row = await findCommentById(trx, job.commentId);
      if (row === undefined || row.status === 'deleted') return;
      const toSpam = verdict === 'spam' && row.status === job.status;
      await updateCommentRow(trx, row.id, {
        spam_check: verdict,
        ...(toSpam ? { status: 'spam', pinned: 0 } : {}),
      });
      if (toSpam) {
        await events.append({
          siteId: job.siteId,
          threadId: row.thread_id,
          kind: 'comment.spam',
          commentId: row.id,
          detail: { from: row.status, to: 'spam' },
        });
        await recordAudit(trx, now(), {
          siteId: job.siteId,
          actor: `system:${checker.name}`,
          action: 'spam',
          targetType: 'comment',
          targetId: row.id,
          detail: { from: row.status, author: row.author_name },
        });
      }
    });
  };

  const holdUnchecked = (job: SpamJob): Promise<void> =>
    withEvents(write, async (trx, events) => {
      const row = await findCommentById(trx, job.commentId);
      if (row === undefined) return;
      const hold = row.status === 'published' && job.status === 'published';
      await updateCommentRow(trx, row.id, {
        spam_check: 'error',
        ...(hold ? { status: 'pending', held_reason: 'unchecked' } : {}),
      });
      if (hold) {
        await events.append({
          siteId: job.siteId,
          threadId: row.thread_id,
          kind: 'comment.held',
          commentId: row.id,
          detail: { from: 'published', to: 'pending' },
        });
      }
    });

  return {
    available: checker !== undefined,
    enqueue(job) {
      if (checker === undefined) return;
      const mark = (verdict: string): Promise<void> =>
        updateCommentRow(db, job.commentId, { spam_check: verdict });
      if (running.size >= MAX_WAITING) {
        // A flood the checker cannot keep up with waits for a person instead.
        void holdUnchecked(job).catch((e: unknown) => {
          logger.error('spam queue full', e);
        });
        return;
      }
      // One check at a time, in order: a burst of comments does not become a burst of
      // requests to the checker.
      const task = chain
        .then(() => mark('queued'))
        .then(() => run(job, checker))
        .catch((error: unknown) => {
          logger.error(`spam check of ${job.commentId} failed`, error);
        })
        .finally(() => running.delete(task));
      chain = task;
      running.add(task);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

/**
 * Akismet's comment-check (https://akismet.com/developers/comment-check/). `baseUrl` is
 * `https://rest.akismet.com` unless a test points it at a stand-in.
 */
export function createAkismet(options: {
  key: string;
  baseUrl: string;
  fetch?: typeof fetch;
}): SpamChecker {
  const send = options.fetch ?? fetch;
  return {
    name: 'akismet',
    async check(input) {
      const form = new URLSearchParams({
        api_key: options.key,
        blog: input.blog,
        user_ip: input.address ?? '',
        user_agent: input.userAgent ?? '',
        referrer: input.referrer ?? '',
        comment_type: input.type,
        comment_author: input.authorName,
        comment_content: input.body,
        comment_date_gmt: input.createdAt,
        blog_charset: 'UTF-8',
      });
      if (input.permalink !== null) form.set('permalink', input.permalink);
      if (input.authorEmail !== null) form.set('comment_author_email', input.authorEmail);
      if (input.authorUrl !== null) form.set('comment_author_url', input.authorUrl);
      const response = await send(`${options.baseUrl}/1.1/comment-check`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'User-Agent': 'Confab/0.1 | Akismet/1.1',
        },
        body: form,
        signal: AbortSignal.timeout(10_000),
      });
      const text = (await response.text()).trim();
      if (!response.ok || (text !== 'true' && text !== 'false')) {
        const help = response.headers.get('X-akismet-debug-help') ?? text.slice(0, 200);
        throw new Error(`Akismet answered ${response.status}: ${help}`);
      }
      return text === 'true' ? 'spam' : 'ham';
    },
  };
}
