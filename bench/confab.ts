/**
 * The built `confab` command as processes of their own: the CLI for setup, and the server
 * under test (spawned as `node bin/confab.js`, so the child's pid is the server's and /proc
 * shows its memory and CPU, not the bench's).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The installed command's entry; it imports the compiled CLI from dist/. */
export const BIN = fileURLToPath(new URL('../bin/confab.js', import.meta.url));
/** The server's last lines of output, kept for the report when it fails. */
const LOG_LINES = 200;

/** A clean environment: the server's settings come from its flags only. */
function env(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '' };
}

export function assertBuilt(): void {
  if (!existsSync(BIN) || !existsSync(fileURLToPath(new URL('../dist/server', import.meta.url)))) {
    throw new Error('build the server first: npm run build:server');
  }
}

/** Runs a CLI command to completion; its stdout, or an error with its stderr. */
export function runConfab(args: string[]): string {
  assertBuilt();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: env(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `confab ${args.slice(0, 2).join(' ')} failed (${String(result.status)}): ${result.stderr}`,
    );
  }
  return result.stdout;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** Why the server is gone (`exit code 1`, `signal SIGSEGV`), or null while it runs. */
  exited(): string | null;
  /** Its output so far (the last lines). */
  log(): string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits for it to go. */
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts `confab serve` on a free loopback port and waits for `/healthz` to answer. Every
 * connection comes from this one address, so the cap on live streams per client is lifted.
 */
export async function startServer(db: string): Promise<ServerProcess> {
  assertBuilt();
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1'],
    {
      env: { ...env(), CONFAB_LIVE_PER_CLIENT: '100000', CONFAB_LIVE_MAX: '100000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    );
    lines.splice(0, Math.max(0, lines.length - LOG_LINES));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let gone: string | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      resolve();
    });
  });
  const url = `http://127.0.0.1:${String(port)}`;
  const server: ServerProcess = {
    url,
    pid: child.pid ?? 0,
    exited: () => gone,
    log: () => lines.join('\n'),
    async stop() {
      if (gone !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 20_000;
  while (!(await healthy(url))) {
    if (server.exited() !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error(
        `confab serve did not start (${server.exited() ?? 'no answer in 20 s'}):\n${server.log()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return server;
}
