/**
 * @module services/notify/admin-webhooks
 * A site's webhooks as its owners manage them in `/admin`: list, add (the signing secret in
 * the answer, this once, as `confab webhook add` prints it), remove. Each change is in the
 * audit log, by the webhook's id, format and host, never its URL (Slack's and Telegram's
 * URLs are secrets). A webhook added from `/admin` may not point at this machine or a
 * private network: the receiver's answer is shown in the outbox, so such a URL would let a
 * site owner read the server's internal services. The operator can still add one with the
 * CLI.
 */
import { BlockList, isIP } from 'node:net';
import type { WebhookCreatedResponse, WebhookItem, WebhooksResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import { deleteWebhookOfSite, findWebhookById } from '../../store/webhooks.js';
import { recordAudit } from '../moderation/audit.js';
import type { Actor } from '../moderation/staff.js';
import type { Site } from '../sites/sites.js';
import { addWebhook, listWebhooks, type Webhook } from './webhooks.js';

const URL_MAX = 2000;

/** Loopback, private, link-local, shared and unspecified ranges (RFC 6890's special ones). */
function privateRanges(): BlockList {
  const list = new BlockList();
  for (const [net, bits] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
  ] as const) {
    list.addSubnet(net, bits, 'ipv4');
  }
  for (const [net, bits] of [
    ['::', 128],
    ['::1', 128],
    // IPv4-mapped and -translated addresses: the IPv4 address inside decides, so all go.
    ['::ffff:0:0', 96],
    ['64:ff9b::', 96],
    ['fc00::', 7],
    ['fe80::', 10],
  ] as const) {
    list.addSubnet(net, bits, 'ipv6');
  }
  return list;
}

/** A host that names this machine or a private network by itself (not through DNS). */
function isPrivateHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  if (family !== 0) return privateRanges().check(host, family === 4 ? 'ipv4' : 'ipv6');
  // A bare name (`intranet`, `db`) is a machine on the local network.
  return !host.includes('.');
}

const itemOf = (hook: Webhook): WebhookItem => ({
  id: hook.id,
  url: hook.url,
  format: hook.format,
  createdAt: hook.createdAt,
});

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
};

export async function listSiteWebhooks(deps: Deps, site: Site): Promise<WebhooksResponse> {
  return { webhooks: (await listWebhooks(deps, site.id)).map(itemOf) };
}

export async function addSiteWebhook(
  deps: Deps,
  who: Actor,
  input: { url: string; format?: string | undefined },
): Promise<WebhookCreatedResponse> {
  if (input.url.length > URL_MAX) {
    throw invalid([
      {
        field: 'url',
        code: 'too_long',
        message: `A webhook URL is at most ${URL_MAX} characters.`,
      },
    ]);
  }
  let host: string | undefined;
  try {
    host = new URL(input.url).hostname;
  } catch {
    // addWebhook says what is wrong with it.
  }
  if (host !== undefined && isPrivateHost(host)) {
    throw invalid([
      {
        field: 'url',
        code: 'invalid',
        message:
          'A webhook added in /admin cannot point at this server or a private network; the server’s operator can add one with confab webhook add.',
      },
    ]);
  }
  const hook = await addWebhook(deps, {
    site: who.site.id,
    url: input.url,
    ...(input.format === undefined ? {} : { format: input.format }),
  });
  await recordAudit(deps.db, deps.now(), {
    siteId: who.site.id,
    actor: who.actor,
    action: 'webhook_add',
    targetType: 'site',
    targetId: who.site.id,
    detail: { webhook: hook.id, format: hook.format, host: hostOf(hook.url) },
  });
  return { webhook: itemOf(hook), secret: hook.secret };
}

/** Removes one of the site's webhooks; 404 for another site's or an unknown one. */
export async function removeSiteWebhook(deps: Deps, who: Actor, id: string): Promise<void> {
  const hook = await findWebhookById(deps.db, id);
  if (hook?.site_id !== who.site.id || !(await deleteWebhookOfSite(deps.db, who.site.id, id))) {
    throw new AppError(404, 'not_found', { detail: 'No such webhook on this site.' });
  }
  await recordAudit(deps.db, deps.now(), {
    siteId: who.site.id,
    actor: who.actor,
    action: 'webhook_remove',
    targetType: 'site',
    targetId: who.site.id,
    detail: { webhook: id, format: hook.format, host: hostOf(hook.url) },
  });
}
