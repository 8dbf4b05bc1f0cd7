import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { PassportHttpRequest } from '../http/feishu-http.adapter.js';
import { InMemoryTokenStore } from '../storage/in-memory-token.store.js';
import { FeishuLoginStateStore, LOGIN_STATE_TTL_SECONDS } from './feishu-login-state.store.js';

const SECRETS = ['binding-secret-0123456789'];
const COOKIE = 'feishu_session_login';

function browserRequest(cookieHeader?: string) {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  const req: PassportHttpRequest = {
    headers: cookieHeader === undefined ? {} : { cookie: cookieHeader },
    url: '/auth/feishu/login',
    query: {},
    body: undefined,
    res,
  };
  return {
    req,
    setCookies: () => (res.getHeader('set-cookie') ?? []) as string[],
  };
}

function cookieFrom(setCookies: string[]): string {
  const line = setCookies.find((c) => c.startsWith(`${COOKIE}=`));
  if (line === undefined) throw new Error('no binding cookie set');
  return line.split(';')[0];
}

describe('FeishuLoginStateStore', () => {
  let now: number;
  let tokenStore: InMemoryTokenStore;
  let stateStore: FeishuLoginStateStore;

  beforeEach(() => {
    now = 1_700_000_000_000;
    tokenStore = new InMemoryTokenStore({ clock: () => now });
    stateStore = new FeishuLoginStateStore({
      store: tokenStore,
      secrets: SECRETS,
      cookieName: COOKIE,
      cookie: { secure: false, sameSite: 'lax' },
      clock: () => now,
    });
  });

  function store(cookieHeader?: string, returnTo?: string) {
    const browser = browserRequest(cookieHeader);
    return new Promise<{ handle: string; cookie: string }>((resolve, reject) =>
      stateStore.store(
        browser.req,
        'the-verifier',
        returnTo ? { returnTo } : undefined,
        {},
        (err, handle) =>
          err
            ? reject(err)
            : resolve({ handle: handle!, cookie: cookieFrom(browser.setCookies()) }),
      ),
    );
  }

  function verify(cookieHeader: string | undefined, state: unknown) {
    const browser = browserRequest(cookieHeader);
    return new Promise<{ ok: unknown; info: unknown }>((resolve, reject) =>
      stateStore.verify(browser.req, state, (err, ok, info) =>
        err ? reject(err) : resolve({ ok, info }),
      ),
    );
  }

  it('should hand back the PKCE verifier and returnTo to the browser that started the login', async () => {
    const { handle, cookie } = await store(undefined, '/reports');
    await expect(verify(cookie, handle)).resolves.toEqual({
      ok: 'the-verifier',
      info: { returnTo: '/reports' },
    });
  });

  it('should set a signed HttpOnly SameSite=Lax binding cookie that lives as long as the state', async () => {
    const browser = browserRequest();
    await new Promise<void>((resolve) =>
      stateStore.store(browser.req, undefined, undefined, {}, () => resolve()),
    );
    const line = browser.setCookies()[0];
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(new RegExp(`Max-Age=${LOGIN_STATE_TTL_SECONDS}`));
    expect(line).toMatch(/^feishu_session_login=[A-Za-z0-9_-]{43}\.[^;]+;/);
  });

  it('should keep the browser binding for a second login started in another tab', async () => {
    const first = await store();
    const second = await store(first.cookie);
    expect(second.cookie).toBe(first.cookie);
    await expect(verify(first.cookie, first.handle)).resolves.toMatchObject({ ok: 'the-verifier' });
    await expect(verify(first.cookie, second.handle)).resolves.toMatchObject({
      ok: 'the-verifier',
    });
  });

  it('should refuse a state used twice', async () => {
    const { handle, cookie } = await store();
    await verify(cookie, handle);
    await expect(verify(cookie, handle)).resolves.toEqual({
      ok: false,
      info: { reason: 'invalid_state' },
    });
  });

  it('should refuse a state from another browser', async () => {
    const victim = await store();
    const attacker = await store();
    await expect(verify(attacker.cookie, victim.handle)).resolves.toEqual({
      ok: false,
      info: { reason: 'state_browser_mismatch' },
    });
  });

  it('should refuse a callback without the binding cookie or with a forged one', async () => {
    const { handle } = await store();
    await expect(verify(undefined, handle)).resolves.toMatchObject({
      info: { reason: 'state_browser_mismatch' },
    });
    await expect(verify(`${COOKIE}=s%3Aforged.signature`, handle)).resolves.toMatchObject({
      info: { reason: 'state_browser_mismatch' },
    });
  });

  it('should refuse a missing or forged state', async () => {
    const { cookie } = await store();
    await expect(verify(cookie, undefined)).resolves.toMatchObject({
      info: { reason: 'missing_state' },
    });
    await expect(verify(cookie, 'forged-state')).resolves.toMatchObject({
      info: { reason: 'invalid_state' },
    });
  });

  it('should refuse a state older than ten minutes', async () => {
    const { handle, cookie } = await store();
    now += LOGIN_STATE_TTL_SECONDS * 1000 + 1;
    await expect(verify(cookie, handle)).resolves.toMatchObject({
      info: { reason: 'invalid_state' },
    });
  });
});
