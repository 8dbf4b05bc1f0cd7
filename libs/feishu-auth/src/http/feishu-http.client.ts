import { Inject, Injectable, Logger } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuApiError, type FeishuErrorKind } from '../feishu-auth.errors.js';
import * as messages from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { fullJitterDelay, sleep } from '../utils/backoff.util.js';
import { feishuCodeMeaning, kindOfFeishuCode } from './feishu-error-codes.js';

/** One call to Feishu. */
export interface FeishuHttpRequest {
  method: string;
  /** Absolute URL (base URL from the resolved domain + path). */
  url: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * `false` for calls that must not be repeated once Feishu may have processed them (a refresh
   * token is single use): then only failures that prove the request was not processed are retried
   * (connection refused, HTTP 5xx, Feishu's transient codes).
   */
  idempotent?: boolean;
  /** Overrides `http.retries` for this call. */
  retries?: number;
}

/** A Feishu answer whose `code` was 0 (or absent with HTTP 2xx). */
export interface FeishuHttpResponse<T> {
  status: number;
  body: T;
  logId?: string;
}

interface FeishuBody {
  code?: unknown;
  msg?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/** Connection errors after which the request surely never reached Feishu. */
const NOT_SENT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Calls Feishu with Node's `fetch`: a timeout per attempt, bounded retries with exponential
 * backoff and full jitter for what may succeed on a second try, and `FeishuApiError` (with the
 * body `code`, `x-tt-logid` and a hint) for everything else. Reads the body `code` whatever the
 * HTTP status, since Feishu answers errors with 200 as well as 4xx/5xx. Internal.
 */
@Injectable()
export class FeishuHttpClient {
  private readonly logger = new Logger(FeishuHttpClient.name);

  constructor(@Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions) {}

  async request<T extends object>(request: FeishuHttpRequest): Promise<FeishuHttpResponse<T>> {
    const { retries, retryBaseDelayMs, retryMaxDelayMs } = this.options.http;
    const maxRetries = request.retries ?? retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt<T>(request);
      } catch (error) {
        const delay = this.retryDelay(
          error,
          request,
          attempt,
          maxRetries,
          retryBaseDelayMs,
          retryMaxDelayMs,
        );
        if (delay === undefined) throw error;
        this.logger.debug(
          `Retrying ${request.method} ${endpointOf(request.url)} in ${delay} ms (${describe(error)}; attempt ${attempt + 2}).`,
        );
        if (delay > 0) await sleep(delay);
      }
    }
  }

  private async attempt<T extends object>(
    request: FeishuHttpRequest,
  ): Promise<FeishuHttpResponse<T>> {
    const endpoint = endpointOf(request.url);
    const { timeoutMs } = this.options.http;
    let response: Response;
    try {
      response = await fetch(withQuery(request.url, request.query), {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined
            ? {}
            : { 'content-type': 'application/json; charset=utf-8' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw transportError(error, endpoint, timeoutMs);
    }
    const logId = response.headers.get('x-tt-logid') ?? undefined;
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw transportError(error, endpoint, timeoutMs, response.status, logId);
    }
    const body = parseJson(text);
    if (body === undefined) {
      throw new FeishuApiError({
        code: -1,
        httpStatus: response.status,
        message: messages.malformedJsonMessage(response.status),
        logId,
        endpoint,
        kind: 'transient',
        hint: 'Feishu (or a proxy in front of it) answered something other than JSON; the request was retried.',
      });
    }
    const code = typeof body.code === 'number' ? body.code : response.ok ? 0 : -1;
    if (code === 0 && response.ok) return { status: response.status, body: body as T, logId };
    throw apiError(body, code, response, endpoint, logId);
  }

  /** The delay before the next attempt, or `undefined` when this failure must not be retried. */
  private retryDelay(
    error: unknown,
    request: FeishuHttpRequest,
    attempt: number,
    maxRetries: number,
    baseMs: number,
    maxMs: number,
  ): number | undefined {
    if (attempt >= maxRetries || !(error instanceof FeishuApiError) || !error.retryable)
      return undefined;
    if (request.idempotent === false && !provesNotProcessed(error)) return undefined;
    if (error.kind === 'rate-limited') {
      const resetMs = error.retryAfterMs;
      if (resetMs === undefined) return fullJitterDelay(attempt, baseMs, maxMs);
      // Waiting longer than one request may take is worse than failing fast with a 503.
      return resetMs <= this.options.http.timeoutMs ? resetMs : undefined;
    }
    return fullJitterDelay(attempt, baseMs, maxMs);
  }
}

function provesNotProcessed(error: FeishuApiError): boolean {
  if (error.kind === 'rate-limited') return true;
  if (error.kind === 'transient' && error.httpStatus !== undefined) return true;
  const cause = error.cause as { cause?: { code?: string }; code?: string } | undefined;
  const code = cause?.cause?.code ?? cause?.code;
  return code !== undefined && NOT_SENT_ERROR_CODES.has(code);
}

function apiError(
  body: FeishuBody,
  code: number,
  response: Response,
  endpoint: string,
  logId: string | undefined,
): FeishuApiError {
  const kind: FeishuErrorKind = kindOfFeishuCode(code, response.status);
  const text =
    typeof body.msg === 'string'
      ? body.msg
      : typeof body.error_description === 'string'
        ? body.error_description
        : messages.httpStatusMessage(response.status);
  return new FeishuApiError({
    code,
    httpStatus: response.status,
    message: code > 0 ? `${text} (Feishu code ${code})` : text,
    oauthError: typeof body.error === 'string' ? body.error : undefined,
    logId,
    endpoint,
    kind,
    hint: feishuCodeMeaning(code)?.hint,
    retryAfterMs: kind === 'rate-limited' ? rateLimitResetMs(response.headers) : undefined,
  });
}

/** `x-ogw-ratelimit-reset` is the number of seconds to wait (§8). */
function rateLimitResetMs(headers: Headers): number | undefined {
  const header = headers.get('x-ogw-ratelimit-reset');
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

function transportError(
  error: unknown,
  endpoint: string,
  timeoutMs: number,
  httpStatus?: number,
  logId?: string,
): FeishuApiError {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new FeishuApiError({
      code: -1,
      httpStatus,
      message: messages.timeoutMessage(timeoutMs),
      logId,
      endpoint,
      kind: 'timeout',
      hint: 'Raise http.timeoutMs if Feishu is slow from your network, or check connectivity to the Feishu domain.',
      cause: error,
    });
  }
  return new FeishuApiError({
    code: -1,
    httpStatus,
    message: messages.networkErrorMessage(networkReason(error)),
    logId,
    endpoint,
    kind: 'transient',
    hint: 'Check connectivity (DNS, proxy, firewall) to the configured Feishu domain.',
    cause: error,
  });
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code ?? (error instanceof Error ? error.message : 'network error');
}

function parseJson(text: string): FeishuBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as FeishuBody)
      : undefined;
  } catch {
    return undefined;
  }
}

function withQuery(url: string, query: Record<string, string> | undefined): string {
  if (!query || Object.keys(query).length === 0) return url;
  const target = new URL(url);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  return target.toString();
}

/** The path of a URL, without its query: what errors and logs name. */
export function endpointOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

function describe(error: unknown): string {
  if (error instanceof FeishuApiError)
    return `${error.kind}, code ${error.code}, HTTP ${error.httpStatus ?? '-'}`;
  return 'error';
}
