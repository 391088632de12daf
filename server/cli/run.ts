#!/usr/bin/env node
/**
 * @module cli/run
 * The `confab` command as a process: the only reader of `process.argv` and `process.env`.
 */
import { processIo } from './io.js';
import { main } from './main.js';

const code = await main(process.argv.slice(2), process.env, processIo());
if (code !== 0) process.exit(code);
