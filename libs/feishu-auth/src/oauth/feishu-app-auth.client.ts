import { Inject, Injectable, Logger } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuApiError, FeishuAppTicketUnavailableError } from '../feishu-auth.errors.js';
import * as messages from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { feishuCodeMeaning } from '../http/feishu-error-codes.js';
import { FeishuHttpClient } from '../http/feishu-http.client.js';

/** One answer of a token endpoint, with when our request left and when the answer arrived (epoch ms). */
export interface IssuedToken {
  token: string;
  /** Seconds left by Feishu's count, rounded down. */
  expire: number;
  startedAt: number;
  finishedAt: number;
}

/** Feishu's v3 token endpoint, on the accounts host. */
export const CLIENT_CREDENTIALS_PATH = '/oauth/v3/token';

const PATHS = {
  appInternal: '/open-apis/auth/v3/app_access_token/internal',
  tenantInternal: '/open-apis/auth/v3/tenant_access_token/internal',
  appStore: '/open-apis/auth/v3/app_access_token',
  tenantStore: '/open-apis/auth/v3/tenant_access_token',
  ticketResend: '/open-apis/auth/v3/app_ticket/resend',
} as const;

/** An app_ticket resend is asked for at most once per this long per instance (unless forced). */
const TICKET_RESEND_INTERVAL_MS = 5_000;

type TokenField = 'app_access_token' | 'tenant_access_token' | 'access_token';

/**
 * Feishu's app and tenant token endpoints: `auth/v3` for self-built apps (app id and secret) and
 * store apps (app_ticket, then the app token per tenant), the app_ticket resend, and the
 * `client_credentials` grant on `/oauth/v3/token`. Each call answers the token and when it was
 * asked for; caching and renewal are `AppTokenManager`'s. Internal.
 */
@Injectable()
export class FeishuAppAuthClient {
  private readonly logger = new Logger(FeishuAppAuthClient.name);
  private lastTicketResendAt = -Infinity;

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    private readonly http: FeishuHttpClient,
  ) {}

  /** Whether a tenant token is asked for with the app token (store apps on `auth/v3`). */
  get tenantTokenNeedsAppToken(): boolean {
    return (
      this.options.appType === 'store' && this.options.tenantToken.grant !== 'client_credentials'
    );
  }

  /**
   * The app access token. Store apps need the latest `appTicket` Feishu pushed: without one, or
   * when Feishu calls it stale, a resend is requested and `FeishuAppTicketUnavailableError` thrown.
   */
  async appAccessToken(appTicket?: string): Promise<IssuedToken> {
    const { appId, appSecret } = this.options;
    if (this.options.appType === 'self-built') {
      return this.post(PATHS.appInternal, { app_id: appId, app_secret: appSecret });
    }
    if (!appTicket) throw await this.ticketUnavailable();
    try {
      return await this.post(PATHS.appStore, {
        app_id: appId,
        app_secret: appSecret,
        app_ticket: appTicket,
      });
    } catch (error) {
      if (
        error instanceof FeishuApiError &&
        feishuCodeMeaning(error.code)?.recover === 'resend-app-ticket'
      ) {
        throw await this.ticketUnavailable(error, true);
      }
      throw error;
    }
  }

  /**
   * A tenant access token: `client_credentials` when configured, the self-built app's own tenant,
   * or (store apps, see `tenantTokenNeedsAppToken`) `tenantKey`'s with the app token.
   */
  async tenantAccessToken(tenantKey: string, appAccessToken?: string): Promise<IssuedToken> {
    const { appId, appSecret } = this.options;
    if (this.options.tenantToken.grant === 'client_credentials') return this.clientCredentials();
    if (this.options.appType === 'self-built') {
      return this.post(PATHS.tenantInternal, { app_id: appId, app_secret: appSecret });
    }
    return this.post(PATHS.tenantStore, {
      app_access_token: appAccessToken ?? '',
      tenant_key: tenantKey,
    });
  }

  /** Requests an app_ticket push (store apps), at most once per few seconds per instance. */
  async resendAppTicket(force = false): Promise<void> {
    const now = this.options.clock();
    if (!force && now - this.lastTicketResendAt < TICKET_RESEND_INTERVAL_MS) return;
    this.lastTicketResendAt = now;
    await this.http.request({
      method: 'POST',
      url: `${this.options.domain.open}${PATHS.ticketResend}`,
      body: { app_id: this.options.appId, app_secret: this.options.appSecret },
    });
  }

  /**
   * A self-built app's tenant token through `grant_type=client_credentials` on `/oauth/v3/token`:
   * a JWT-format token in `access_token`, its lifetime in `expires_in`. The app authenticates with
   * either its credentials in the body (`client_secret_post`) or an HTTP Basic header
   * (`client_secret_basic`), never both (Feishu answers 20070). Safe to send again: retried like
   * `tenant_access_token/internal`.
   */
  private clientCredentials(): Promise<IssuedToken> {
    const { appId, appSecret } = this.options;
    const basic = this.options.tenantToken.clientAuth === 'client_secret_basic';
    return this.post(
      CLIENT_CREDENTIALS_PATH,
      basic
        ? { grant_type: 'client_credentials' }
        : { grant_type: 'client_credentials', client_id: appId, client_secret: appSecret },
      {
        host: this.options.domain.accounts,
        headers: basic ? { authorization: basicAuthorization(appId, appSecret) } : undefined,
      },
    );
  }

  private async post(
    path: string,
    body: Record<string, string>,
    via: { host?: string; headers?: Record<string, string> } = {},
  ): Promise<IssuedToken> {
    const field: TokenField =
      path === CLIENT_CREDENTIALS_PATH
        ? 'access_token'
        : path.includes('tenant_access_token')
          ? 'tenant_access_token'
          : 'app_access_token';
    const expireField = field === 'access_token' ? 'expires_in' : 'expire';
    const startedAt = this.options.clock();
    const { body: answer } = await this.http.request<Record<string, unknown>>({
      method: 'POST',
      url: `${via.host ?? this.options.domain.open}${path}`,
      headers: via.headers,
      body,
    });
    const token = answer[field];
    const expire = Number(answer[expireField]);
    if (typeof token !== 'string' || token.length === 0 || !Number.isFinite(expire) || expire < 0) {
      throw new FeishuApiError({
        code: -1,
        message: messages.missingTokenFieldMessage(
          typeof token === 'string' && token ? expireField : field,
        ),
        endpoint: path,
        kind: 'transient',
      });
    }
    return { token, expire: Math.floor(expire), startedAt, finishedAt: this.options.clock() };
  }

  private async ticketUnavailable(
    cause?: unknown,
    force = false,
  ): Promise<FeishuAppTicketUnavailableError> {
    try {
      await this.resendAppTicket(force);
    } catch (error) {
      this.logger.warn(`app_ticket resend failed: ${(error as Error).message}`);
    }
    return new FeishuAppTicketUnavailableError(messages.appTicketUnavailableMessage(), { cause });
  }
}

const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');

/** RFC 6749 §2.3.1: each part form-urlencoded, then `id:secret` in base64. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const pair = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}
