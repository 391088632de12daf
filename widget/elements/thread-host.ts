/**
 * @module elements/thread-host
 * What `<confab-thread>` offers the code it loads later, in chunks of their own: editing
 * and deleting one's own comment (`state/own.ts`) and the moderator tools
 * (`<confab-mod-tools>`). They send their requests through it, so that only the thread
 * talks to the network, with the reader's session, and every failure reaches the page as
 * `confab-error`. They change nothing in the thread: `state/own.ts` returns what the
 * server answered, and `<confab-mod-tools>` reports with an event
 * (`confab-comment-moderated`); the thread updates itself.
 *
 * (The sign-in box and the guest spam guard need no more than the thread's
 * {@link ApiClient} and the site: the thread hands them those.)
 */
import type { ApiClient } from '../api/client.js';

export interface ThreadHost {
  /** The site id the thread belongs to. */
  readonly site: string;
  /**
   * Sends a request through the thread's client (so with the reader's session, if any).
   * A failure is dispatched as `confab-error` and rethrown, for the caller to show.
   */
  request<T>(send: (api: ApiClient) => Promise<T>): Promise<T>;
}
