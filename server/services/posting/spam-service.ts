/**
 * @module services/posting/spam-service
 * What the spam checker takes and what the rest of the server sees of it (`deps.spam`).
 * Types only, so `Deps` can name them without importing the checker's implementation.
 */

export interface SpamCheckInput {
  /** The blog's front page (the site's first origin). */
  blog: string;
  permalink: string | null;
  address: string | undefined;
  userAgent: string | undefined;
  referrer: string | undefined;
  type: 'comment' | 'reply';
  authorName: string;
  authorEmail: string | null;
  authorUrl: string | null;
  body: string;
  createdAt: string;
}

export interface SpamChecker {
  readonly name: string;
  check(input: SpamCheckInput): Promise<'spam' | 'ham'>;
}

export interface SpamJob {
  commentId: string;
  siteId: string;
  /** The comment's status when saved: a verdict never overrides a moderator's decision since. */
  status: string;
  input: SpamCheckInput;
}

export interface SpamService {
  /** Is a checker configured on this server? */
  readonly available: boolean;
  /** Queues a check; never throws, never waits. */
  enqueue(job: SpamJob): void;
  /** Resolves when every queued check is done (tests, shutdown). */
  idle(): Promise<void>;
}
