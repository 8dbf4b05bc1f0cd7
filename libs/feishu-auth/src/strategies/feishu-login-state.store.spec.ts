import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { PassportHttpRequest } from '../http/feishu-http.adapter.js';
import type { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { InMemoryTokenStore } from '../storage/in-memory-token.store.js';
import { FeishuLoginStateStore } from './feishu-login-state.store.js';
import { LOGIN_STATE_TTL_SECONDS, MAX_PENDING_LOGINS } from './feishu-pending-logins.js';

const SECRETS = ['login-cookie-secret-0123456789abcdef'];
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

/** The store, recording the name of every method called on it. */
function recordingCalls(store: FeishuTokenStore, calls: string[]): FeishuTokenStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('FeishuLoginStateStore', () => {
  let now: number;
  let tokenStore: InMemoryTokenStore;
  let stateStore: FeishuLoginStateStore;
  let storeCalls: string[];

  beforeEach(() => {
    now = 1_700_000_000_000;
    tokenStore = new InMemoryTokenStore({ clock: () => now });
    storeCalls = [];
    stateStore = new FeishuLoginStateStore({
      store: recordingCalls(tokenStore, storeCalls),
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

  it('should set a sealed HttpOnly SameSite=Lax login cookie that lives as long as the state', async () => {
    const browser = browserRequest();
    await new Promise<void>((resolve) =>
      stateStore.store(browser.req, 'the-verifier', { returnTo: '/reports' }, {}, () => resolve()),
    );
    const line = browser.setCookies()[0];
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(new RegExp(`Max-Age=${LOGIN_STATE_TTL_SECONDS}`));
    expect(line).toMatch(/^feishu_session_login=v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(line).not.toContain('the-verifier');
    expect(line).not.toContain('reports');
  });

  it('should not touch the store when a login starts', async () => {
    for (let index = 0; index < 100; index += 1) await store();
    expect(storeCalls).toEqual([]);
  });

  it('should finish a login started before 20,000 cookie-less login starts, in the default in-memory store', async () => {
    const real = await store(undefined, '/inbox');
    for (let index = 0; index < 20_000; index += 1) await store();

    await expect(verify(real.cookie, real.handle)).resolves.toEqual({
      ok: 'the-verifier',
      info: { returnTo: '/inbox' },
    });
  });

  it('should keep a second login started in another tab', async () => {
    const first = await store();
    const second = await store(first.cookie);
    await expect(verify(second.cookie, first.handle)).resolves.toMatchObject({
      ok: 'the-verifier',
    });
    await expect(verify(second.cookie, second.handle)).resolves.toMatchObject({
      ok: 'the-verifier',
    });
  });

  it(`should keep the ${MAX_PENDING_LOGINS} latest logins of one browser`, async () => {
    const started = [await store()];
    for (let index = 1; index <= MAX_PENDING_LOGINS; index += 1) {
      started.push(await store(started[index - 1].cookie));
    }
    const cookie = started[MAX_PENDING_LOGINS].cookie;
    await expect(verify(cookie, started[0].handle)).resolves.toMatchObject({ ok: false });
    for (const login of started.slice(1)) {
      await expect(verify(cookie, login.handle)).resolves.toMatchObject({ ok: 'the-verifier' });
    }
  });

  it('should refuse a state used twice', async () => {
    const { handle, cookie } = await store();
    await verify(cookie, handle);
    await expect(verify(cookie, handle)).resolves.toEqual({
      ok: false,
      info: { reason: 'invalid_state' },
    });
  });

  it('should give a state to exactly one of two concurrent callbacks', async () => {
    const { handle, cookie } = await store();
    const results = await Promise.all([verify(cookie, handle), verify(cookie, handle)]);
    expect(results.filter((result) => result.ok === 'the-verifier')).toHaveLength(1);
  });

  it('should refuse a state from another browser', async () => {
    const victim = await store();
    const attacker = await store();
    await expect(verify(attacker.cookie, victim.handle)).resolves.toEqual({
      ok: false,
      info: { reason: 'invalid_state' },
    });
  });

  it('should not let a callback from another browser burn the state', async () => {
    const victim = await store(undefined, '/inbox');
    const attacker = await store();
    await verify(attacker.cookie, victim.handle);
    await verify(undefined, victim.handle);

    await expect(verify(victim.cookie, victim.handle)).resolves.toEqual({
      ok: 'the-verifier',
      info: { returnTo: '/inbox' },
    });
  });

  it('should accept a login cookie sealed with an older secret still in the list', async () => {
    const { handle, cookie } = await store();
    const rotated = new FeishuLoginStateStore({
      store: tokenStore,
      secrets: ['rotated-login-cookie-secret-0123456789', ...SECRETS],
      cookieName: COOKIE,
      cookie: { secure: false, sameSite: 'lax' },
      clock: () => now,
    });
    const browser = browserRequest(cookie);
    await expect(
      new Promise((resolve) => rotated.verify(browser.req, handle, (_err, ok) => resolve(ok))),
    ).resolves.toBe('the-verifier');
  });

  it('should refuse a callback without the login cookie or with a forged one', async () => {
    const { handle, cookie } = await store();
    await expect(verify(undefined, handle)).resolves.toMatchObject({
      info: { reason: 'state_browser_mismatch' },
    });
    await expect(verify(`${COOKIE}=s%3Aforged.signature`, handle)).resolves.toMatchObject({
      info: { reason: 'state_browser_mismatch' },
    });
    // A character in the middle of the sealed value: the last one may carry only padding bits,
    // which base64url decoding ignores, so flipping it would not always change the bytes.
    const valueStart = cookie.indexOf('=') + 1;
    const middle = valueStart + Math.floor((cookie.length - valueStart) / 2);
    const altered = `${cookie.slice(0, middle)}${cookie[middle] === 'A' ? 'B' : 'A'}${cookie.slice(middle + 1)}`;
    await expect(verify(altered, handle)).resolves.toMatchObject({
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
