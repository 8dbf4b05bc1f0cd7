import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunningDemo } from '../apps/demo/src/demo.bootstrap.js';
import { launchChromium, type ChromiumSession } from './support/chromium.js';
import { startQuietDemo } from './support/demo.js';

const SCREENSHOT = join(process.cwd(), 'test-output', 'demo-signed-in.png');
const LI_SI = 'ou_fc2e140068d1d7e0d7b6441fb73142a8';

describe('demo in a real browser (Chromium)', () => {
  let demo: RunningDemo;
  let browser: ChromiumSession;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    demo = await startQuietDemo();
  });

  beforeEach(async () => {
    browser = await launchChromium({ width: 1100, height: 900 });
    page = browser.page;
    pageErrors = browser.pageErrors;
    // Failed subresources and script errors; browsers ask every site for /favicon.ico by
    // themselves, which the emulator does not serve.
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (
        response.status() >= 400 &&
        url.pathname !== '/favicon.ico' &&
        url.pathname !== '/api/me'
      ) {
        pageErrors.push(`${response.status()} ${url.href}`);
      }
    });
    page.on('requestfailed', (request) => pageErrors.push(`failed ${request.url()}`));
  });

  afterEach(async () => {
    await browser?.close();
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('should sign in on the consent page, show the user, serve /api/me and sign out', async () => {
    const user = demo.emulator!.users.find((candidate) => candidate.openId === LI_SI)!;

    const home = await page.goto(demo.url);
    expect(home?.status()).toBe(200);
    await page.getByTestId('login').click();

    await page.waitForURL((url) => url.href.startsWith(demo.emulator!.url));
    await page.getByTestId(`user-${LI_SI}`).check();
    await page.getByTestId('approve').click();

    await page.waitForURL(`${demo.url}/`);
    await expect(page.getByTestId('user-name').textContent()).resolves.toBe(user.name);
    await expect(page.getByTestId('tenant').textContent()).resolves.toBe(user.tenantKey);
    expect(await page.getByTestId('login-error').count()).toBe(0);
    expect(await page.locator('.notice.error').count()).toBe(0);
    expect(
      await page
        .getByTestId('avatar')
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    await mkdir(join(process.cwd(), 'test-output'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const me = await page.goto(`${demo.url}/api/me`);
    expect(me?.status()).toBe(200);
    expect(await me?.json()).toMatchObject({
      openId: LI_SI,
      name: user.name,
      tenantKey: user.tenantKey,
    });

    await page.goto(demo.url);
    await page.getByTestId('logout').click();
    await page.waitForURL(`${demo.url}/`);
    await page.getByTestId('login').waitFor();
    expect(await page.getByTestId('user-name').count()).toBe(0);
    const afterLogout = await page.goto(`${demo.url}/api/me`);
    expect(afterLogout?.status()).toBe(401);
    expect(pageErrors).toEqual([]);
  });

  it('should come back signed out with a clear message when consent is denied', async () => {
    await page.goto(demo.url);
    await page.getByTestId('login').click();
    await page.waitForURL((url) => url.href.startsWith(demo.emulator!.url));
    await page.getByTestId('deny').click();

    await page.waitForURL(`${demo.url}/?error=consent_denied`);
    await expect(page.getByTestId('login-error').textContent()).resolves.toContain(
      'You declined to share your Feishu account with the demo, so you are not signed in.',
    );
    await page.getByTestId('login').waitFor();
    expect(await page.getByTestId('user-name').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
