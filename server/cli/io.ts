/**
 * @module cli/io
 * Where the `confab` command writes: the process's own streams when run as a command, or
 * buffers when a test calls `main()` in-process. No command touches `process.stdout`
 * directly, so every command's output can be read back.
 */
import { Writable } from 'node:stream';

export interface CliIo {
  /** A line (or lines) of normal output. */
  out(text: string): void;
  /** A line (or lines) of errors and warnings. */
  err(text: string): void;
  /** Where `export` streams its document (it waits for it to drain). */
  readonly stdout: Writable;
  /** A terminal for progress bars, when stderr is one. */
  readonly progress: NodeJS.WriteStream | undefined;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    out: (text) => {
      process.stdout.write(`${text}\n`);
    },
    err: (text) => {
      process.stderr.write(`${text}\n`);
    },
    stdout: process.stdout,
    progress: process.stderr.isTTY ? process.stderr : undefined,
  };
}

/** Output kept in memory: what a test reads after `main()` returns. */
export interface BufferedIo extends CliIo {
  readonly output: { stdout: string; stderr: string };
}

export function bufferedIo(): BufferedIo {
  const output = { stdout: '', stderr: '' };
  return {
    output,
    out: (text) => {
      output.stdout += `${text}\n`;
    },
    err: (text) => {
      output.stderr += `${text}\n`;
    },
    stdout: new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        output.stdout += chunk.toString();
        done();
      },
    }),
    progress: undefined,
  };
}
