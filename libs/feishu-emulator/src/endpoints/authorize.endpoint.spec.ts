import { FeishuEmulator } from '../emulator.js';
import {
  APP,
  authorize as authorizeAt,
  AUTHORIZE_PATH,
  exchangeCode,
  type Json,
  RFC_CHALLENGE,
  RFC_VERIFIER,
  REDIRECT,
} from '../emulator.spec-harness.js';

const unescapeHtml = (text: string) =>
  text.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)));

/** The hidden fields of the consent form, as a browser would submit them. */
const hiddenFields = (html: string): Record<string, string> =>
  Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((match) => [
      unescapeHtml(match[1]),
      unescapeHtml(match[2]),
    ]),
  );

const errorCode = (html: string) => /data-error-code="(\d+)"/.exec(html)?.[1];

describe('GET/POST /open-apis/authen/v1/authorize', () => {
  let emulator: FeishuEmulator;

  const authorize = (params: Record<string, string>) => authorizeAt(emulator, params);
  const submit = async (html: string, fields: Record<string, string>) => {
    const response = await fetch(`${emulator.url}${AUTHORIZE_PATH}`, {
      method: 'POST',
      body: new URLSearchParams({ ...hiddenFields(html), ...fields }),
      redirect: 'manual',
    });
    return { status: response.status, location: response.headers.get('location') ?? '' };
  };
  const exchange = async (code: string, extra: Json = {}) =>
    (await exchangeCode(emulator, code, extra)).body;
  const openIdOf = async (accessToken: unknown) => {
    const response = await fetch(`${emulator.url}/open-apis/authen/v1/user_info`, {
      headers: { Authorization: `Bearer ${String(accessToken)}` },
    });
    return ((await response.json()) as { data: { open_id: string } }).data.open_id;
  };

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
  });
  afterEach(() => emulator.close());

  it('should show a consent page with one radio per user of the app tenants, approve and deny', async () => {
    const page = await authorize({ scope: 'contact:user.email:readonly', state: 's' });
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    const shown = [...page.html.matchAll(/data-testid="user-([^"]+)"/g)].map((match) => match[1]);
    expect(shown).toEqual(
      emulator.users
        .filter((user) => user.tenantKey === 'tenant_emulator_1')
        .map((user) => user.openId),
    );
    expect(shown).toHaveLength(5);
    expect(page.html).toContain('data-testid="approve"');
    expect(page.html).toContain('data-testid="deny"');
    expect(page.html).toContain(`<form method="post" action="${AUTHORIZE_PATH}">`);
    expect(hiddenFields(page.html)).toEqual({
      client_id: APP,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'contact:user.email:readonly',
      state: 's',
    });
  });

  it('should redirect an approval with a code for the chosen user and the state', async () => {
    const chosen = emulator.users[1];
    const page = await authorize({ scope: 'offline_access', state: 'st&te=1' });
    const approved = await submit(page.html, { decision: 'approve', open_id: chosen.openId });
    expect(approved.status).toBe(302);
    const location = new URL(approved.location);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect([...location.searchParams.keys()]).toEqual(['code', 'state']);
    expect(location.searchParams.get('state')).toBe('st&te=1');
    const code = location.searchParams.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const tokens = await exchange(code, { redirect_uri: REDIRECT });
    expect(tokens).toMatchObject({ code: 0, scope: 'offline_access' });
    expect(await openIdOf(tokens.access_token)).toBe(chosen.openId);
  });

  it('should leave state out of the redirect when none was sent', async () => {
    const page = await authorize({});
    const approved = await submit(page.html, {
      decision: 'approve',
      open_id: emulator.users[0].openId,
    });
    expect(approved.location).toMatch(new RegExp(`^${REDIRECT}\\?code=[A-Za-z0-9_-]{64}$`));
    const denied = await submit(page.html, { decision: 'deny' });
    expect(denied.location).toBe(`${REDIRECT}?error=access_denied`);
  });

  it('should redirect a denial with error=access_denied and the state', async () => {
    const page = await authorize({ state: 'xyz' });
    expect(await submit(page.html, { decision: 'deny' })).toEqual({
      status: 302,
      location: `${REDIRECT}?error=access_denied&state=xyz`,
    });
  });

  it('should insert the query before a #fragment and after an existing query', async () => {
    const withFragment = 'http://localhost/callback?tab=1#/login';
    emulator.addRedirectUri(APP, withFragment);
    const page = await authorize({ redirect_uri: withFragment, state: 's' });
    const approved = await submit(page.html, {
      decision: 'approve',
      open_id: emulator.users[0].openId,
    });
    expect(approved.location).toMatch(
      /^http:\/\/localhost\/callback\?tab=1&code=[A-Za-z0-9_-]{64}&state=s#\/login$/,
    );
    expect((await submit(page.html, { decision: 'deny' })).location).toBe(
      'http://localhost/callback?tab=1&error=access_denied&state=s#/login',
    );
  });

  it('should approve at once for login_hint=<open_id>', async () => {
    const user = emulator.users[2];
    const redirect = await authorize({ login_hint: user.openId, state: 'h' });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.location ?? '');
    expect(location.searchParams.get('state')).toBe('h');
    const tokens = await exchange(location.searchParams.get('code') ?? '');
    expect(await openIdOf(tokens.access_token)).toBe(user.openId);
    expect(emulator.stats()).toEqual({
      authorize: 1,
      'token.v2.authorization_code': 1,
      user_info: 1,
    });
  });

  it('should count the page view but not the consent POST', async () => {
    const page = await authorize({});
    await submit(page.html, { decision: 'deny' });
    expect(emulator.stats()).toEqual({ authorize: 1 });
  });

  it.each([
    ['an unknown app', { client_id: 'cli_nope' }, 20048],
    ['an unregistered redirect_uri', { redirect_uri: 'http://evil.example/callback' }, 20029],
    ['a missing redirect_uri', { redirect_uri: '' }, 20001],
    ['a response_type other than code', { response_type: 'token' }, 20001],
    ['a scope the app has not enabled', { scope: 'user_profile drive:drive' }, 20027],
    [
      'more than 50 scopes',
      { scope: Array.from({ length: 51 }, (_, i) => `s${i}`).join(' ') },
      20063,
    ],
    [
      'code_challenge_method S512',
      { code_challenge: RFC_CHALLENGE, code_challenge_method: 'S512' },
      20063,
    ],
  ])('should show an error page and never redirect for %s', async (_name, params, code) => {
    const page = await authorize(params);
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.html).toContain('data-testid="error"');
    expect(errorCode(page.html)).toBe(String(code));
  });

  it('should refuse a login_hint approval of an unregistered redirect_uri on the page', async () => {
    const page = await authorize({
      redirect_uri: 'http://evil.example/callback',
      login_hint: emulator.users[0].openId,
    });
    expect(page).toMatchObject({ status: 400, location: null });
    expect(errorCode(page.html)).toBe('20029');
  });

  it('should accept exactly 50 scopes', async () => {
    const page = await authorize({
      scope: Array.from({ length: 50 }, () => 'user_profile').join(' '),
    });
    expect(page.status).toBe(200);
  });

  it('should not refuse offline_access for an app without it, and grant no refresh token', async () => {
    const redirect = await authorize({
      client_id: 'cli_emulator_nooffline',
      scope: 'offline_access user_profile',
      login_hint: emulator.users[0].openId,
    });
    expect(redirect.status).toBe(302);
    const response = await fetch(`${emulator.url}/open-apis/authen/v2/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        client_id: 'cli_emulator_nooffline',
        client_secret: 'emulator-nooffline-secret',
        code: new URL(redirect.location ?? '').searchParams.get('code'),
      }),
    });
    const tokens = (await response.json()) as Json;
    expect(tokens).toMatchObject({ code: 0, scope: 'user_profile' });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('should bind a code_challenge with the plain method by default', async () => {
    const verifier = 'v'.repeat(43);
    const redirect = await authorize({
      code_challenge: verifier,
      login_hint: emulator.users[0].openId,
    });
    const code = new URL(redirect.location ?? '').searchParams.get('code') ?? '';
    expect((await exchange(code, { code_verifier: 'w'.repeat(43) })).code).toBe(20049);
    expect((await exchange(code, { code_verifier: verifier })).code).toBe(0);
  });

  it('should bind an S256 code_challenge through the consent form', async () => {
    const page = await authorize({ code_challenge: RFC_CHALLENGE, code_challenge_method: 'S256' });
    const approved = await submit(page.html, {
      decision: 'approve',
      open_id: emulator.users[0].openId,
    });
    const code = new URL(approved.location).searchParams.get('code') ?? '';
    expect((await exchange(code, { code_verifier: RFC_CHALLENGE })).code).toBe(20049);
    expect((await exchange(code, { code_verifier: RFC_VERIFIER })).code).toBe(0);
  });

  it('should refuse to approve a user outside the app tenants (20010) on the page', async () => {
    const outsider = emulator.users.find((user) => user.tenantKey === 'tenant_emulator_2')!;
    const page = await authorize({ login_hint: outsider.openId });
    expect(page).toMatchObject({ status: 403, location: null });
    expect(errorCode(page.html)).toBe('20010');
  });
});
