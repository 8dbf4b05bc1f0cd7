/**
 * The sentences the library says at run time (the hint for each Feishu code is in
 * `http/feishu-error-codes.ts`). None of them ever includes a token or a secret. Configuration
 * errors are written beside the check that raises them, in `options/*.options.ts`.
 */

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
