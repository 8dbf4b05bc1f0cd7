import { Inject, Injectable } from '@nestjs/common';
import lark from '@larksuiteoapi/node-sdk';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { ManagedTokens } from '../services/managed-tokens.js';
import { FEISHU_LARK_OPTIONS } from './feishu-lark.constants.js';
import type { FeishuLarkModuleOptions } from './feishu-lark-module-options.interface.js';
import { LarkTokenOrigins } from './lark-token.origins.js';

type Config<D> = lark.HttpRequestOptions<D>;

/** What a request ended with: the SDK's HTTP client resolves to the body, or rejects (axios). */
type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * The SDK client's `httpInstance`: sends through the SDK's own HTTP client (or the one given in
 * the module options) and, when Feishu answers that the token itself is invalid (the codes
 * `FeishuClient` retries on, with HTTP 4xx or 200), drops that token and sends the request once
 * more with a fresh one, as `FeishuClient` does. Only tokens this client was handed (by
 * `LarkTokenCache` or `LarkUserTokens`) are renewed; a token the caller brought is left alone.
 * Internal.
 */
@Injectable()
export class LarkHttpInstance implements lark.HttpInstance {
  private readonly inner: lark.HttpInstance;

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly authOptions: ResolvedFeishuAuthOptions,
    @Inject(FEISHU_LARK_OPTIONS) larkOptions: FeishuLarkModuleOptions,
    private readonly tokens: ManagedTokens,
    private readonly origins: LarkTokenOrigins,
  ) {
    // The SDK's axios instance resolves to the body (its interceptor unwraps it), as HttpInstance says.
    this.inner = larkOptions.httpInstance ?? (lark.defaultHttpInstance as lark.HttpInstance);
  }

  async request<T = unknown, R = T, D = unknown>(config: Config<D>): Promise<R> {
    const sent: Config<D> = { timeout: this.authOptions.http.timeoutMs, ...config };
    const token = bearerOf(sent.headers);
    const ref = token === undefined ? undefined : this.origins.originOf(token);
    const first = await settle(this.inner.request<T, R, D>(sent));
    if (!ref || token === undefined || !ManagedTokens.rejectsToken(feishuCodeOf(first))) {
      return unwrap(first);
    }
    const fresh = this.origins.remember(await this.tokens.replace(ref, token), ref);
    return this.inner.request<T, R, D>({
      ...sent,
      headers: { ...withoutAuthorization(sent.headers), Authorization: `Bearer ${fresh}` },
    });
  }

  get<T = unknown, R = T, D = unknown>(url: string, config?: Config<D>): Promise<R> {
    return this.request<T, R, D>({ ...config, url, method: 'GET' });
  }

  delete<T = unknown, R = T, D = unknown>(url: string, config?: Config<D>): Promise<R> {
    return this.request<T, R, D>({ ...config, url, method: 'DELETE' });
  }

  head<T = unknown, R = T, D = unknown>(url: string, config?: Config<D>): Promise<R> {
    return this.request<T, R, D>({ ...config, url, method: 'HEAD' });
  }

  options<T = unknown, R = T, D = unknown>(url: string, config?: Config<D>): Promise<R> {
    return this.request<T, R, D>({ ...config, url, method: 'OPTIONS' });
  }

  post<T = unknown, R = T, D = unknown>(url: string, data?: D, config?: Config<D>): Promise<R> {
    return this.request<T, R, D>({ ...config, url, data, method: 'POST' });
  }

  put<T = unknown, R = T, D = unknown>(url: string, data?: D, config?: Config<D>): Promise<R> {
    return this.request<T, R, D>({ ...config, url, data, method: 'PUT' });
  }

  patch<T = unknown, R = T, D = unknown>(url: string, data?: D, config?: Config<D>): Promise<R> {
    return this.request<T, R, D>({ ...config, url, data, method: 'PATCH' });
  }
}

async function settle<R>(pending: Promise<R>): Promise<Outcome<R>> {
  try {
    return { ok: true, value: await pending };
  } catch (error) {
    return { ok: false, error };
  }
}

function unwrap<R>(outcome: Outcome<R>): R {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}

/**
 * Feishu's `code` in an answer: the resolved body (`{ code }`, or `{ data: { code } }` when the
 * SDK asked for headers too) or a rejected request's `response.data`.
 */
export function feishuCodeOf(outcome: Outcome<unknown>): unknown {
  const body = outcome.ok ? outcome.value : responseBodyOf(outcome.error);
  if (typeof body !== 'object' || body === null) return undefined;
  const { code, data } = body as { code?: unknown; data?: { code?: unknown } };
  return code ?? (typeof data === 'object' && data !== null ? data.code : undefined);
}

function responseBodyOf(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { response?: { data?: unknown } }).response?.data;
}

/** The Bearer token of a request's headers, whatever the case of `Authorization`. */
export function bearerOf(headers: Record<string, unknown> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'authorization' || typeof value !== 'string') continue;
    const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
    if (match) return match[1];
  }
  return undefined;
}

function withoutAuthorization(
  headers: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
}
