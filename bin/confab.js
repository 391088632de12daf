#!/usr/bin/env node
// The installed `confab` command: the compiled CLI (npm run build makes dist/).
import '../dist/server/cli/run.js';
