/**
 * @module cli/data
 * `confab import` and `confab export`: the command-line side (flags, progress bar,
 * summary, stdout). The work is in `import/` and `services/export.ts`.
 */
import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';
import cliProgress from 'cli-progress';
import { buildRuntime } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import {
  IMPORT_FORMATS,
  ImportFormatError,
  importFile,
  isImportFormat,
  type ImportSummary,
} from '../import/index.js';
import { parseUrlRule } from '../import/thread-key.js';
import { ImportSiteError } from '../import/writer.js';
import { exportConfab, exportWxr, type Sink } from '../services/data/export.js';

export const IMPORT_USAGE = `  import wordpress|disqus|isso|commento|remark42|confab <file> --site <id>
          [--map-url 'OLD NEW' ...] [--dry-run] [--skip-pingbacks] [--json] [--db ...]
  export --site <id> [--format confab|wxr] [--db ...]     (to stdout)`;

/** A mistake in how the command was called: exit code 2, with the usage. */
export class DataUsageError extends Error {}

function describe(summary: ImportSummary, file: string): string {
  const total = (counts: Record<string, number>): number =>
    Object.values(counts).reduce((a, b) => a + b, 0);
  const list = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .sort(([, a], [, b]) => b - a)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ');
  const lines = [
    summary.dryRun
      ? `Dry run of ${summary.format} file ${file} for site ${summary.site}: nothing was written.`
      : `Imported ${summary.format} file ${file} into site ${summary.site}.`,
  ];
  if (summary.siteCreated) lines.push('  site: created from the export');
  lines.push(
    `  threads: ${summary.threads.created} new, ${summary.threads.existing} existing`,
    `  comments: ${total(summary.comments)}${total(summary.comments) > 0 ? ` (${list(summary.comments)})` : ''}`,
  );
  if (summary.pingbacks > 0) lines.push(`  pingbacks and trackbacks kept: ${summary.pingbacks}`);
  lines.push(
    `  skipped: ${total(summary.skipped)}${total(summary.skipped) > 0 ? ` (${list(summary.skipped)})` : ''}`,
    `  orphans (parent missing, now top level): ${summary.orphans}`,
  );
  if (summary.depthCapped > 0)
    lines.push(`  replies past depth 32 (now siblings of their parent): ${summary.depthCapped}`);
  return lines.join('\n');
}

/** `confab import <format> <file> --site <id>`; returns the exit code. */
export async function runImport(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      site: { type: 'string' },
      'map-url': { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      'skip-pingbacks': { type: 'boolean' },
      json: { type: 'boolean' },
      db: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [format, file] = positionals;
  if (format === undefined || !isImportFormat(format)) {
    throw new DataUsageError(
      `${format === undefined ? 'no format' : `unknown format "${format}"`}: import takes one of ${IMPORT_FORMATS.join(', ')}`,
    );
  }
  if (file === undefined || positionals.length > 2) {
    throw new DataUsageError('import takes one file: confab import <format> <file> --site <id>');
  }
  const site = values.site ?? env.CONFAB_SITE;
  if (site === undefined || site === '') throw new DataUsageError('import needs --site <id>');
  let urlRules;
  try {
    urlRules = (values['map-url'] ?? []).map(parseUrlRule);
  } catch (error) {
    throw new DataUsageError(error instanceof Error ? error.message : String(error));
  }
  const { deps, database } = await buildRuntime(loadConfig(env, { db: values.db }), {
    widget: undefined,
  });
  const bar =
    io.progress !== undefined && values.json !== true
      ? new cliProgress.SingleBar(
          { stream: io.progress, format: ' {bar} {percentage}% | {value}/{total} KB' },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  try {
    bar?.start(1, 0);
    const summary = await importFile(deps, file, {
      site,
      format,
      urlRules,
      dryRun: values['dry-run'] === true,
      skipPingbacks: values['skip-pingbacks'] === true,
      onBytes: (read, total) => {
        bar?.setTotal(Math.ceil(total / 1024));
        bar?.update(Math.ceil(read / 1024));
      },
    });
    bar?.stop();
    io.out(values.json === true ? JSON.stringify(summary, null, 2) : describe(summary, file));
    return 0;
  } catch (error) {
    bar?.stop();
    if (error instanceof ImportFormatError) {
      io.err(`confab: ${file}: ${error.message}\nNothing was imported.`);
      return 1;
    }
    if (error instanceof ImportSiteError) {
      io.err(`confab: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

/** Writes to stdout, waiting for it to drain (a pipe to gzip, a slow disk). */
const sinkOf =
  (stdout: CliIo['stdout']): Sink =>
  (chunk) =>
    new Promise((resolve, reject) => {
      stdout.write(chunk, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });

/** `confab export --site <id> [--format confab|wxr]`; returns the exit code. */
export async function runExport(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      site: { type: 'string' },
      format: { type: 'string' },
      db: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0)
    throw new DataUsageError('export writes to stdout: confab export --site <id> > file');
  const site = values.site ?? env.CONFAB_SITE;
  if (site === undefined || site === '') throw new DataUsageError('export needs --site <id>');
  const format = values.format ?? 'confab';
  if (format !== 'confab' && format !== 'wxr') {
    throw new DataUsageError(`--format is confab or wxr, not "${format}"`);
  }
  const { deps, database } = await buildRuntime(loadConfig(env, { db: values.db }), {
    widget: undefined,
  });
  // A reader that stops early (`| head`) closes the pipe: that ends the export, quietly.
  const ignore = (): void => undefined;
  io.stdout.on('error', ignore);
  try {
    await (format === 'wxr' ? exportWxr : exportConfab)(deps, site, sinkOf(io.stdout));
    return 0;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'EPIPE') return 0;
    if (error instanceof AppError && error.code === 'site_not_found') {
      io.err(`confab: no site "${site}"`);
      return 1;
    }
    throw error;
  } finally {
    io.stdout.off('error', ignore);
    await database.close();
  }
}
