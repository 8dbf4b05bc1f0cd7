/**
 * Every sentence the library says to a developer: configuration errors and runtime failures
 * (the hint for each Feishu code is in `http/feishu-error-codes.ts`). None of them ever includes a token or a secret.
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
