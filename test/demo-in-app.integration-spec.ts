import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type RunningDemo } from '../apps/demo/src/demo.bootstrap.js';

/** Debian's chromium, never a browser download. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'];
const WANG_WU_NAME = '王五';

describe('demo /in-app page in a real browser (Chromium)', () => {
  let demo: RunningDemo;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    demo = await startDemo({
      env: {},
      port: 0,
      emulatorPort: 0,
      print: () => undefined,
      logger: false,
    });
  });

  beforeEach(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), 'demo-in-app-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(async () => {
    await context?.close();
    await rm(userDataDir, { recursive: true, force: true });
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
    expect(pageErrors).toEqual([]);
  });

  it('should sign in without a cookie and call /api/me with X-Feishu-Session', async () => {
    const user = userNamed(WANG_WU_NAME);
    await page.goto(`${demo.url}/in-app`);

    await page.getByTestId(`in-app-token-${user.openId}`).click();

    const result = page.getByTestId('in-app-result');
    await result.filter({ hasText: 'answered 200' }).waitFor();
    await expect(result.textContent()).resolves.toContain(user.openId);
    await expect(context.cookies()).resolves.not.toContainEqual(
      expect.objectContaining({ name: 'feishu_session' }),
    );
    expect(pageErrors).toEqual([]);
  });
});
