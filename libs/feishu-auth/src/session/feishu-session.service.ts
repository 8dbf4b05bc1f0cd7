import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import {
  FeishuTokenStore,
  type FeishuSessionRecord,
} from '../interfaces/feishu-token-store.interface.js';
import { TokenService } from '../services/token.service.js';
import {
  appendSetCookie,
  randomId,
  readCookie,
  signValue,
  unsignValue,
  type FeishuCookieAttributes,
} from './feishu-cookie.util.js';

/** Longest cookie value worth unsigning: a 43-char id plus its signature, with room to spare. */
const MAX_SESSION_COOKIE_LENGTH = 512;

/**
 * Browser sessions: the cookie carries only a signed random session id; the profile lives in the
 * token store, so every instance sharing the store sees the same sessions.
 *
 * @publicApi
 */
@Injectable()
export class FeishuSessionService {
  private readonly secrets: readonly string[];
  private readonly attributes: FeishuCookieAttributes;

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly tokens: TokenService,
  ) {
    this.secrets = options.session.secrets;
    this.attributes = sessionCookieAttributes(options);
  }

  /**
   * Starts a session for `profile` under a new random id (never one the browser brought, so a
   * planted cookie cannot be promoted to a signed-in session), ends the browser's previous
   * session, and sets the cookie.
   */
  async create(
    request: Request,
    response: Response,
    profile: FeishuProfile,
  ): Promise<FeishuSessionRecord> {
    const previous = this.readSessionId(request);
    if (previous !== undefined) {
      await this.store.deleteSession(previous);
    }
    const now = this.options.clock();
    const ttlSeconds = this.options.session.ttlSeconds;
    const record: FeishuSessionRecord = {
      id: randomId(),
      openId: profile.openId,
      profile,
      createdAt: now,
      expiresAt: now + ttlSeconds * 1000,
    };
    await this.store.setSession(record, ttlSeconds);
    appendSetCookie(
      response,
      this.options.session.cookieName,
      signValue(record.id, this.secrets),
      ttlSeconds,
      this.attributes,
    );
    return record;
  }

  /** The request's session, or `undefined` when the cookie is absent, tampered, expired or unknown. */
  async get(request: Request): Promise<FeishuSessionRecord | undefined> {
    const id = this.readSessionId(request);
    if (id === undefined) {
      return undefined;
    }
    const record = await this.store.getSession(id);
    if (record === undefined || record.expiresAt <= this.options.clock()) {
      return undefined;
    }
    return record;
  }

  /** Ends the session: deletes it, clears the cookie and forgets the user's stored tokens. */
  async logout(request: Request, response: Response): Promise<void> {
    const id = this.readSessionId(request);
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
  hasCookie(request: Request): boolean {
    return readCookie(request, this.options.session.cookieName) !== undefined;
  }

  /** Removes the session cookie from the browser. */
  clearCookie(response: Response): void {
    appendSetCookie(response, this.options.session.cookieName, '', 0, this.attributes);
  }

  private readSessionId(request: Request): string | undefined {
    const signed = readCookie(request, this.options.session.cookieName);
    if (signed === undefined || signed.length > MAX_SESSION_COOKIE_LENGTH) {
      return undefined;
    }
    return unsignValue(signed, this.secrets);
  }
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
