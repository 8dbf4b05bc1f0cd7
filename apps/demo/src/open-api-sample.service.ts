import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  FeishuApiError,
  FeishuClient,
  toFeishuHttpException,
  type FeishuDomain,
} from '@feishu-auth/nestjs';
import type { DemoSettings } from './demo.settings.js';

const OPEN_BASE_URLS = {
  feishu: 'https://open.feishu.cn',
  lark: 'https://open.larksuite.com',
} as const;

/** The signed-in user's contact card: a tenant-token API on Feishu and on the emulator. */
const CONTACT_USER_PATH = (openId: string) =>
  `/open-apis/contact/v3/users/${encodeURIComponent(openId)}`;

/**
 * A user-token API: the emulator's sample route there, `user_info` on real Feishu (the only
 * user-token API every app may call without extra scopes).
 */
const USER_CALL_PATH = {
  emulator: '/open-apis/authen/v1/sample/me',
  real: '/open-apis/authen/v1/user_info',
} as const;

const TIMEOUT_MS = 10_000;

/** A Feishu answer: `code` 0 and `data`, or a non-zero `code` and `msg`. */
interface FeishuEnvelope {
  code?: number;
  msg?: string;
  data?: unknown;
}

/**
 * The OpenAPI calls behind `/api/tenant`, `/api/user-call` and `/api/tenant-client`, in the two
 * styles the library allows: `fetch` with a token from a parameter decorator, or
 * `FeishuClient.request`, which attaches (and, if Feishu rejects it, renews) the token itself.
 * Failures become the library's 502 / 503 / 504 answers; no token reaches a response.
 */
@Injectable()
export class OpenApiSampleService {
  private readonly openBaseUrl: string;
  private readonly userCallPath: string;

  constructor(
    config: ConfigService,
    private readonly client: FeishuClient,
  ) {
    const demo = config.getOrThrow<DemoSettings>('demo');
    this.openBaseUrl = openBaseUrl(demo.domain);
    this.userCallPath = USER_CALL_PATH[demo.target];
  }

  /** Style 1: `fetch` with the token `@TenantAccessToken()` injected. */
  contactCardWithToken(openId: string, tenantAccessToken: string): Promise<unknown> {
    return this.fetchOpenApi(
      `${CONTACT_USER_PATH(openId)}?user_id_type=open_id`,
      tenantAccessToken,
    );
  }

  /** Style 2: `FeishuClient.request`, which picks the tenant's token itself. */
  async contactCardWithClient(openId: string, tenantKey: string): Promise<unknown> {
    try {
      return await this.client.request('GET', CONTACT_USER_PATH(openId), {
        token: 'tenant',
        tenantKey,
        query: { user_id_type: 'open_id' },
      });
    } catch (error) {
      throw toFeishuHttpException(error);
    }
  }

  /** Style 1 with the user's own token, from `@UserAccessToken()`. */
  userCallWithToken(userAccessToken: string): Promise<unknown> {
    return this.fetchOpenApi(this.userCallPath, userAccessToken);
  }

  private async fetchOpenApi(pathAndQuery: string, token: string): Promise<unknown> {
    const endpoint = pathAndQuery.split('?')[0];
    let response: Response;
    try {
      response = await fetch(`${this.openBaseUrl}${pathAndQuery}`, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw toFeishuHttpException(
        new FeishuApiError({
          code: -1,
          message: timedOut ? 'Feishu did not answer in time.' : 'Feishu could not be reached.',
          endpoint,
          kind: timedOut ? 'timeout' : 'transient',
          cause: error,
        }),
      );
    }
    const envelope = await readEnvelope(response);
    if (envelope?.code === 0) {
      return envelope.data;
    }
    throw toFeishuHttpException(
      new FeishuApiError({
        code: envelope?.code ?? -1,
        httpStatus: response.status,
        message: envelope?.msg ?? `Feishu answered HTTP ${response.status} without a Feishu body.`,
        logId: response.headers.get('x-tt-logid') ?? undefined,
        endpoint,
        kind:
          response.status === 429
            ? 'rate-limited'
            : response.status >= 500
              ? 'transient'
              : 'request',
      }),
    );
  }
}

async function readEnvelope(response: Response): Promise<FeishuEnvelope | undefined> {
  try {
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null ? (body as FeishuEnvelope) : undefined;
  } catch {
    return undefined;
  }
}

function openBaseUrl(domain: FeishuDomain): string {
  return (typeof domain === 'string' ? OPEN_BASE_URLS[domain] : domain.open).replace(/\/+$/, '');
}
