// Where Chromium lives on this machine: CHROME_PATH first, then the usual Debian and
// Ubuntu paths. Shared by the widget tests, the end-to-end tests and ensure-chromium.
import { existsSync } from 'node:fs';

const candidates = [
  process.env.CHROME_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The path of a Chromium or Chrome binary, or undefined. */
export function findChromium() {
  return candidates.find((path) => path !== undefined && path !== '' && existsSync(path));
}

/**
 * Flags for a headless Chromium in a sandboxless container with no outside network:
 * without the background-networking flags Chromium keeps dialling Google's hosts.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
