/**
 * Every sentence the library says to a developer: configuration errors, Feishu error hints and
 * runtime failures. None of them ever includes a token or a secret.
 */

// ---------------------------------------------------------------------------------------------
// Configuration (thrown at boot as FeishuConfigError)
// ---------------------------------------------------------------------------------------------

const PREFIX = 'FeishuAuthModule:';

export const missingOptionsMessage = (): string =>
  `${PREFIX} no options were given; pass at least { appId, appSecret, redirectUri, session: { secret } }.`;

export const invalidAppIdMessage = (): string =>
  `${PREFIX} "appId" must be a non-empty string without whitespace (Feishu app ids look like "cli_a1b2c3d4e5f6"; ` +
  'copy it from the developer console, Credentials & Basic Info).';

export const invalidAppSecretMessage = (): string =>
  `${PREFIX} "appSecret" must be a non-empty string without whitespace (the App Secret from the developer console, ` +
  'Credentials & Basic Info). Its value is not shown here.';

export const invalidAppTypeMessage = (): string =>
  `${PREFIX} "appType" must be 'self-built' or 'store'.`;

export const invalidRedirectUriMessage = (): string =>
  `${PREFIX} "redirectUri" must be an absolute http(s) URL without a fragment, e.g. ` +
  '"https://example.com/auth/feishu/callback", and registered as a redirect URL in the developer console ' +
  '(Security Settings).';

export const invalidDomainMessage = (): string =>
  `${PREFIX} "domain" must be 'feishu', 'lark' or { open: string; accounts: string } with absolute http(s) base URLs ` +
  "(e.g. the emulator's { open: emulator.url, accounts: emulator.url }).";

export const invalidScopesMessage = (): string =>
  `${PREFIX} "scopes" must be an array of at most 49 non-empty scope strings without whitespace ` +
  '(e.g. ["contact:user.email:readonly"]); "offline_access" is added for you.';

export const invalidLoginPathMessage = (option: string): string =>
  `${PREFIX} "${option}" must be a local path starting with "/" (e.g. "/auth/feishu/login").`;

export const missingSessionMessage = (): string =>
  `${PREFIX} "session" is required: { secret: string | string[] } signs the session cookie.`;

/** Shorter session secrets are refused at boot: they sign every session and login cookie. */
export const MIN_SESSION_SECRET_LENGTH = 32;

export const invalidSessionSecretMessage = (index?: number): string =>
  `${PREFIX} "session.secret${index === undefined ? '' : `[${index}]`}" must be a string of at least ` +
  `${MIN_SESSION_SECRET_LENGTH} characters (a random value, e.g. \`openssl rand -base64 32\`; an ` +
  'array rotates keys, the first one signs). Its value is not shown here.';

export const sameSiteNoneWithoutSecureMessage = (): string =>
  `${PREFIX} "session.sameSite" 'none' requires "session.secure": true (browsers drop a ` +
  'SameSite=None cookie that is not Secure).';

export const invalidSessionFieldMessage = (field: string, expected: string): string =>
  `${PREFIX} "session.${field}" must be ${expected}.`;

export const invalidNumberOptionMessage = (option: string, expected: string): string =>
  `${PREFIX} "${option}" must be ${expected}.`;

export const lockLeaseNotAboveTimeoutMessage = (lockLeaseMs: number, timeoutMs: number): string =>
  `${PREFIX} "refresh.lockLeaseMs" (${lockLeaseMs} ms) must be greater than "http.timeoutMs" (${timeoutMs} ms): ` +
  "a user's refresh runs under the lock, and one that outlives the lease lets a second instance spend the " +
  'same single-use refresh token, which signs the user out. Raise refresh.lockLeaseMs (at most 30000) or ' +
  'lower http.timeoutMs.';

export const invalidBooleanOptionMessage = (option: string): string =>
  `${PREFIX} "${option}" must be true or false.`;

export const invalidTokenEndpointMessage = (): string =>
  `${PREFIX} "tokenEndpoint" must be 'v2' (default), 'v3' or 'v1-oidc'.`;

export const invalidTenantTokenGrantMessage = (): string =>
  `${PREFIX} "tenantToken.grant" must be 'internal' (default) or 'client_credentials'.`;

export const invalidTenantTokenClientAuthMessage = (): string =>
  `${PREFIX} "tenantToken.clientAuth" must be 'client_secret_post' (default) or 'client_secret_basic'.`;

export const clientCredentialsNeedsSelfBuiltMessage = (): string =>
  `${PREFIX} "tenantToken.grant" 'client_credentials' is for self-built apps; store apps get tenant ` +
  'tokens through app_ticket and tenant_key.';

export const invalidEncryptionMessage = (detail: string): string =>
  `${PREFIX} "encryption.keys" ${detail} Each key is { id: string; key: string } where key is 32 bytes written as ` +
  '64 hex characters or 44 base64 characters (e.g. `openssl rand -base64 32`). Key values are not shown here.';

export const invalidStoreMessage = (): string =>
  `${PREFIX} "store" must implement FeishuTokenStore (getToken, setToken, getUserToken, acquireLock, getDue …).`;

export const invalidEventsOptionMessage = (field: string): string =>
  `${PREFIX} "events.${field}" must be a non-empty string (copy it from the developer console, Events & Callbacks → Encryption Strategy). ` +
  'Its value is not shown here.';

export const eventsWithoutAuthenticationMessage = (reason: string): string =>
  `${PREFIX} ${reason} receives Feishu events, so "events.verificationToken" or "events.encryptKey" is required ` +
  '(developer console, Events & Callbacks → Encryption Strategy; the Encrypt Key also signs each event). ' +
  'Without either, anyone could post a forged app_ticket. Check that the environment variables are set.';

export const pkceWithV1OidcMessage = (): string =>
  `${PREFIX} "pkce: true" cannot be kept with "tokenEndpoint: 'v1-oidc'": the legacy endpoint takes no ` +
  "code_verifier, so the challenge would protect nothing. Use tokenEndpoint 'v2' (default) or 'v3', or set " +
  'pkce: false.';

export const invalidCallbackMessage = (option: string): string =>
  `${PREFIX} "${option}" must be a function.`;

// ---------------------------------------------------------------------------------------------
// Runtime
// ---------------------------------------------------------------------------------------------

export const tenantKeyRequiredMessage = (): string =>
  'TokenService.getTenantAccessToken(tenantKey): a store app needs the tenant key of the tenant to act for ' +
  "(from the user's profile `tenantKey` or the app-installed event).";

export const appTicketUnavailableMessage = (): string =>
  'No app_ticket has arrived yet for this store app: Feishu pushes one to the event URL every hour and after a ' +
  "resend (just requested). Check that the app's event request URL reaches FeishuEventsController / " +
  'FeishuEventHandler and that events.verificationToken / events.encryptKey match the console.';

export const noUserTokensMessage = (): string =>
  'No stored tokens for this user; they must sign in again.';
export const noRefreshTokenMessage = (): string =>
  'The access token expired and there is no refresh token (the app lacks the offline_access scope); the user must sign in again.';
export const refreshTokenExpiredMessage = (): string =>
  'The refresh token has expired; the user must sign in again.';
export const refreshRefusedMessage = (code: number): string =>
  `Feishu refused the refresh token (code ${code}); the user must sign in again.`;
export const unreplicatedWriteMessage = (openId: string): string =>
  `The new tokens of user ${openId} are kept on the store's primary, but no replica confirmed them in ` +
  'time: should the primary fail before one does, the user must sign in again.';

export const refreshLockTimeoutMessage = (): string =>
  'Another instance is refreshing this token and did not finish within lockWaitMs; try again.';

export const malformedJsonMessage = (status: number): string =>
  `Feishu answered HTTP ${status} with a body that is not JSON.`;
export const timeoutMessage = (timeoutMs: number): string =>
  `Feishu did not answer within ${timeoutMs} ms.`;
export const networkErrorMessage = (reason: string): string =>
  `Feishu could not be reached (${reason}).`;
export const httpStatusMessage = (status: number): string => `Feishu answered HTTP ${status}.`;
export const missingTokenFieldMessage = (field: string): string =>
  `Feishu answered code 0 without "${field}".`;

export const eventVerificationFailedMessage = (): string =>
  "The event's verification token does not match events.verificationToken.";
export const eventSignatureFailedMessage = (): string =>
  "The event's X-Lark-Signature does not match (check events.encryptKey; the raw request body is needed: " +
  'create the Nest app with { rawBody: true }).';
export const eventDecryptFailedMessage = (): string =>
  'The event could not be decrypted with events.encryptKey.';
export const eventEncryptedWithoutKeyMessage = (): string =>
  'The event is encrypted but events.encryptKey is not configured.';
export const eventMalformedMessage = (): string => 'The event body is not a Feishu event.';
export const eventsWithoutRawBodyMessage = (): string =>
  'An event arrived without its raw body, so its signature is checked over a re-serialisation of ' +
  'the parsed JSON, which fails for any body Feishu did not send compact. Create the app with ' +
  '`NestFactory.create(AppModule, { rawBody: true })` (Express and Fastify alike).';
export const eventStaleMessage = (skewMs: number): string =>
  `The event's time is more than ${skewMs / 60_000} minutes from this server's clock (a replay, or a ` +
  'clock that needs NTP).';
export const eventsNotAuthenticatedMessage = (): string =>
  'Events are refused: neither events.verificationToken nor events.encryptKey is configured, so nothing ' +
  'proves an event comes from Feishu.';

// ---------------------------------------------------------------------------------------------
// Hints: what to check for each documented Feishu code
// ---------------------------------------------------------------------------------------------

const REDIRECT_HINT =
  'The redirect_uri must be registered exactly (scheme, host, port, path; no wildcards) in the developer console → ' +
  'Security Settings → Redirect URLs, and the same value must be sent to the authorize page and the token endpoint.';
const SECRET_HINT =
  'Check appId and appSecret (developer console → Credentials & Basic Info); the secret may have been reset.';
const REAUTH_HINT =
  'A refresh token is single use and expires: the user must sign in again. If two processes refresh the same ' +
  "user, share one FeishuTokenStore so they see each other's rotated token.";
const RETRY_HINT =
  'Feishu had a transient failure; the request was retried with backoff. Try again later.';
const UAT_HINT =
  'The user access token is invalid or expired: it is refreshed automatically; if this persists, the user must sign in again.';

/** What to check for each code of §3.5, §3.7, §4, §5 and §8 of the protocol notes. */
export const FEISHU_ERROR_HINTS: Readonly<Record<number, string>> = {
  // OAuth token endpoints (v2 / v3 / legacy v1 OIDC)
  20001: 'A required parameter is missing from the request (e.g. code, grant_type, client_id).',
  20002: SECRET_HINT,
  20003:
    'The authorization code was not found or was already used: a code is single use; restart the login.',
  20004: 'The authorization code expired (it lives 5 minutes): restart the login.',
  20005: UAT_HINT,
  20007:
    'The app access token used for the legacy OIDC endpoint is invalid: it is renewed automatically.',
  20008: 'The user does not exist in this tenant.',
  20009:
    "The app is not installed in the user's tenant: ask the tenant admin to install or enable it.",
  20010:
    "The user has no permission to use this app: check the app's availability range in the admin console.",
  20013:
    'The app access token used for the legacy OIDC endpoint has expired: it is renewed automatically.',
  20014:
    'The app access token used for the legacy OIDC endpoint is invalid: check appId/appSecret.',
  20021: 'The user has resigned.',
  20022: 'The user is frozen.',
  20023: 'The user is not registered.',
  20024:
    'The authorization code or refresh token belongs to another app: check appId (one app per FeishuAuthModule).',
  20025:
    "The app is not authorised for this operation on the legacy OIDC endpoint; switch tokenEndpoint to 'v2'.",
  20026: `The refresh token is invalid (legacy "ur-" tokens are not accepted by v2). ${REAUTH_HINT}`,
  20027:
    'A requested scope is not enabled for the app: enable it in the developer console → Permissions & Scopes, then publish a version.',
  20028: 'The legacy OIDC request is malformed.',
  20029: REDIRECT_HINT,
  20035: "The app has no permission for this legacy OIDC call; switch tokenEndpoint to 'v2'.",
  20036: 'The grant_type is not supported by this endpoint.',
  20037: `The refresh token expired (7 days by default, 365 days after the first grant at most). ${REAUTH_HINT}`,
  20038: `The refresh token was not found (already used). ${REAUTH_HINT}`,
  20039: "The legacy OIDC endpoint refused the request; switch tokenEndpoint to 'v2'.",
  20042: 'The legacy OIDC endpoint refused the app; check that it is enabled.',
  20046:
    "Brand mismatch: a Feishu app must use domain 'feishu' (open.feishu.cn) and a Lark app domain 'lark' (open.larksuite.com).",
  20048:
    'The app does not exist: check appId and domain (a Lark app id on the Feishu domain or vice versa).',
  20049:
    'PKCE verification failed: the code_verifier does not match the code_challenge sent to the authorize page (or v3 got a verifier without a challenge).',
  20050: RETRY_HINT,
  20063: 'The token request is malformed (check the JSON body and Content-Type).',
  20064: `The refresh token was already used (revoked on rotation). ${REAUTH_HINT}`,
  20065: 'The authorization code was already used: a code is single use; restart the login.',
  20066: "The user's status is invalid (resigned, frozen or not activated).",
  20067: 'The scope list has duplicates.',
  20068: 'A requested scope was not granted by the user or is not enabled for the app.',
  20069: 'The app is not enabled: enable it (or publish a version) in the developer console.',
  20070:
    'Send client credentials once: in the body (client_id + client_secret) without an Authorization: Basic header.',
  20071: REDIRECT_HINT,
  20072: RETRY_HINT,
  20073: `The refresh token was already used. ${REAUTH_HINT}`,
  20074:
    'Refreshing user tokens is disabled for the app: turn on "Refresh user_access_token" in the developer console → Security Settings, enable offline_access, and publish a version.',
  // auth/v3 (app and tenant tokens)
  10003: 'Invalid parameter: check appId (and, for store apps, the app_ticket and tenant_key).',
  10012:
    'The app_ticket is stale or unknown: a resend was requested; the next ticket arrives at the event URL.',
  10013:
    'Feishu could not issue the tenant access token: check that the app is installed in that tenant (tenant_key).',
  10014: SECRET_HINT,
  10015: SECRET_HINT,
  10016: 'app_ticket resend failed: only store apps receive app tickets (check appType).',
  99991543: SECRET_HINT,
  // Gateway codes on every OpenAPI call
  99991400:
    "Feishu's rate limit was hit (per app, tenant and API): calls are retried after x-ogw-ratelimit-reset; slow down.",
  99991661: 'The request carried no access token (Authorization: Bearer <token> is missing).',
  99991662: 'The app is not in use in this tenant: ask the admin to enable it.',
  99991663:
    "The tenant access token is invalid or expired, or this API does not accept a tenant token (try token: 'user').",
  99991664: 'The app access token is invalid: it is renewed automatically.',
  99991665: 'The tenant access token is invalid: it is renewed automatically.',
  99991668: `${UAT_HINT} If the message says "not support", this API does not accept a user token (try token: 'tenant').`,
  99991669: `The user refresh token is invalid. ${REAUTH_HINT}`,
  99991671: 'The token has an unexpected format.',
  99991672:
    'The app lacks a scope this API requires: enable it in the developer console → Permissions & Scopes and publish a version.',
  99991673: 'The app is unavailable in this tenant: check that it is installed and enabled.',
  99991676: 'The token has no permission for this API.',
  99991677: 'The user access token expired: it is refreshed automatically.',
  99991679:
    'The user did not grant a scope this API needs: add it to scopes and have the user sign in again (see error.permission_violations).',
};

export const hintFor = (code: number): string | undefined => FEISHU_ERROR_HINTS[code];
