/**
 * @module bootstrap
 * Builds the real dependencies from a `Config`: the database (migrated), the secret,
 * the renderer and the built widget.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { loadAdmin } from './admin-asset.js';
import type { Config } from './config.js';
import type { AdminAsset, Deps, Logger, WidgetAsset } from './deps.js';
import { createProviderClients } from './services/sign-in/oauth.js';
import { createRenderPool, defaultRenderThreads } from './services/common/render-pool.js';
import { createEventHub } from './services/events/hub.js';
import { createLiveStreams } from './services/live/streams.js';
import { foldAccountNames } from './services/common/names.js';
import { createStorageHealth } from './services/common/storage.js';
import { createTextPrints } from './services/posting/text-prints.js';
import { createPageCache } from './services/reading/page-cache.js';
import { createMailer, type Mailer } from './services/notify/mailer.js';
import { createSiteCache } from './services/sites/cache.js';
import { createAkismet, createSpamService } from './services/posting/spam-check.js';
import { resolveSecret } from './services/common/secrets.js';
import { openDatabase, type OpenedDatabase } from './store/dialect.js';
import { migrateToLatest } from './store/migrate.js';

// Compiled: dist/server/bootstrap.js -> dist/widget. From source: server/ -> dist/widget.
const WIDGET_CANDIDATES = ['../widget/confab.js', '../dist/widget/confab.js'];

/**
 * The built widget with brotli and gzip variants, or undefined when it is not built: the
 * bundle, and the chunks it loads later (`confab-<name>-<hash>.js`, as rollup.config.js
 * names them) found next to it. Everything is read here, once: requests only ever pick
 * from what was loaded, by exact file name, and never name a path.
 */
export function loadWidget(path?: string): WidgetAsset | undefined {
  const file =
    path ??
    WIDGET_CANDIDATES.map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) =>
      existsSync(p),
    );
  if (file === undefined || !existsSync(file)) return undefined;
  const load = (jsFile: string): Omit<WidgetAsset, 'chunks'> => {
    const js = readFileSync(jsFile);
    const mapFile = `${jsFile}.map`;
    return {
      js,
      gzip: gzipSync(js, { level: 9 }),
      brotli: brotliCompressSync(js, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      etag: `"${createHash('sha256').update(js).digest('base64url').slice(0, 27)}"`,
      sourceMap: existsSync(mapFile) ? readFileSync(mapFile) : undefined,
    };
  };
  const dir = dirname(file);
  const chunks = readdirSync(dir)
    .filter((name) => /^confab-[a-z][a-z0-9-]*-[a-z0-9]{8,}\.js$/.test(name))
    .map((name) => [name, load(join(dir, name))] as const);
  return { ...load(file), chunks: new Map(chunks) };
}

export const consoleLogger: Logger = {
  info: (message) => {
    console.log(message);
  },
  error: (message, error) => {
    console.error(`[confab] ${message}`, error ?? '');
  },
};

export interface Runtime {
  deps: Deps;
  database: OpenedDatabase;
  /** Stops the render workers and closes the database. */
  close(): Promise<void>;
}

export async function buildRuntime(
  config: Config,
  options: {
    logger?: Logger;
    widget?: WidgetAsset | undefined;
    /** Loaded from dist/admin unless given, or unless `widget` is (tests, CLI commands). */
    admin?: AdminAsset | undefined;
    now?: () => Date;
    /** Instead of the one CONFAB_SMTP_URL names (tests). */
    mailer?: Mailer;
  } = {},
): Promise<Runtime> {
  const database = openDatabase(config.db);
  await migrateToLatest(database.db);
  await foldAccountNames(database.db);
  const logger = options.logger ?? consoleLogger;
  const now = options.now ?? (() => new Date());
  const events = createEventHub((error) => {
    logger.error('an events listener failed', error);
  });
  const deps: Deps = {
    config,
    db: database.db,
    renderer: createRenderPool({ threads: config.renderThreads ?? defaultRenderThreads() }),
    secret: await resolveSecret(database.db, config.secret),
    now,
    widget: 'widget' in options ? options.widget : loadWidget(),
    admin: 'admin' in options ? options.admin : 'widget' in options ? undefined : loadAdmin(),
    logger,
    providers: createProviderClients(config.providers, config.publicUrl),
    spam: createSpamService({
      db: database.db,
      checker:
        config.akismetKey === undefined
          ? undefined
          : createAkismet({ key: config.akismetKey, baseUrl: config.akismetUrl }),
      logger,
      now,
      events,
    }),
    events,
    live: createLiveStreams(config.live),
    storage: createStorageHealth(now),
    siteCache: createSiteCache(),
    textPrints: createTextPrints(),
    pages: createPageCache(),
    mailer: options.mailer ?? createMailer(config.smtpUrl, config.mailFrom),
  };
  return {
    deps,
    database,
    close: async () => {
      deps.live.close();
      await deps.renderer.close();
      deps.mailer?.close();
      await database.close();
    },
  };
}
