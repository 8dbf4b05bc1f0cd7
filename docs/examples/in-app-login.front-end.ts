// The front end of "Login inside the Feishu client" (docs/in-app-login.md), compiled by
// `npm run typecheck`. `h5sdk` and `tt` are the Feishu client's JSSDK globals; the declarations
// below type only what the samples use (requestAccess: open.feishu.cn/document/uYjL24iN/uUzMuUzMuUzM/requestaccess).
interface RequestAccessResult {
  code: string;
  state?: string;
}
interface FeishuJsApi {
  requestAccess(options: {
    appID?: string; // required in web apps
    scopeList: string[]; // [] = only the user's identity (user_info)
    state?: string;
    success(result: RequestAccessResult): void;
    fail(error: unknown): void;
  }): void;
  request(options: {
    url: string;
    method: 'GET' | 'POST';
    header?: Record<string, string>;
    data?: unknown;
    success(result: { statusCode: number; data: unknown }): void;
    fail(error: unknown): void;
  }): void;
  setStorageSync(key: string, value: string): void;
  getStorageSync(key: string): string;
}
declare const h5sdk: { ready(callback: () => void): void };
declare const tt: FeishuJsApi;

// #region web-app
// A web app (H5) opened inside the Feishu client: the session cookie does the rest.
const APP_ID = 'cli_a1b2c3d4e5f6'; // your App ID

function requestAccessCode(): Promise<string> {
  return new Promise((resolve, reject) =>
    h5sdk.ready(() =>
      tt.requestAccess({
        appID: APP_ID,
        scopeList: [],
        success: ({ code }) => resolve(code),
        fail: reject,
      }),
    ),
  );
}

export async function signInInsideFeishu(): Promise<{ name: string }> {
  const code = await requestAccessCode(); // single use, valid a few minutes: post it at once
  const response = await fetch('/auth/feishu/code', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' }, // JSON only: a form post is refused
    credentials: 'same-origin',
    body: JSON.stringify({ code }),
  });
  if (!response.ok) {
    throw new Error(`sign-in failed: ${response.status}`); // the body says why: { reason, message, hint? }
  }
  return (await response.json()) as { name: string }; // later fetches send the cookie
}
// #endregion web-app

// #region mini-program
// A mini-program keeps no cookies: ask for a session token and send it as X-Feishu-Session.
const API = 'https://app.example.com';

export function signInFromMiniProgram(): void {
  tt.requestAccess({
    scopeList: [],
    success: ({ code }) =>
      tt.request({
        url: `${API}/auth/feishu/code`,
        method: 'POST',
        header: { 'Content-Type': 'application/json' },
        data: { code, session: 'token' },
        success: ({ statusCode, data }) => {
          if (statusCode === 200) {
            const { sessionToken } = data as { sessionToken: string; expiresIn: number };
            tt.setStorageSync('feishuSession', sessionToken);
          }
        },
        fail: (error) => console.error(error),
      }),
    fail: (error) => console.error(error),
  });
}

export function callApi(path: string, onData: (data: unknown) => void): void {
  tt.request({
    url: `${API}${path}`,
    method: 'GET',
    header: { 'X-Feishu-Session': tt.getStorageSync('feishuSession') },
    success: ({ statusCode, data }) =>
      statusCode === 401 ? signInFromMiniProgram() : onData(data),
    fail: (error) => console.error(error),
  });
}
// #endregion mini-program
