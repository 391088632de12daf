/**
 * @module deps
 * What the app and its services are built from. Tests build their own; `bootstrap.ts` builds
 * the real ones. Nothing here is global: every request gets these through `createApp`.
 */
import type { Config } from './config.js';
import type { ProviderClient } from './services/sign-in/provider-client.js';
import type { Renderer } from './services/common/render-pool.js';
import type { StorageHealth } from './services/common/storage.js';
import type { SiteCache } from './services/sites/cache.js';
import type { TextPrints } from './services/posting/text-prints.js';
import type { PageCache } from './services/reading/page-cache.js';
import type { EventHub } from './services/events/hub.js';
import type { LiveStreams } from './services/live/streams.js';
import type { SpamService } from './services/posting/spam-service.js';
import type { Db } from './store/dialect.js';
import type { Mailer } from './services/notify/mailer.js';

/**
 * The built widget bundle (`confab.js`) with its precompressed variants, and the same for
 * each of its lazily loaded chunks, by file name (`confab-sign-in-<hash>.js`).
 */
export interface WidgetAsset {
  readonly js: Buffer;
  readonly gzip: Buffer;
  readonly brotli: Buffer;
  readonly etag: string;
  readonly sourceMap: Buffer | undefined;
  readonly chunks: ReadonlyMap<string, Omit<WidgetAsset, 'chunks'>>;
}

/** The built `/admin` moderation app (`admin.js`): one file, no chunks. */
export type AdminAsset = Omit<WidgetAsset, 'chunks'>;

export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface Deps {
  readonly config: Config;
  readonly db: Db;
  readonly renderer: Renderer;
  /** The server secret (configured, or generated once and stored in the database). */
  readonly secret: string;
  readonly now: () => Date;
  readonly widget: WidgetAsset | undefined;
  /** The `/admin` app's bundle; absent when it is not built (or a test does not need it). */
  readonly admin?: AdminAsset | undefined;
  readonly logger: Logger;
  /** Sign-in provider clients by provider id. */
  readonly providers: ReadonlyMap<string, ProviderClient>;
  /** The spam checker's queue (a no-op when no checker is configured). */
  readonly spam: SpamService;
  /** The sites table, read at most every two seconds (services/sites/cache.ts). */
  readonly siteCache: SiteCache;
  /** Prints of recent comment texts for the duplicate rule (services/posting/text-prints.ts). */
  readonly textPrints: TextPrints;
  /** Thread pages as anonymous readers get them, per thread version (services/reading/page-cache.ts). */
  readonly pages: PageCache;
  /** Whether the database can be written (see services/common/storage.ts). */
  readonly storage: StorageHealth;
  /** Wakes this process's consumers of the events log after each commit that wrote events. */
  readonly events: EventHub;
  /** This process's live streams, fed from the events log (services/live/streams.ts). */
  readonly live: LiveStreams;
  /** Sends mail over SMTP; undefined when none is configured (mail stays in the outbox). */
  readonly mailer: Mailer | undefined;
}
