import { accessSync, constants } from 'node:fs';

/** The browser the Playwright suites drive (e2e/playwright.config.ts): Debian's, unless the environment says. */
export function chromiumPath(env: NodeJS.ProcessEnv): string {
  return env.PLAYWRIGHT_CHROMIUM_PATH || '/usr/bin/chromium';
}

/**
 * What is wrong with the browser `npm test` needs, in words that say how to get it, or null when it is there.
 * `canRun` is injectable for tests.
 */
export function chromiumProblem(
  env: NodeJS.ProcessEnv,
  canRun: (path: string) => boolean = executable,
): string | null {
  const path = chromiumPath(env);
  if (canRun(path)) return null;
  if (env.PLAYWRIGHT_CHROMIUM_PATH)
    return `PLAYWRIGHT_CHROMIUM_PATH (${path}) is not an executable browser: point it at one, or unset it to use Debian's Chromium.`;
  return [
    `The end-to-end tests need Chromium at ${path}, and it is not installed. On Debian or Ubuntu:`,
    '    sudo apt-get update && sudo apt-get install -y chromium',
    'or point PLAYWRIGHT_CHROMIUM_PATH at a Chromium you have. (SEATRUSH_TEST_ONLY=lint,typecheck,unit runs the rest.)',
  ].join('\n');
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
