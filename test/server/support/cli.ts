/**
 * `confab <args>` run in-process through `main()`, its output read back from buffers: the
 * same code as the command, without starting a Node process (and tsx) per command.
 */
import { spawn } from 'node:child_process';
import { bufferedIo } from '../../../server/cli/io.js';
import { main } from '../../../server/cli/main.js';

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const io = bufferedIo();
  const status = await main(args, env, io);
  return { status, ...io.output };
}

/**
 * `confab <args>` as a process of its own (`node --import tsx server/cli/run.ts`), for what
 * must run beside this process: a backup on its own connection while this one writes.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/run.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ status: code ?? 1, stdout, stderr });
    });
  });
}
