import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionContext } from '@nestjs/common';
import { parseCookie } from 'cookie';
import type { FeishuAuthenticatedRequest } from '../interfaces/feishu-auth-request.interface.js';

/**
 * What the library reads of a request, as Express (`Request`) and Fastify (`FastifyRequest`) both
 * hand it to guards and handlers.
 *
 * @publicApi
 */
export interface FeishuHttpRequest {
  headers: IncomingHttpHeaders;
  url: string;
  method?: string;
  query?: unknown;
  body?: unknown;
  /** Fastify: the Node request under the `FastifyRequest`. */
  raw?: IncomingMessage;
  /** Express: the URL as received, before a router strips its mount path. */
  originalUrl?: string;
  /** The client's address as the platform reads it (Express `trust proxy`, Fastify `trustProxy`). */
  ip?: string;
  /** Express: the connection (the request is the Node request itself). */
  socket?: { remoteAddress?: string };
}

/**
 * Fastify's `FastifyReply`, as far as the library writes to it: headers are kept on the reply
 * until it is sent, so cookies go through `header()` and redirects through `redirect()`.
 *
 * @publicApi
 */
export interface FeishuFastifyReply {
  raw: ServerResponse;
  getHeader(name: string): unknown;
  header(name: string, value: string | string[]): unknown;
  removeHeader(name: string): unknown;
  redirect(url: string, code?: number): unknown;
}

/**
 * A response as Express (`Response`, a Node `ServerResponse`) or Fastify (`FastifyReply`) hands it.
 *
 * @publicApi
 */
export type FeishuHttpResponse = ServerResponse | FeishuFastifyReply;

/**
 * What Passport and its strategy get: a request with the parsed query and body, and the Node
 * response they redirect with (`res.setHeader` / `res.end`) and the login state store writes its
 * cookie on.
 */
export interface PassportHttpRequest {
  headers: IncomingHttpHeaders;
  url: string;
  method?: string;
  query: unknown;
  body: unknown;
  res: ServerResponse;
}

/** The request and response of an HTTP execution context, on either platform. */
export function httpExchange(context: ExecutionContext): {
  request: FeishuAuthenticatedRequest<FeishuHttpRequest>;
  response: FeishuHttpResponse;
} {
  const http = context.switchToHttp();
  return {
    request: http.getRequest<FeishuAuthenticatedRequest<FeishuHttpRequest>>(),
    response: http.getResponse<FeishuHttpResponse>(),
  };
}

/** The one place that tells the platforms apart: only Fastify's reply wraps a `raw` response. */
function isFastifyReply(response: FeishuHttpResponse): response is FeishuFastifyReply {
  return 'raw' in response && typeof (response as FeishuFastifyReply).header === 'function';
}

/** The Node response under either platform's response. */
export function rawResponse(response: FeishuHttpResponse): ServerResponse {
  return isFastifyReply(response) ? response.raw : response;
}

/** The URL as the client sent it: path and query, whatever router the app mounted the route on. */
export function requestUrl(request: FeishuHttpRequest): string {
  return request.originalUrl ?? request.raw?.url ?? request.url;
}

/** The path of `requestUrl`, without the query. */
export function requestPath(request: FeishuHttpRequest): string {
  const url = requestUrl(request);
  const queryStart = url.indexOf('?');
  return queryStart < 0 ? url : url.slice(0, queryStart);
}

/** The parsed query (both platforms give repeated keys as arrays); `{}` when there is none. */
export function requestQuery(request: FeishuHttpRequest): Record<string, unknown> {
  const query = request.query;
  return typeof query === 'object' && query !== null ? (query as Record<string, unknown>) : {};
}

/**
 * The client's address: the platform's own `request.ip`, which follows `X-Forwarded-For` only as
 * far as the app trusts its proxies (Express `app.set('trust proxy', …)`, Fastify `trustProxy`);
 * else the connection's. `'unknown'` when neither is known (a closed socket).
 */
export function clientAddress(request: FeishuHttpRequest): string {
  return (
    request.ip ?? request.socket?.remoteAddress ?? request.raw?.socket.remoteAddress ?? 'unknown'
  );
}

/** A header sent once, as a string; `undefined` when absent. */
export function requestHeader(request: FeishuHttpRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The named cookie, parsed from the `Cookie` header, so the app needs no cookie plugin. */
export function requestCookie(request: FeishuHttpRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length === 0) {
    return undefined;
  }
  return parseCookie(header)[name];
}

/** `true` for a body sent as `application/json` (any parameters, any case). */
export function isJsonRequest(request: FeishuHttpRequest): boolean {
  const type = requestHeader(request, 'content-type');
  return type?.split(';', 1)[0].trim().toLowerCase() === 'application/json';
}

/**
 * Adds a serialized `Set-Cookie` for `name`, replacing one the response already sets for that
 * name and keeping the others (the session and the login binding cookie can go out together).
 */
export function setResponseCookie(
  response: FeishuHttpResponse,
  name: string,
  serialized: string,
): void {
  const cookies = [...otherCookies(response.getHeader('set-cookie'), name), serialized];
  if (isFastifyReply(response)) {
    // Fastify appends to a Set-Cookie it holds: drop it first to replace.
    response.removeHeader('set-cookie');
    response.header('set-cookie', cookies);
  } else {
    response.setHeader('Set-Cookie', cookies);
  }
}

/** Sets one response header through the platform, so it goes out with the answer. */
export function setResponseHeader(response: FeishuHttpResponse, name: string, value: string): void {
  if (isFastifyReply(response)) {
    response.header(name, value);
  } else {
    response.setHeader(name, value);
  }
}

/** Answers a redirect through the platform, so headers it holds (cookies) go out with it. */
export function redirect(response: FeishuHttpResponse, status: number, location: string): void {
  if (isFastifyReply(response)) {
    response.redirect(location, status);
    return;
  }
  response.statusCode = status;
  response.setHeader('Location', location);
  response.setHeader('Content-Length', '0');
  response.end();
}

/**
 * The request and response Passport is given: Express's own (its request already links its
 * response), or, on Fastify, the parsed request's parts over the Node response.
 */
export function passportExchange(
  request: FeishuHttpRequest,
  response: FeishuHttpResponse,
): { request: PassportHttpRequest; response: ServerResponse } {
  if (!isFastifyReply(response)) {
    // Express's request has all of it, `res` included: hand over the request itself.
    return { request: request as PassportHttpRequest, response };
  }
  const view: PassportHttpRequest = {
    headers: request.headers,
    url: requestUrl(request),
    method: request.method,
    query: requestQuery(request),
    body: request.body,
    res: response.raw,
  };
  return { request: view, response: response.raw };
}

function otherCookies(existing: unknown, name: string): string[] {
  const all = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return all.map(String).filter((cookie) => !cookie.startsWith(`${name}=`));
}
