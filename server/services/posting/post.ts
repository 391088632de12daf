/**
 * @module services/posting/post
 * Posting a comment: the context built once (context.ts), the checks in order
 * (checks.ts), the body rendered off the event loop, then one transaction (write.ts).
 * A refused post leaves nothing behind but the guard it spent and the hit it counted.
 * After the commit, the spam checker (if any) gets the comment, in the background.
 */
import type { CreateCommentResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { Caller } from '../common/authorship.js';
import { postingChecks, requestChecks, runChecks } from './checks.js';
import { openRequest, preparePosting, type NewComment, type Posting } from './context.js';
import { recordRefusedAttempt, writeComment } from './write.js';

export type { NewComment } from './context.js';
export { MAX_DEPTH } from './context.js';

export async function postComment(
  deps: Deps,
  input: NewComment,
  caller: Caller,
): Promise<CreateCommentResponse> {
  const request = await openRequest(deps, input, caller);
  await runChecks(deps, request, requestChecks);
  const posting = await preparePosting(deps, request);
  const found = await runChecks(deps, posting, postingChecks);
  if ('replay' in found) return found.replay;
  let html: string;
  try {
    html = await deps.renderer.render(posting.fields.body);
  } catch (error) {
    if (error instanceof AppError && error.code === 'too_complex') {
      await recordRefusedAttempt(deps, posting, found);
    }
    throw error;
  }
  const { response, created } = await writeComment(deps, posting, html, found);
  if (created) queueSpamCheck(deps, posting, response);
  return response;
}

function queueSpamCheck(deps: Deps, posting: Posting, response: CreateCommentResponse): void {
  const { site, staff, fields, caller } = posting;
  if (!site.spamCheck || staff) return;
  deps.spam.enqueue({
    commentId: response.comment.id,
    siteId: site.id,
    status: response.comment.status,
    input: {
      blog: site.origins[0] ?? deps.config.publicUrl,
      permalink: fields.pageUrl?.href ?? null,
      address: caller.address,
      userAgent: caller.userAgent,
      referrer: caller.referrer,
      type: fields.parentId === null ? 'comment' : 'reply',
      authorName: fields.name,
      authorEmail: fields.email,
      authorUrl: fields.url,
      body: fields.body,
      createdAt: response.comment.createdAt,
    },
  });
}
