/**
 * @module services/live/open
 * Opening a live stream (`GET /api/v1/stream`): the site and thread asked for, the id to
 * resume after, a place under the caps, and who reads. Held comments reach only readers
 * who may see them in the thread: the site's staff, and the signed-in author of their own.
 * The session comes as a bearer token in a header, never in the URL (the widget reads the
 * stream with `fetch`, see docs/decisions/0008-live-streams.md); a token that does not
 * work reads as a guest, as `GET /api/v1/threads` does.
 */
import type { Deps } from '../../deps.js';
import { invalid } from '../../errors.js';
import type { PendingView } from '../../store/comments.js';
import { findThreadByKey } from '../../store/threads.js';
import { checkThreadKey, collect } from '../common/input-rules.js';
import { authenticate } from '../sign-in/sessions.js';
import { getSite } from '../sites/sites.js';

export interface StreamQuery {
  site: string;
  thread: string;
  /** `Last-Event-ID` (or the `lastEventId` parameter): resume after this event. */
  lastEventId?: string | undefined;
}

export interface StreamViewer {
  sessionToken: string | undefined;
  origin: string | undefined;
  /** The keyed hash of the client's address (the per-client cap counts by it). */
  client: string | null;
}

async function pendingViewOf(
  deps: Deps,
  siteId: string,
  viewer: StreamViewer,
): Promise<PendingView> {
  const session = await authenticate(deps, viewer.sessionToken, viewer.origin, siteId);
  if (session === null) return null;
  return session.user.role !== null ? { all: true } : { userId: session.user.id };
}

/** The stream's bytes, or a problem: 404 site, 422 fields, 429 no room. */
export async function openLiveStream(
  deps: Deps,
  query: StreamQuery,
  viewer: StreamViewer,
): Promise<ReadableStream<Uint8Array>> {
  const site = await getSite(deps, query.site);
  const key = checkThreadKey(query.thread);
  const errors = collect(key);
  const last = query.lastEventId === '' ? undefined : query.lastEventId;
  if (last !== undefined && !/^\d{1,15}$/.test(last)) {
    errors.push({
      field: 'lastEventId',
      code: 'invalid',
      message: 'lastEventId is the id of the last event a stream sent',
    });
  }
  if (errors.length > 0 || !key.ok) throw invalid(errors);
  const slot = deps.live.reserve(viewer.client ?? 'unknown');
  try {
    const thread = await findThreadByKey(deps.db, site.id, key.value);
    const signedIn = viewer.sessionToken !== undefined;
    return await deps.live.open(deps, slot, {
      siteId: site.id,
      threadKey: key.value,
      threadId: thread?.id,
      pending: signedIn ? await pendingViewOf(deps, site.id, viewer) : null,
      lastId: last === undefined ? undefined : Number(last),
      recheck: signedIn ? () => pendingViewOf(deps, site.id, viewer) : undefined,
    });
  } catch (error) {
    slot.release();
    throw error;
  }
}
