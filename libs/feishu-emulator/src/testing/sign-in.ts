import type { FeishuEmulator } from '../emulator.js';
import type { EmulatorUser } from '../emulator.options.js';
import type { TestAgent, TestAgentResponse } from './test-agent.interface.js';

/** @publicApi */
export interface SignInOptions {
  /**
   * `'redirect'` (default): GET the app's login route, approve on the emulator's authorize page,
   * follow the redirect to the app's callback. `'code'`: POST an in-app code (as the Feishu
   * client's `requestAccess` gives it) to the app's code route.
   */
  via?: 'redirect' | 'code';
  /** The app's login route. Default `'/auth/feishu/login'`. */
  loginPath?: string;
  /** The app's in-app code route. Default `'/auth/feishu/code'`. */
  codePath?: string;
  /** Scopes the in-app code grants. Default `['offline_access']`. */
  scopes?: string[];
}

/** Who was signed in. @publicApi */
export interface SignedInUser {
  user: EmulatorUser;
  /** The user's open_id in the app that signed in (open_id is per app). */
  openId: string;
  /** The app's answer to the last request of the sign-in (the callback or the code post). */
  response: TestAgentResponse;
}

/** The redirect login: the app's login route → the emulator's authorize page → the app's callback. */
export async function signInByRedirect(
  emulator: FeishuEmulator,
  agent: TestAgent,
  user: EmulatorUser,
  loginPath: string,
): Promise<SignedInUser> {
  const login = await agent.get(loginPath);
  const authorize = new URL(expectRedirect(login, `GET ${loginPath}`), emulator.url);
  const appId = authorize.searchParams.get('client_id') ?? '';
  const openId = emulator.openIdFor(appId, user);
  // login_hint approves at once as that user, as a person clicking "approve" would.
  authorize.searchParams.set('login_hint', openId);
  const approved = await fetch(authorize, { redirect: 'manual' });
  const location = approved.headers.get('location');
  if (approved.status !== 302 || location === null) {
    const code = /data-error-code="(\d+)"/.exec(await approved.text())?.[1];
    throw new Error(
      `the emulator refused the authorize request of ${appId} (HTTP ${approved.status}${code ? `, code ${code}` : ''})`,
    );
  }
  const callback = new URL(location);
  const denied = callback.searchParams.get('error');
  if (denied) throw new Error(`the emulator redirected with error=${denied}`);
  // The agent talks to the app itself, whatever host the registered redirect URI names.
  const response = await agent.get(`${callback.pathname}${callback.search}`);
  const what = `GET ${callback.pathname} (the callback)`;
  expectSuccess(response, what);
  // A module with `failureRedirect` answers a failed login with a redirect carrying `?error=`.
  const next = response.headers.location;
  const failure =
    typeof next === 'string' ? new URL(next, 'http://app.invalid').searchParams.get('error') : null;
  if (failure !== null) throw new Error(`${what} redirected to the failure path: ${failure}`);
  return { user, openId, response };
}

/** The in-app login: a code bound to no redirect URI, posted to the app's code route. */
export async function signInByCode(
  emulator: FeishuEmulator,
  agent: TestAgent,
  user: EmulatorUser,
  appId: string,
  codePath: string,
  scopes: string[],
): Promise<SignedInUser> {
  const openId = emulator.openIdFor(appId, user);
  const code = emulator.issueAuthorizationCode({ appId, openId, scopes });
  const response = await agent.post(codePath).send({ code });
  expectSuccess(response, `POST ${codePath}`);
  return { user, openId, response };
}

function expectRedirect(response: TestAgentResponse, what: string): string {
  const location = response.headers.location;
  if (response.status < 300 || response.status > 399 || typeof location !== 'string') {
    throw new Error(
      `${what} answered HTTP ${response.status}, not a redirect to Feishu${detail(response)}`,
    );
  }
  return location;
}

function expectSuccess(response: TestAgentResponse, what: string): void {
  if (response.status >= 400)
    throw new Error(`${what} answered HTTP ${response.status}${detail(response)}`);
}

/** The app's own error body (`reason`), which carries no token. */
function detail(response: TestAgentResponse): string {
  const body = response.body;
  if (body !== null && typeof body === 'object' && 'reason' in body) {
    return `: ${String((body as { reason: unknown }).reason)}`;
  }
  return '';
}
