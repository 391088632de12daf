// Makes sure a Chromium is installed before the browser tests run, and xmllint (the Atom
// feed tests validate against RFC 4287's schema with it): installs Debian's packages when
// running as root, else stops with a one-line instruction.
import { spawnSync } from 'node:child_process';
import { findChromium } from './chromium.mjs';

if (findChromium() === undefined) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      'Chromium not found: run `sudo apt-get install -y chromium` or set CHROME_PATH to a Chrome binary.',
    );
    process.exit(1);
  }
  console.log('Chromium not found; installing Debian package "chromium" with apt-get ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed; install Chromium and set CHROME_PATH.`);
      process.exit(1);
    }
  }
  if (findChromium() === undefined) {
    console.error('Chromium still not found after apt-get; set CHROME_PATH to a Chrome binary.');
    process.exit(1);
  }
}

const hasXmllint = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasXmllint) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error('xmllint not found: run `sudo apt-get install -y libxml2-utils`.');
    process.exit(1);
  }
  console.log('xmllint not found; installing Debian package "libxml2-utils" with apt-get ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'libxml2-utils'],
  ]) {
    if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed; install libxml2-utils.`);
      process.exit(1);
    }
  }
}
