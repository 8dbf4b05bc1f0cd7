export { FeishuEmulator } from './emulator.js';
export {
  DEFAULT_EVENT_RETRY_DELAYS_MS,
  DEFAULT_TOKEN_LIFETIMES,
  DOCUMENTED_RATE_LIMIT,
} from './emulator.options.js';
export type {
  EmulatorApp,
  EmulatorAppType,
  EmulatorBrand,
  EmulatorRateLimit,
  EmulatorTenant,
  EmulatorTokenLifetimes,
  EmulatorUser,
  EmulatorUserStatus,
  FeishuEmulatorOptions,
  OldAccessTokenAfterRefresh,
} from './emulator.options.js';
export type { IssueAuthorizationCodeInput } from './emulator.types.js';
export { EmulatorApiError, fieldValidationError } from './openapi/openapi-call.js';
export type {
  EmulatorApiCall,
  EmulatorApiHandler,
  EmulatorHttpMethod,
  EmulatorRouteHandle,
  EmulatorRouteOptions,
  EmulatorTokenType,
} from './openapi/openapi-call.js';
export type { EmulatorSentMessage } from './state/sent-messages.js';
export type { EmulatorFault } from './faults.js';
export type { EventDeliveryResult } from './events/app-ticket.pusher.js';
export { decryptEvent, encryptEvent, signEvent } from './events/event-crypto.js';
export { URL_VERIFICATION_TIMEOUT_MS } from './events/url-verification.js';
export type { UrlVerificationFailure, UrlVerificationResult } from './events/url-verification.js';
export { s256Challenge } from './oauth/pkce.js';
export { DEFAULT_APP_SCOPES, DEFAULT_REDIRECT_URIS } from './state/default-apps.js';
export { DEFAULT_APP_ID } from './state/open-ids.js';
