import { timingSafeEqual } from 'node:crypto';
import type {
  FeishuLoginState,
  FeishuTokenStore,
} from '../interfaces/feishu-token-store.interface.js';
import { requestCookie, type PassportHttpRequest } from '../http/feishu-http.adapter.js';
import {
  appendSetCookie,
  randomId,
  signValue,
  unsignValue,
  type FeishuCookieAttributes,
} from '../session/feishu-cookie.util.js';
import type { FeishuLoginFailureReason } from './feishu-login.messages.js';

/** A login must complete within 10 minutes of its start (Feishu codes live 5). */
export const LOGIN_STATE_TTL_SECONDS = 600;

/** What a login carries through Feishu besides the PKCE verifier. */
export interface FeishuLoginMeta {
  returnTo?: string;
}

/** What passport-oauth2 hands to `info` when the state does not verify. */
export interface FeishuStateFailure {
  reason: FeishuLoginFailureReason;
}

export interface FeishuLoginStateStoreOptions {
  store: FeishuTokenStore;
  secrets: readonly string[];
  cookieName: string;
  cookie: FeishuCookieAttributes;
  clock: () => number;
}

type StoreCallback = (err: Error | null, handle?: string) => void;
type VerifyCallback = (
  err: Error | null,
  ok?: string | boolean,
  info?: FeishuLoginMeta | FeishuStateFailure,
) => void;

/**
 * passport-oauth2 state store (the PKCE-capable shape of `pkcesession.js`) that keeps the login in
 * the shared `FeishuTokenStore` instead of `req.session`, so the callback may land on any instance.
 * A signed, HttpOnly binding cookie ties the login to the browser that started it: a callback
 * from another browser, with a forged, missing, expired or reused state, is refused before the
 * code is exchanged.
 */
export class FeishuLoginStateStore {
  constructor(private readonly options: FeishuLoginStateStoreOptions) {}

  store(
    req: PassportHttpRequest,
    verifier: string | undefined,
    meta: FeishuLoginMeta | undefined,
    _oauthMeta: unknown,
    callback: StoreCallback,
  ): void {
    this.save(req, verifier, meta).then(
      (handle) => callback(null, handle),
      (err: Error) => callback(err),
    );
  }

  verify(req: PassportHttpRequest, providedState: unknown, callback: VerifyCallback): void {
    this.check(req, providedState).then(
      (result) =>
        'reason' in result
          ? callback(null, false, result)
          : callback(null, result.codeVerifier ?? true, { returnTo: result.returnTo }),
      (err: Error) => callback(err),
    );
  }

  private async save(
    req: PassportHttpRequest,
    verifier: string | undefined,
    meta: FeishuLoginMeta | undefined,
  ): Promise<string> {
    // A browser with a pending login keeps its binding, so two tabs can log in at once.
    const binding = this.readBinding(req) ?? randomId();
    const state: FeishuLoginState = {
      state: randomId(),
      browserBinding: binding,
      codeVerifier: verifier,
      returnTo: meta?.returnTo,
      createdAt: this.options.clock(),
    };
    await this.options.store.setLoginState(state, LOGIN_STATE_TTL_SECONDS);
    // Written on the Node response Passport redirects with, so it leaves with the redirect.
    appendSetCookie(
      req.res,
      this.options.cookieName,
      signValue(binding, this.options.secrets),
      LOGIN_STATE_TTL_SECONDS,
      this.options.cookie,
    );
    return state.state;
  }

  private async check(
    req: PassportHttpRequest,
    providedState: unknown,
  ): Promise<FeishuLoginState | FeishuStateFailure> {
    if (typeof providedState !== 'string' || providedState.length === 0) {
      return { reason: 'missing_state' };
    }
    const binding = this.readBinding(req);
    if (binding === undefined) {
      return { reason: 'state_browser_mismatch' };
    }
    const saved = await this.options.store.takeLoginState(providedState);
    if (saved === undefined || this.isExpired(saved)) {
      return { reason: 'invalid_state' };
    }
    if (!sameSecret(saved.browserBinding, binding)) {
      return { reason: 'state_browser_mismatch' };
    }
    return saved;
  }

  private readBinding(req: PassportHttpRequest): string | undefined {
    const signed = requestCookie(req, this.options.cookieName);
    return signed === undefined ? undefined : unsignValue(signed, this.options.secrets);
  }

  // The store drops it after its TTL; the clock check also holds when time is moved by a test clock.
  private isExpired(state: FeishuLoginState): boolean {
    return this.options.clock() - state.createdAt > LOGIN_STATE_TTL_SECONDS * 1000;
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
