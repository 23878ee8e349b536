import { accessSync, constants } from 'node:fs';

/** The one command that makes the browser tests run (PLATFORM.md). */
export const CHROMIUM_INSTALL = 'apt-get install -y chromium';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when Debian's Chromium is there. */
export function chromiumMissing(): string | undefined {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return undefined;
  } catch {
    return `Chromium is not installed at ${CHROMIUM_PATH}: install it with \`${CHROMIUM_INSTALL}\``;
  }
}

/** Launch flags for a closed network (PLATFORM.md): no background traffic, no sandbox as root. Playwright never downloads a browser. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];
