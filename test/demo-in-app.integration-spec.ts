import type { Page } from 'playwright-core';
import type { RunningDemo } from '../apps/demo/src/demo.bootstrap.js';
import { launchChromium, type ChromiumSession } from './support/chromium.js';
import { startQuietDemo } from './support/demo.js';

const WANG_WU_NAME = '王五';

describe('demo /in-app page in a real browser (Chromium)', () => {
  let demo: RunningDemo;
  let browser: ChromiumSession;
  let page: Page;

  beforeAll(async () => {
    demo = await startQuietDemo();
  });

  beforeEach(async () => {
    browser = await launchChromium();
    page = browser.page;
  });

  afterEach(async () => {
    await browser?.close();
  });

  afterAll(async () => {
    await demo?.close();
  });

  function userNamed(name: string) {
    const user = demo.emulator!.users.find((candidate) => candidate.name === name);
    if (user === undefined) throw new Error(`no emulator user ${name}`);
    return user;
  }

  it('should sign in with the session cookie and land on the home page as that user', async () => {
    const user = userNamed(WANG_WU_NAME);
    await page.goto(`${demo.url}/in-app`);

    await page.getByTestId(`in-app-cookie-${user.openId}`).click();

    await page.waitForURL(`${demo.url}/`);
    await expect(page.getByTestId('user-name').textContent()).resolves.toBe(WANG_WU_NAME);
    expect(browser.pageErrors).toEqual([]);
  });

  it('should sign in without a cookie and call /api/me with X-Feishu-Session', async () => {
    const user = userNamed(WANG_WU_NAME);
    await page.goto(`${demo.url}/in-app`);

    await page.getByTestId(`in-app-token-${user.openId}`).click();

    const result = page.getByTestId('in-app-result');
    await result.filter({ hasText: 'answered 200' }).waitFor();
    await expect(result.textContent()).resolves.toContain(user.openId);
    await expect(browser.context.cookies()).resolves.not.toContainEqual(
      expect.objectContaining({ name: 'feishu_session' }),
    );
    expect(browser.pageErrors).toEqual([]);
  });
});
