import { afterEach, beforeEach } from '@jest/globals';
import { FeishuEmulator } from './emulator.js';
import type { FeishuEmulatorOptions } from './emulator.options.js';

/**
 * What the emulator's own specs share: the seeded apps as a client knows them, an emulator per
 * test on a clock the test moves, and the HTTP calls a Feishu client makes. Only specs import
 * this file; it is left out of the build.
 */

export type Json = Record<string, unknown>;

/** A seeded app as its client knows it (the seeds are restated, not read from the emulator). */
export interface ClientApp {
  appId: string;
  secret: string;
}

export const SELF_BUILT: ClientApp = {
  appId: 'cli_emulator_selfbuilt',
  secret: 'emulator-self-built-secret',
};
export const OTHER: ClientApp = { appId: 'cli_emulator_other', secret: 'emulator-other-secret' };
export const APP = SELF_BUILT.appId;
export const SECRET = SELF_BUILT.secret;
export const REDIRECT = 'http://localhost:3000/auth/feishu/callback';
export const AUTHORIZE_PATH = '/open-apis/authen/v1/authorize';
export const TOKEN_V2_PATH = '/open-apis/authen/v2/oauth/token';
/** RFC 7636 appendix B: the verifier and its S256 challenge. */
export const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
export const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

export interface JsonAnswer {
  status: number;
  body: Json;
}

export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** POSTs JSON (a string body goes as it is); the answer with its headers. */
export async function postForResponse(
  url: string,
  path: string,
  body: Json | string,
  headers: Record<string, string> = {},
): Promise<JsonAnswer & { headers: Headers }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Json,
  };
}

/** POSTs JSON (a string body goes as it is); the status and the JSON answer. */
export async function postJson(
  url: string,
  path: string,
  body: Json | string,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const { status, body: answer } = await postForResponse(url, path, body, headers);
  return { status, body: answer };
}

/** The body of an authorization_code grant by `app` (the self-built app unless told). */
export const codeGrant = (code: unknown, extra: Json = {}, app: ClientApp = SELF_BUILT): Json => ({
  grant_type: 'authorization_code',
  client_id: app.appId,
  client_secret: app.secret,
  code,
  ...extra,
});

/** The body of a refresh_token grant by `app` (the self-built app unless told). */
export const refreshGrant = (
  refreshToken: unknown,
  extra: Json = {},
  app: ClientApp = SELF_BUILT,
): Json => ({
  grant_type: 'refresh_token',
  client_id: app.appId,
  client_secret: app.secret,
  refresh_token: refreshToken,
  ...extra,
});

/** The v2 code exchange of `app` (the self-built app unless told). */
export const exchangeCode = (
  emulator: FeishuEmulator,
  code: unknown,
  extra: Json = {},
  app: ClientApp = SELF_BUILT,
) => postJson(emulator.url, TOKEN_V2_PATH, codeGrant(code, extra, app));

/** A self-built app's tenant_access_token from `tenant_access_token/internal`. */
export const tenantToken = async (emulator: FeishuEmulator, app: ClientApp = SELF_BUILT) =>
  String(
    (
      await postJson(emulator.url, '/open-apis/auth/v3/tenant_access_token/internal', {
        app_id: app.appId,
        app_secret: app.secret,
      })
    ).body.tenant_access_token,
  );

/** A signed-in user of the self-built app: the v2 answer to a code issued for `openId`. */
export async function userTokens(
  emulator: FeishuEmulator,
  openId: string,
  scopes?: string[],
): Promise<Json> {
  const code = emulator.issueAuthorizationCode({ appId: APP, openId, scopes });
  return (await exchangeCode(emulator, code)).body;
}

/** Calls an OpenAPI route with a Bearer token and a JSON body (a string body goes as it is). */
export async function callApi(
  emulator: FeishuEmulator,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<JsonAnswer> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : bearer(token)),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    },
    body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** `GET /authorize` with the usual client_id, response_type and redirect_uri; not followed. */
export async function authorize(
  emulator: FeishuEmulator,
  params: Record<string, string>,
  appId = APP,
) {
  const url = new URL(AUTHORIZE_PATH, emulator.url);
  url.search = new URLSearchParams({
    client_id: appId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    ...params,
  }).toString();
  const response = await fetch(url, { redirect: 'manual' });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    location: response.headers.get('location'),
    html: await response.text(),
  };
}

/** The emulator of the running test and its clock, which the test may move (`t.now += …`). */
export interface EmulatorUnderTest {
  emulator: FeishuEmulator;
  now: number;
  /** The first seeded user's open_id in the self-built app. */
  openId: string;
}

/** 2026-01-01T00:00Z, where every test's clock starts. */
export const START = Date.UTC(2026, 0, 1);

/**
 * Starts an emulator on the test's clock before each test of the enclosing `describe`, and closes
 * it after.
 */
export function emulatorPerTest(
  options: Omit<FeishuEmulatorOptions, 'clock'> = {},
): EmulatorUnderTest {
  const t = { now: START } as EmulatorUnderTest;
  beforeEach(async () => {
    t.now = START;
    t.emulator = await FeishuEmulator.start({ ...options, clock: () => t.now });
    t.openId = t.emulator.users[0].openId;
  });
  afterEach(() => t.emulator.close());
  return t;
}
