/**
 * @module admin/main
 * The `/admin` bundle's entry (rollup.config.js): registers the moderation app's elements.
 * Safe to run twice. Blog pages never load this; only the server's `/admin` page does.
 */
import { ConfabAdminAudit } from './elements/confab-admin-audit.js';
import { ConfabAdminBanDialog } from './elements/confab-admin-ban-dialog.js';
import { ConfabAdminBans } from './elements/confab-admin-bans.js';
import { ConfabAdminComment } from './elements/confab-admin-comment.js';
import { ConfabAdminEdit } from './elements/confab-admin-edit.js';
import { ConfabAdminOutbox } from './elements/confab-admin-outbox.js';
import { ConfabAdminQueue } from './elements/confab-admin-queue.js';
import { ConfabAdminSettings } from './elements/confab-admin-settings.js';
import { ConfabAdminSignIn } from './elements/confab-admin-sign-in.js';
import { ConfabAdminWebhooks } from './elements/confab-admin-webhooks.js';
import { ConfabAdmin } from './elements/confab-admin.js';

const elements: [string, CustomElementConstructor][] = [
  ['confab-admin-audit', ConfabAdminAudit],
  ['confab-admin-ban-dialog', ConfabAdminBanDialog],
  ['confab-admin-bans', ConfabAdminBans],
  ['confab-admin-comment', ConfabAdminComment],
  ['confab-admin-edit', ConfabAdminEdit],
  ['confab-admin-outbox', ConfabAdminOutbox],
  ['confab-admin-queue', ConfabAdminQueue],
  ['confab-admin-settings', ConfabAdminSettings],
  ['confab-admin-sign-in', ConfabAdminSignIn],
  ['confab-admin-webhooks', ConfabAdminWebhooks],
  ['confab-admin', ConfabAdmin],
];

for (const [tag, element] of elements) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
