import {
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  Redirect,
  Req,
  Res,
  UseGuards,
  type INestApplication,
  type LoggerService,
  type Type,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request, Response } from 'express';
import request from 'supertest';
import type { FeishuEmulator } from '@feishu-auth/emulator';
import { CookieJar } from './cookie-jar.js';
import { emulatorOptions } from './core-app.js';
import { createPlatformApp, type HttpPlatform } from './http-platform.js';
import {
  FeishuAuthGuard,
  FeishuAuthModule,
  FeishuCodeGuard,
  FeishuLoginGuard,
  FeishuSessionService,
  FeishuUser,
  TenantAccessToken,
  UserAccessToken,
  type FeishuAuthModuleOptions,
  type FeishuAuthenticatedRequest,
  type FeishuProfile,
} from '@feishu-auth/nestjs';

/** The controllers of DESIGN.md, exactly as a user writes them. */
@Controller('auth/feishu')
class AuthController {
  constructor(private readonly sessions: FeishuSessionService) {}

  @Get('login')
  @UseGuards(FeishuLoginGuard)
  login() {}

  // Nest's @Redirect() and passthrough responses: the same code on Express and Fastify.
  @Get('callback')
  @UseGuards(FeishuLoginGuard)
  @Redirect('/', 302)
  callback() {}

  @Get('logout')
  @Redirect('/', 302)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.logout(req, res);
  }

  /** The in-app login of docs/in-app-login.md. */
  @Post('code')
  @HttpCode(200)
  @UseGuards(FeishuCodeGuard)
  code(@FeishuUser('name') name: string, @Req() req: FeishuAuthenticatedRequest) {
    return { name, ...req.feishuSessionToken };
  }

  @Post('logout')
  @HttpCode(204)
  async logoutWithoutRedirect(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.sessions.logout(req, res);
  }
}

/** A callback handler that uses the validated returnTo. */
@Controller('return-to')
class ReturnToController {
  @Get('callback')
  @UseGuards(FeishuLoginGuard)
  @Redirect('/', 302)
  callback(@Req() req: FeishuAuthenticatedRequest) {
    return { url: req.feishuReturnTo ?? '/' };
  }
}

@UseGuards(FeishuAuthGuard)
@Controller('me')
class MeController {
  @Get()
  me(
    @FeishuUser() user: FeishuProfile,
    @UserAccessToken() userToken: string,
    @TenantAccessToken() tenantToken: string,
  ) {
    // Only fingerprints leave the test app, as a real app should do.
    return { user, userToken: userToken.length > 0, tenantToken: tenantToken.length > 0 };
  }

  @Get('name')
  name(@FeishuUser('name') name: string, @Req() req: FeishuAuthenticatedRequest) {
    return { name, mode: req.feishu?.mode };
  }

  @Get('user-token')
  userToken(@UserAccessToken() token: string) {
    return { length: token.length };
  }
}

export interface TestAppOptions {
  emulator: FeishuEmulator;
  overrides?: Partial<FeishuAuthModuleOptions>;
  logger?: LoggerService;
  /** Default `'express'`. */
  platform?: HttpPlatform;
  /** Controllers of the test's own, beside the DESIGN.md ones. */
  controllers?: Type[];
}

/** {@link emulatorOptions} without retries: a failing Feishu call fails the request at once. */
export function moduleOptions(
  emulator: FeishuEmulator,
  overrides: Partial<FeishuAuthModuleOptions> = {},
): FeishuAuthModuleOptions {
  return emulatorOptions(emulator, { http: { retries: 0, timeoutMs: 5000 }, ...overrides });
}

/** A Nest app with FeishuAuthModule on the emulator and the DESIGN.md controllers. */
export async function createTestApp(options: TestAppOptions): Promise<INestApplication> {
  @Module({
    imports: [FeishuAuthModule.forRoot(moduleOptions(options.emulator, options.overrides))],
    controllers: [AuthController, ReturnToController, MeController, ...(options.controllers ?? [])],
  })
  class TestAppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [TestAppModule] }).compile();
  return createPlatformApp(
    moduleRef,
    options.platform ?? 'express',
    options.logger === undefined ? {} : { logger: options.logger },
  );
}

export interface StartedLogin {
  authorizeUrl: URL;
  jar: CookieJar;
}

/** GET the app's login route: the redirect to Feishu and the binding cookie. */
export async function startLogin(
  app: INestApplication,
  jar = new CookieJar(),
  path = '/auth/feishu/login',
): Promise<StartedLogin> {
  const response = await request(app.getHttpServer()).get(path).set('Cookie', jar.header());
  if (response.status !== 302) {
    throw new Error(`login route answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  jar.store(response.headers['set-cookie']);
  return { authorizeUrl: new URL(response.headers.location), jar };
}

export interface FeishuCallback {
  code: string;
  state: string;
  redirect: URL;
}

/** Follows the authorize URL at the emulator with `login_hint`, as a user who approves. */
export async function approveAtEmulator(
  authorizeUrl: URL,
  openId: string,
): Promise<FeishuCallback> {
  const url = new URL(authorizeUrl);
  url.searchParams.set('login_hint', openId);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`emulator authorize answered ${response.status}: ${await response.text()}`);
  }
  const redirect = new URL(location);
  return {
    code: redirect.searchParams.get('code') ?? '',
    state: redirect.searchParams.get('state') ?? '',
    redirect,
  };
}

/** GET the app's callback with a query, as the browser holding `jar`. */
export function callback(
  app: INestApplication,
  query: Record<string, string>,
  jar: CookieJar,
  path = '/auth/feishu/callback',
) {
  const search = new URLSearchParams(query).toString();
  return request(app.getHttpServer()).get(`${path}?${search}`).set('Cookie', jar.header());
}

/** The whole login of `openId`; the jar then holds the session cookie. */
export async function login(
  app: INestApplication,
  openId: string,
  finishOn: INestApplication = app,
): Promise<CookieJar> {
  const started = await startLogin(app);
  const { code, state } = await approveAtEmulator(started.authorizeUrl, openId);
  const response = await callback(finishOn, { code, state }, started.jar);
  if (response.status !== 302) {
    throw new Error(`callback answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  started.jar.store(response.headers['set-cookie']);
  return started.jar;
}
