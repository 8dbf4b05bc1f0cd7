import { createHash } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import { FeishuLoginException } from './feishu-login.exception.js';
import type { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { requestCookie, type PassportHttpRequest } from '../http/feishu-http.adapter.js';
import { appendSetCookie, randomId } from '../session/feishu-cookie.util.js';
import type { FeishuCookieAttributes } from '../options/session.options.js';
import { FeishuLoginCookieCipher } from './feishu-login-cookie.js';
import type { FeishuLoginFailureReason } from './feishu-login.messages.js';
import {
  addPendingLogin,
  findPendingLogin,
  LOGIN_STATE_TTL_SECONDS,
  pendingLoginRemainingMs,
  type FeishuPendingLogin,
} from './feishu-pending-logins.js';

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
 * passport-oauth2 state store (the PKCE-capable shape of `pkcesession.js`) that keeps each login in
 * the browser that started it: state, PKCE verifier and returnTo travel in a sealed, HttpOnly login
 * cookie (`FeishuLoginCookieCipher`), so a login start writes nothing to the store and a flood of
 * them costs the server nothing. At the callback the state must be one of the cookie's live logins
 * (a callback from another browser, with a forged, missing or expired state, is refused before the
 * code is exchanged); only then is it claimed in the shared store, once (`acquireLock` on a hash of
 * the state for the login's remaining life), so a state is single use across instances and nobody
 * without the browser's cookie can burn it.
 */
export class FeishuLoginStateStore {
  private readonly cookie: FeishuLoginCookieCipher;

  constructor(private readonly options: FeishuLoginStateStoreOptions) {
    this.cookie = new FeishuLoginCookieCipher(options.secrets);
  }

  store(
    req: PassportHttpRequest,
    verifier: string | undefined,
    meta: FeishuLoginMeta | undefined,
    _oauthMeta: unknown,
    callback: StoreCallback,
  ): void {
    try {
      callback(null, this.save(req, verifier, meta));
    } catch (err) {
      callback(err as Error);
    }
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

  private save(
    req: PassportHttpRequest,
    verifier: string | undefined,
    meta: FeishuLoginMeta | undefined,
  ): string {
    const login: FeishuPendingLogin = {
      state: randomId(),
      codeVerifier: verifier,
      returnTo: meta?.returnTo,
      createdAt: this.options.clock(),
    };
    // A browser keeps its other pending logins, so two tabs can log in at once.
    const logins = addPendingLogin(this.readLogins(req), login, login.createdAt, (list) =>
      this.cookie.fits(list),
    );
    if (logins === undefined) {
      throw new FeishuLoginException('invalid_return_to', HttpStatus.BAD_REQUEST);
    }
    // Written on the Node response Passport redirects with, so it leaves with the redirect.
    appendSetCookie(
      req.res,
      this.options.cookieName,
      this.cookie.seal(logins),
      LOGIN_STATE_TTL_SECONDS,
      this.options.cookie,
    );
    return login.state;
  }

  private async check(
    req: PassportHttpRequest,
    providedState: unknown,
  ): Promise<FeishuPendingLogin | FeishuStateFailure> {
    if (typeof providedState !== 'string' || providedState.length === 0) {
      return { reason: 'missing_state' };
    }
    const logins = this.readLogins(req);
    if (logins.length === 0) {
      return { reason: 'state_browser_mismatch' };
    }
    const now = this.options.clock();
    const login = findPendingLogin(logins, providedState, now);
    if (login === undefined) {
      return { reason: 'invalid_state' };
    }
    const claimed = await this.options.store.acquireLock(
      claimKey(login.state),
      pendingLoginRemainingMs(login, now),
    );
    return claimed === undefined ? { reason: 'invalid_state' } : login;
  }

  private readLogins(req: PassportHttpRequest): FeishuPendingLogin[] {
    return this.cookie.open(requestCookie(req, this.options.cookieName));
  }
}

/** The store sees a hash of the state, never the state itself. */
function claimKey(state: string): string {
  return `login:${createHash('sha256').update(state).digest('base64url')}`;
}
