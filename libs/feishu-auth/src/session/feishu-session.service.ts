import { Inject, Injectable } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import {
  FEISHU_SESSION_HEADER,
  type FeishuSessionToken,
} from '../interfaces/feishu-session-token.interface.js';
import {
  FeishuTokenStore,
  type FeishuSessionRecord,
} from '../interfaces/feishu-token-store.interface.js';
import { TokenService } from '../services/token.service.js';
import {
  requestCookie,
  type FeishuHttpRequest,
  type FeishuHttpResponse,
} from '../http/feishu-http.adapter.js';
import {
  appendSetCookie,
  randomId,
  signValue,
  type FeishuSignedPurpose,
} from './feishu-cookie.util.js';
import type { FeishuCookieAttributes } from '../options/session.options.js';
import { SessionReferenceCache, type FeishuSessionReference } from './session-reference.cache.js';

/** Longest cookie or header value worth unsigning: a 43-char id plus its signature, with room to spare. */
const MAX_SESSION_REFERENCE_LENGTH = 512;

/**
 * Sessions: the client holds only a signed random session id, in the session cookie (browsers)
 * or, for clients that keep no cookies, in the `X-Feishu-Session` header. The profile lives in
 * the token store, so every instance sharing the store sees the same sessions. Its methods take
 * the request and response as Express or Fastify hands them (`@Req()`, `@Res()`).
 *
 * @publicApi
 */
@Injectable()
export class FeishuSessionService {
  private readonly secrets: readonly string[];
  private readonly attributes: FeishuCookieAttributes;
  private readonly references: Record<FeishuSignedPurpose, SessionReferenceCache>;

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly tokens: TokenService,
  ) {
    this.secrets = options.session.secrets;
    this.attributes = sessionCookieAttributes(options);
    this.references = {
      'session-cookie': new SessionReferenceCache(this.secrets, 'session-cookie'),
      'session-token': new SessionReferenceCache(this.secrets, 'session-token'),
    };
  }

  /**
   * Starts a session for `profile` under a new random id (never one the browser brought, so a
   * planted cookie cannot be promoted to a signed-in session), ends the browser's previous
   * session, and sets the cookie.
   */
  async create(
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
    profile: FeishuProfile,
  ): Promise<FeishuSessionRecord> {
    await this.endSession(this.readCookieReference(request)?.id);
    const ttlSeconds = this.options.session.ttlSeconds;
    const record = await this.startSession(profile, ttlSeconds);
    appendSetCookie(
      response,
      this.options.session.cookieName,
      signValue(record.id, this.secrets, 'session-cookie'),
      ttlSeconds,
      this.attributes,
    );
    return record;
  }

  /**
   * Starts a session for a client that keeps no cookies and returns its reference, to be sent
   * back as `X-Feishu-Session`. Lives `session.tokenTtlSeconds`; ends the session the request's
   * `X-Feishu-Session` header named, if any. Sets no cookie.
   */
  async createToken(
    request: FeishuHttpRequest,
    profile: FeishuProfile,
  ): Promise<FeishuSessionToken> {
    await this.endSession(this.readHeaderReference(request)?.id);
    const ttlSeconds = this.options.session.tokenTtlSeconds;
    const record = await this.startSession(profile, ttlSeconds);
    return {
      sessionToken: signValue(record.id, this.secrets, 'session-token'),
      expiresIn: ttlSeconds,
      header: FEISHU_SESSION_HEADER,
    };
  }

  /**
   * The request's session (from `X-Feishu-Session` when sent, else the cookie), or `undefined`
   * when that is absent, tampered, expired or unknown.
   */
  get(request: FeishuHttpRequest): Promise<FeishuSessionRecord | undefined> {
    return this.getByReference(this.reference(request));
  }

  /**
   * The verified session reference the request carries (`X-Feishu-Session` when sent, else the
   * cookie), without reading the store: its `openId` is known once this instance has read that
   * session, so a guard may read the user's tokens in parallel with the session itself.
   */
  reference(request: FeishuHttpRequest): FeishuSessionReference | undefined {
    // The header wins: a client that sends it means it, whatever cookies its web view holds.
    const header = sessionHeader(request);
    return header !== undefined
      ? this.verifyReference(header, 'session-token')
      : this.readCookieReference(request);
  }

  /** The session `reference` names, or `undefined` when there is none, or it expired or ended. */
  async getByReference(
    reference: FeishuSessionReference | undefined,
  ): Promise<FeishuSessionRecord | undefined> {
    if (reference === undefined) {
      return undefined;
    }
    const record = await this.store.getSession(reference.id);
    if (record === undefined || record.expiresAt <= this.options.clock()) {
      return undefined;
    }
    reference.openId = record.openId;
    reference.tenantKey = record.profile.tenantKey;
    return record;
  }

  /** Ends the session: deletes it, clears the cookie and forgets the user's stored tokens. */
  async logout(request: FeishuHttpRequest, response: FeishuHttpResponse): Promise<void> {
    const id = this.reference(request)?.id;
    if (id !== undefined) {
      const record = await this.store.getSession(id);
      await this.store.deleteSession(id);
      if (record !== undefined) {
        await this.tokens.forgetUser(record.openId);
      }
    }
    this.clearCookie(response);
  }

  /** `true` when the request carries a session cookie, valid or not. */
  hasCookie(request: FeishuHttpRequest): boolean {
    return requestCookie(request, this.options.session.cookieName) !== undefined;
  }

  /** `true` when the request carries an `X-Feishu-Session` header, valid or not. */
  hasSessionHeader(request: FeishuHttpRequest): boolean {
    return sessionHeader(request) !== undefined;
  }

  /** Removes the session cookie from the browser. */
  clearCookie(response: FeishuHttpResponse): void {
    appendSetCookie(response, this.options.session.cookieName, '', 0, this.attributes);
  }

  private async startSession(
    profile: FeishuProfile,
    ttlSeconds: number,
  ): Promise<FeishuSessionRecord> {
    const now = this.options.clock();
    const record: FeishuSessionRecord = {
      id: randomId(),
      openId: profile.openId,
      profile,
      createdAt: now,
      expiresAt: now + ttlSeconds * 1000,
    };
    await this.store.setSession(record, ttlSeconds);
    return record;
  }

  private async endSession(id: string | undefined): Promise<void> {
    if (id !== undefined) {
      await this.store.deleteSession(id);
    }
  }

  private readHeaderReference(request: FeishuHttpRequest): FeishuSessionReference | undefined {
    return this.verifyReference(sessionHeader(request), 'session-token');
  }

  private readCookieReference(request: FeishuHttpRequest): FeishuSessionReference | undefined {
    return this.verifyReference(
      requestCookie(request, this.options.session.cookieName),
      'session-cookie',
    );
  }

  private verifyReference(
    signed: string | undefined,
    purpose: FeishuSignedPurpose,
  ): FeishuSessionReference | undefined {
    if (signed === undefined || signed.length > MAX_SESSION_REFERENCE_LENGTH) {
      return undefined;
    }
    return this.references[purpose].verify(signed);
  }
}

const SESSION_HEADER_NAME = FEISHU_SESSION_HEADER.toLowerCase();

/** The `X-Feishu-Session` header, read as Node keeps it (lower-cased), without a name conversion. */
function sessionHeader(request: FeishuHttpRequest): string | undefined {
  const value = request.headers[SESSION_HEADER_NAME];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Cookie attributes from the session options: HttpOnly and Path=/ are always set. */
export function sessionCookieAttributes(
  options: ResolvedFeishuAuthOptions,
): FeishuCookieAttributes {
  return {
    secure: options.session.secure,
    sameSite: options.session.sameSite,
    domain: options.session.domain,
  };
}
