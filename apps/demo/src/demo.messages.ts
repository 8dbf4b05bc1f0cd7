/** Messages the demo prints or answers with. Factories, so the wording lives in one place. */

export const HALF_FILLED_REAL_CONFIG = (present: string[], missing: string[]): string =>
  [
    `The demo found ${present.join(', ')} but not ${missing.join(', ')}.`,
    'To run against real Feishu / Lark, set all of FEISHU_APP_ID, FEISHU_APP_SECRET and',
    'FEISHU_REDIRECT_URI (and FEISHU_DOMAIN=lark for Lark) in the environment or in a .env file;',
    'to run on the embedded emulator instead, unset every FEISHU_* variable.',
  ].join('\n');

export const INVALID_DOMAIN = (value: string): string =>
  `FEISHU_DOMAIN must be "feishu" or "lark" (got "${value}").`;

export const INVALID_REDIRECT_URI = (): string =>
  'FEISHU_REDIRECT_URI must be an absolute http(s) URL ending in /auth/feishu/callback, ' +
  'exactly as registered in the developer console (Security Settings → Redirect URLs).';

export const INVALID_PORT = (name: string, value: string): string =>
  `${name} must be a port number between 0 and 65535 (got "${value}").`;

export const INVALID_PLATFORM = (value: string): string =>
  `DEMO_PLATFORM must be "express" or "fastify" (got "${value}").`;

export const PORT_IN_USE = (what: string, port: number, variable: string): string =>
  `Port ${port} is already in use, so the ${what} cannot start. Stop whatever listens there, ` +
  `or pick another port: ${variable}=<port> npm start`;

export const CONSENT_DENIED =
  'You declined to share your Feishu account with the demo, so you are not signed in.';

export const LOGIN_FAILED = 'The login did not complete. Please try again.';

export const IN_APP_EMULATOR_ONLY =
  'Simulated in-app codes come from the embedded emulator; on real Feishu the Feishu client gives them.';

export const IN_APP_UNKNOWN_USER = 'Pick one of the emulator users (an open_id such as ou_…).';

export const LOGOUT_BY_POST_MESSAGE =
  'Log out with POST /auth/feishu/logout (the Log out button on the home page): a GET link could ' +
  'be triggered by any other site.';
