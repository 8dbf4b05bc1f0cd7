import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type EmulatorApp,
  type EmulatorTenant,
  type EmulatorTokenLifetimes,
  type EmulatorUser,
  type FeishuEmulatorOptions,
  type ResolvedEmulatorOptions,
  resolveOptions,
} from './emulator.options.js';
import {
  bodyTooLargeMessage,
  malformedBodyMessage,
  unknownPathMessage,
} from './emulator.messages.js';
import type { EmulatorRuntime, Route } from './emulator.runtime.js';
import type { IssueAuthorizationCodeInput } from './emulator.types.js';
import { authorizeRoute, consentRoute } from './endpoints/authorize.endpoint.js';
import {
  appAccessTokenInternalRoute,
  appAccessTokenRoute,
  appTicketResendRoute,
  tenantAccessTokenInternalRoute,
  tenantAccessTokenRoute,
} from './endpoints/auth-v3.endpoint.js';
import {
  CONTROL_PREFIX,
  type EmulatorControl,
  handleControlRequest,
} from './endpoints/control.endpoint.js';
import { oauthTokenV2Route } from './endpoints/oauth-token-v2.endpoint.js';
import { oauthTokenV3Route } from './endpoints/oauth-token-v3.endpoint.js';
import { oidcAccessTokenRoute, oidcRefreshAccessTokenRoute } from './endpoints/oidc-v1.endpoint.js';
import { contactUserRoute } from './endpoints/contact.endpoint.js';
import { imMessageCreateRoute } from './endpoints/im-message.endpoint.js';
import { calendarPrimaryRoute, sampleMeRoute } from './endpoints/openapi-sample.endpoint.js';
import { tenantQueryRoute } from './endpoints/tenant.endpoint.js';
import { userInfoRoute } from './endpoints/user-info.endpoint.js';
import { AppTicketPusher, type EventDeliveryResult } from './events/app-ticket.pusher.js';
import { type UrlVerificationResult, verifyEventUrl } from './events/url-verification.js';
import { type EmulatorFault, FaultQueue } from './faults.js';
import { readBody } from './http/request-body.js';
import type { RequestContext } from './http/request-context.js';
import { newLogId, sendJson, sendShapedError } from './http/responses.js';
import { matchRoute } from './http/route-match.js';
import type {
  EmulatorApiHandler,
  EmulatorHttpMethod,
  EmulatorRouteHandle,
  EmulatorRouteOptions,
} from './openapi/openapi-call.js';
import { ProgrammableRoutes } from './openapi/programmable-routes.js';
import { RateLimiter } from './rate-limit.js';
import { AuthorizationCodes } from './state/authorization-codes.js';
import { EmulatorClock } from './state/clock.js';
import { completeApp, defaultApps } from './state/default-apps.js';
import { completeTenant, defaultTenants } from './state/default-tenants.js';
import { completeUser, defaultUsers } from './state/default-users.js';
import { openIdInApp } from './state/open-ids.js';
import { type EmulatorSentMessage, SentMessages } from './state/sent-messages.js';
import { EmulatorStats } from './state/stats.js';
import { type TokenKind, type TokenRecord, TokenRegistry } from './state/token-registry.js';

const ROUTES: readonly Route[] = [
  authorizeRoute,
  consentRoute,
  oauthTokenV2Route,
  oauthTokenV3Route,
  oidcAccessTokenRoute,
  oidcRefreshAccessTokenRoute,
  userInfoRoute,
  tenantAccessTokenInternalRoute,
  appAccessTokenInternalRoute,
  appAccessTokenRoute,
  tenantAccessTokenRoute,
  appTicketResendRoute,
  tenantQueryRoute,
  contactUserRoute,
  imMessageCreateRoute,
  calendarPrimaryRoute,
  sampleMeRoute,
];

/**
 * A local Feishu / Lark open platform on node:http: the authorize page, the v1/v2/v3 token
 * endpoints, user_info, app and tenant tokens, app_ticket push, fault injection and a control API.
 * @publicApi
 */
export class FeishuEmulator implements EmulatorControl {
  readonly apps: EmulatorApp[];
  readonly users: EmulatorUser[];
  readonly tenants: EmulatorTenant[];

  private readonly options: ResolvedEmulatorOptions;
  private readonly clock: EmulatorClock;
  private readonly tokens = new TokenRegistry();
  private readonly codes = new AuthorizationCodes();
  private readonly counters = new EmulatorStats();
  private readonly faults = new FaultQueue();
  private readonly messages = new SentMessages();
  private readonly programmable = new ProgrammableRoutes();
  private readonly appTickets = new Map<string, string>();
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly pusher: AppTicketPusher;
  private readonly runtime: EmulatorRuntime;
  private readonly server: Server;
  private ticketTimer: NodeJS.Timeout | undefined;
  private baseUrl = '';

  private constructor(options: FeishuEmulatorOptions) {
    this.options = resolveOptions(options);
    this.clock = new EmulatorClock(this.options.clock);
    this.apps = options.apps ? options.apps.map(completeApp) : defaultApps();
    this.users = options.users ? options.users.map(completeUser) : defaultUsers();
    this.tenants = options.tenants ? options.tenants.map(completeTenant) : defaultTenants();
    this.rateLimiter = this.options.rateLimit ? new RateLimiter(this.options.rateLimit) : undefined;
    this.pusher = new AppTicketPusher(this.options, this.clock, this.counters, this.appTickets);
    this.runtime = this.createRuntime();
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  /** Starts listening; `port: 0` (default) picks a free port. */
  static async start(options: FeishuEmulatorOptions = {}): Promise<FeishuEmulator> {
    const emulator = new FeishuEmulator(options);
    await emulator.listen();
    return emulator;
  }

  /** Base URL, used as both the `open` and the `accounts` domain. */
  get url(): string {
    return this.baseUrl;
  }

  now(): number {
    return this.clock.now();
  }

  stats(): Record<string, number> {
    return this.counters.snapshot();
  }

  resetStats(): void {
    this.counters.reset();
  }

  failNext(fault: EmulatorFault): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setTokenLifetimes(lifetimes: Partial<EmulatorTokenLifetimes>): void {
    for (const [name, seconds] of Object.entries(lifetimes)) {
      if (!(name in this.options.tokenLifetimes))
        throw new TypeError(`unknown token lifetime: ${name}`);
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
        throw new TypeError(`token lifetime ${name} must be a positive number of seconds`);
      }
    }
    Object.assign(this.options.tokenLifetimes, lifetimes);
  }

  /** Kills any issued token before its expiry, as a secret reset would. Returns whether it existed. */
  invalidateToken(token: string): boolean {
    return this.tokens.invalidate(token);
  }

  /** Kills every tenant and app token of one app (or of all apps). */
  invalidateTenantTokens(appId?: string): void {
    this.tokens.invalidateWhere(
      (record) =>
        (record.kind === 'tenant' || record.kind === 'app') &&
        (appId === undefined || record.appId === appId),
    );
  }

  /**
   * Revokes every live refresh token of the user, in every app: the next refresh answers 20064.
   * `openId` is the user's open_id in any app.
   */
  revokeRefreshTokens(openId: string): void {
    if (!this.findUserByAnyOpenId(openId)) return;
    for (const record of this.liveUserTokens(openId, 'user_refresh')) record.state = 'revoked';
  }

  /**
   * Ends every live user access token of the user now, as if its lifetime had passed: the next
   * OpenAPI call with one answers 99991677, and the refresh token still works.
   */
  expireUserTokens(openId: string): number {
    const now = this.clock.now();
    const tokens = this.liveUserTokens(openId, 'user_access');
    for (const record of tokens) record.expiresAt = Math.min(record.expiresAt, now);
    return tokens.length;
  }

  /**
   * Revokes the user's authorization of every app: access tokens answer 99991668 and refresh
   * tokens 20064 from now on, so the user must sign in again.
   */
  revokeUserTokens(openId: string): number {
    const tokens = this.liveUserTokens(openId, 'user_access');
    for (const record of tokens) record.state = 'revoked';
    this.revokeRefreshTokens(openId);
    return tokens.length;
  }

  /**
   * Serves `handler` for an OpenAPI route the emulator does not have (or replaces a built-in one).
   * The gateway checks the Bearer token first (`options.tokens`, default tenant and user tokens);
   * the handler gets the authenticated app, tenant and user with the parsed body, path params
   * and query, and returns the answer's `data` (or throws `EmulatorApiError`). The handle's
   * `calls` is what the app sent.
   */
  route(
    method: EmulatorHttpMethod,
    pattern: string,
    handler: EmulatorApiHandler,
    options?: EmulatorRouteOptions,
  ): EmulatorRouteHandle {
    return this.programmable.add(method, pattern, handler, options);
  }

  /** The messages apps sent through `POST /open-apis/im/v1/messages`, oldest first. */
  sentMessages(): EmulatorSentMessage[] {
    return this.messages.list();
  }

  clearSentMessages(): void {
    this.messages.clear();
  }

  /**
   * The open_id the app sees for the user: open_id is per app on Feishu, and only in the default
   * app (`cli_emulator_selfbuilt`) is it `users[i].openId`. The user is given as one of `users`,
   * or by its open_id in any app. union_id and user_id stay the same in every app.
   */
  openIdFor(appId: string, userOrOpenId: EmulatorUser | string): string {
    const app = this.requireApp(appId);
    const key = typeof userOrOpenId === 'string' ? userOrOpenId : userOrOpenId?.openId;
    const user = typeof key === 'string' ? this.findUserByAnyOpenId(key) : undefined;
    if (!user) throw new Error(`unknown user: ${String(key)}`);
    return openIdInApp(app.appId, user.openId);
  }

  /** The user named by its open_id in any app (or undefined). */
  findUser(openId: string): EmulatorUser | undefined {
    return typeof openId === 'string' ? this.findUserByAnyOpenId(openId) : undefined;
  }

  addRedirectUri(appId: string, uri: string): void {
    const app = this.requireApp(appId);
    if (!app.redirectUris.includes(uri)) app.redirectUris.push(uri);
  }

  /** Adds an app, or replaces the one with the same appId; missing fields get defaults. */
  addApp(app: Partial<EmulatorApp> & { appId: string }): EmulatorApp {
    const complete = completeApp(app);
    replaceOrPush(this.apps, complete, (existing) => existing.appId === app.appId);
    return complete;
  }

  /** Adds a user, or replaces the one with the same openId; missing fields get defaults. */
  addUser(user: Partial<EmulatorUser> & { openId: string }): EmulatorUser {
    const complete = completeUser(user);
    replaceOrPush(this.users, complete, (existing) => existing.openId === user.openId);
    return complete;
  }

  /** Changes a user (named by its open_id in any app) in place, e.g. `{ status: 'resigned' }`. */
  updateUser(openId: string, patch: Partial<Omit<EmulatorUser, 'openId'>>): EmulatorUser {
    const user = this.findUserByAnyOpenId(openId);
    if (!user) throw new Error(`unknown user: ${openId}`);
    return Object.assign(user, patch);
  }

  /**
   * A code as the authorize step would give it, with the same lifetime and single-use rules.
   * `openId` is the user's open_id in that app (or, as with `login_hint`, in the default app).
   */
  issueAuthorizationCode(input: IssueAuthorizationCodeInput): string {
    if (input === null || typeof input !== 'object')
      throw new TypeError('issueAuthorizationCode needs an object');
    const app = this.requireApp(input.appId);
    const user =
      this.findUserInApp(app.appId, input.openId) ??
      this.users.find((candidate) => candidate.openId === input.openId);
    if (!user) throw new Error(`unknown user: ${String(input.openId)}`);
    // As on the authorize page: offline_access an app lacks is silently not granted.
    const scopes = (input.scopes ?? []).filter(
      (scope) => scope !== 'offline_access' || app.scopes.includes(scope),
    );
    const disabled = scopes.filter((scope) => !app.scopes.includes(scope));
    if (disabled.length > 0)
      throw new Error(`scopes not enabled for ${app.appId} (20027): ${disabled.join(' ')}`);
    if (input.redirectUri !== undefined && !app.redirectUris.includes(input.redirectUri)) {
      throw new Error(`redirect_uri is not registered for ${app.appId}`);
    }
    const method = input.codeChallengeMethod ?? 'plain';
    if (method !== 'S256' && method !== 'plain')
      throw new Error('codeChallengeMethod must be S256 or plain');
    const now = this.clock.now();
    return this.codes.issue({
      appId: app.appId,
      userKey: user.openId,
      tenantKey: user.tenantKey,
      redirectUri: input.redirectUri,
      codeChallenge: input.codeChallenge,
      codeChallengeMethod: input.codeChallenge ? method : undefined,
      requestedScopes: scopes,
      issuedAt: now,
      expiresAt: now + this.options.tokenLifetimes.code * 1000,
    }).code;
  }

  /** Mints a new app_ticket (the only one accepted from now on) and POSTs it to the app's eventUrl. */
  async pushAppTicket(appId: string): Promise<void> {
    await this.deliverAppTicket(appId);
  }

  /** As pushAppTicket, reporting whether the app acknowledged the first delivery. */
  async deliverAppTicket(appId: string): Promise<EventDeliveryResult> {
    const app = this.requireApp(appId);
    if (app.type !== 'store') throw new Error(`${appId} is not a store app: no app_ticket`);
    return this.pusher.push(app);
  }

  /**
   * What saving the app's event URL in the developer console does: POSTs a `url_verification`
   * challenge (encrypted when the app has an Encrypt Key) and reports whether the app echoed it
   * as JSON `{"challenge"}` with HTTP 200 within 1 s.
   */
  async verifyEventUrl(appId: string): Promise<UrlVerificationResult> {
    return verifyEventUrl(this.requireApp(appId), this.options, this.clock, this.counters);
  }

  async close(): Promise<void> {
    if (this.ticketTimer) clearInterval(this.ticketTimer);
    this.pusher.close();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.baseUrl = `http://${host}:${address.port}`;
    this.ticketTimer = setInterval(
      () => this.pushAllAppTickets(),
      this.options.appTicketIntervalSeconds * 1000,
    );
    this.ticketTimer.unref();
  }

  private pushAllAppTickets(): void {
    for (const app of this.apps) {
      if (app.type === 'store' && app.eventUrl) void this.pusher.push(app);
    }
  }

  private createRuntime(): EmulatorRuntime {
    return {
      options: this.options,
      clock: this.clock,
      apps: this.apps,
      users: this.users,
      tokens: this.tokens,
      codes: this.codes,
      appTickets: this.appTickets,
      messages: this.messages,
      findApp: (appId) =>
        appId === undefined ? undefined : this.apps.find((app) => app.appId === appId),
      findUser: (userKey) =>
        userKey === undefined ? undefined : this.users.find((user) => user.openId === userKey),
      findUserInApp: (appId, openId) => this.findUserInApp(appId, openId),
      openIdIn: (appId, user) => openIdInApp(appId, user.openId),
      findTenant: (tenantKey) =>
        this.tenants.find((tenant) => tenant.tenantKey === tenantKey) ??
        completeTenant({ tenantKey }),
      scheduleAppTicketPush: (appId) => {
        const app = this.apps.find((candidate) => candidate.appId === appId);
        // After the resend answer is on its way, as the platform pushes "shortly after".
        if (app) setImmediate(() => void this.pusher.push(app));
      },
    };
  }

  private liveUserTokens(openId: string, kind: TokenKind): TokenRecord[] {
    const user = this.findUserByAnyOpenId(openId);
    if (!user) throw new Error(`unknown user: ${openId}`);
    return [...this.tokens.all()].filter(
      (record) => record.kind === kind && record.userKey === user.openId && record.state === 'live',
    );
  }

  private findUserInApp(appId: string, openId: unknown): EmulatorUser | undefined {
    if (typeof openId !== 'string') return undefined;
    return this.users.find((user) => openIdInApp(appId, user.openId) === openId);
  }

  /** By the user's key (its default-app open_id) or its open_id in any registered app. */
  private findUserByAnyOpenId(openId: string): EmulatorUser | undefined {
    return (
      this.users.find((user) => user.openId === openId) ??
      this.apps.map((app) => this.findUserInApp(app.appId, openId)).find(Boolean)
    );
  }

  private requireApp(appId: string): EmulatorApp {
    const app = this.apps.find((candidate) => candidate.appId === appId);
    if (!app) throw new Error(`unknown app: ${String(appId)}`);
    return app;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('X-Tt-Logid', newLogId(this.clock.now()));
    let shape: Route['shape'] = 'feishu';
    try {
      const url = new URL(request.url ?? '/', 'http://emulator.invalid');
      const method = request.method ?? 'GET';
      if (this.options.logRequests) {
        response.once('finish', () =>
          console.log(`[feishu-emulator] ${method} ${url.pathname} → ${response.statusCode}`),
        );
      }
      if (url.pathname.startsWith(CONTROL_PREFIX)) {
        await handleControlRequest(this, request, response, url.pathname);
        return;
      }
      const match =
        this.programmable.match(method, url.pathname) ?? matchRoute(ROUTES, method, url.pathname);
      if (!match) {
        await drain(request);
        sendJson(response, 404, { code: 404, msg: unknownPathMessage(method, url.pathname) });
        return;
      }
      const { route, params } = match;
      shape = route.shape;
      const body = await readBody(request);
      const ctx: RequestContext = {
        request,
        response,
        method,
        path: url.pathname,
        query: url.searchParams,
        body: body.kind === 'ok' ? body.fields : {},
        rawBody: body.kind === 'too-large' ? '' : body.raw,
        logId: String(response.getHeader('X-Tt-Logid')),
        params,
      };
      const statsKey = route.statsKey(ctx);
      if (statsKey) this.counters.increment(statsKey);
      if (this.rateLimited(route, ctx)) return;
      if (await this.applyFault(route, ctx, statsKey)) return;
      if (body.kind === 'too-large') {
        sendShapedError(
          response,
          route.shape,
          413,
          route.badBodyCode,
          bodyTooLargeMessage(64 * 1024),
        );
        return;
      }
      if (body.kind === 'malformed' && route.requiresWellFormedBody) {
        sendShapedError(
          response,
          route.shape,
          400,
          route.badBodyCode,
          shape === 'oauth' ? undefined : malformedBodyMessage(),
        );
        return;
      }
      await route.handle(ctx, this.runtime);
    } catch (error) {
      console.error(
        '[feishu-emulator] handler failed:',
        error instanceof Error ? error.message : error,
      );
      if (!response.headersSent) sendShapedError(response, shape, 500, 20050);
      else response.destroy();
    }
  }

  private rateLimited(route: Route, ctx: RequestContext): boolean {
    if (!this.rateLimiter || !route.rateLimitSubject) return false;
    const subject = route.rateLimitSubject(ctx);
    if (subject === undefined) return false;
    const verdict = this.rateLimiter.hit(
      `${route.method} ${route.pattern} ${subject}`,
      this.clock.now(),
    );
    if (!verdict.limited) return false;
    sendJson(
      ctx.response,
      429,
      { code: 99991400, msg: 'request trigger frequency limit' },
      {
        'x-ogw-ratelimit-limit': String(verdict.limit),
        'x-ogw-ratelimit-reset': String(verdict.resetSeconds),
      },
    );
    return true;
  }

  /** Serves an armed fault; true when the fault answered (or cut) the call. */
  private async applyFault(route: Route, ctx: RequestContext, statsKey: string): Promise<boolean> {
    const fault = this.faults.take(statsKey || route.pattern, ctx.path);
    if (!fault) return false;
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.resetConnection) {
      ctx.request.socket.destroy();
      return true;
    }
    if (fault.malformedBody) {
      ctx.response.writeHead(fault.status ?? 200, {
        'Content-Type': 'application/json; charset=utf-8',
      });
      ctx.response.end('{"code":0,"msg":"success","data":{"tok');
      return true;
    }
    if (fault.status === undefined && fault.code === undefined) return false;
    const code = fault.code ?? defaultFaultCode(route.shape, fault.status ?? 500);
    sendShapedError(ctx.response, route.shape, fault.status, code, fault.msg);
    return true;
  }
}

function defaultFaultCode(shape: Route['shape'], status: number): number {
  if (status === 429) return 99991400;
  if (shape === 'oauth') return status === 503 ? 20072 : 20050;
  return status;
}

async function drain(request: IncomingMessage): Promise<void> {
  await readBody(request).catch(() => undefined);
}

function replaceOrPush<T>(list: T[], item: T, same: (existing: T) => boolean): void {
  const index = list.findIndex(same);
  if (index >= 0) list[index] = item;
  else list.push(item);
}
