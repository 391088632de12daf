/**
 * `confab <args>` run in-process through `main()`, its output read back from buffers: the
 * same code as the command, without starting a Node process (and tsx) per command.
 */
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
