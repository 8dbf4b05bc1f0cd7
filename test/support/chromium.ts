import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`), never a browser download. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh headless Chromium profile with one page, and the script errors that page raised. */
export interface ChromiumSession {
  context: BrowserContext;
  page: Page;
  /** `pageerror` messages, and whatever else the test pushes. */
  pageErrors: string[];
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

export async function launchChromium(viewport?: {
  width: number;
  height: number;
}): Promise<ChromiumSession> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'feishu-auth-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...(viewport === undefined ? {} : { viewport }),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    pageErrors,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
