import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const root = join(__dirname, '..', '..');
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * The headless Chromium to render with: CHROMIUM_PATH or a system one; with `install`, through
 * infra/local/chromium.sh, which installs Debian's package when it can. Undefined: none found.
 */
export function findChromium({ install = false } = {}): string | undefined {
  if (install) {
    try {
      return execFileSync('bash', [join(root, 'infra/local/chromium.sh')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }).trim();
    } catch {
      return undefined;
    }
  }
  return [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p): p is string => !!p && existsSync(p));
}

/**
 * Headless Chromium as these machines need it: no sandbox as root, and none of the background
 * connections it makes at start (the network is closed, and they fail many at a time).
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
