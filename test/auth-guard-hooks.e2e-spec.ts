import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  Controller,
  Get,
  Injectable,
  UnauthorizedException,
  UseGuards,
  type ExecutionContext,
  type HttpException,
  type INestApplication,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import request from 'supertest';
import type { FeishuEmulator } from '@feishu-auth/emulator';
import {
  FeishuAuthGuard,
  FeishuUser,
  UserAccessToken,
  type FeishuAuthContext,
  type FeishuAuthenticatedRequest,
  type FeishuHttpRequest,
} from '@feishu-auth/nestjs';
import { HomeController } from '../docs/examples/auth-guard-hooks.js';
import { emulatorPerTest } from './support/emulator-per-test.js';
import type { CookieJar } from './support/cookie-jar.js';
import { createTestApp, login } from './support/login-app.js';
import { HTTP_PLATFORMS } from './support/http-platform.js';

/** Lets the user in under another user's open_id: the tokens read for the user must not follow. */
@Injectable()
class RenamingGuard extends FeishuAuthGuard {
  static openId: string | undefined;

  protected override handleRequest(
    refusal: HttpException | undefined,
    auth: FeishuAuthContext | undefined,
    context: ExecutionContext,
  ): FeishuAuthContext | undefined {
    const admitted = super.handleRequest(refusal, auth, context);
    return admitted && { ...admitted, openId: RenamingGuard.openId ?? admitted.openId };
  }
}

@UseGuards(RenamingGuard)
@Controller('renamed')
class RenamedController {
  @Get()
  token(@FeishuUser('name') name: string, @UserAccessToken() token: string) {
    return { name, token: token.length > 0 };
  }
}

/** As a GraphQL app's guard: the HTTP request and response travel in the context's third argument. */
@Injectable()
class ContextArgumentGuard extends FeishuAuthGuard {
  protected override getRequest(context: ExecutionContext) {
    return context.getArgByIndex<GraphqlContext>(2).req;
  }

  protected override getResponse(context: ExecutionContext) {
    return context.getArgByIndex<GraphqlContext>(2).res;
  }
}

interface GraphqlContext {
  req: FeishuAuthenticatedRequest<FeishuHttpRequest>;
  res: ServerResponse;
}

class ProfileResolver {
  profile(@UserAccessToken() token: string): string {
    return token;
  }
}

function notHttp(): never {
  throw new Error('not an HTTP context');
}

/** An execution context that is not HTTP's: the guard must go through its hooks to find the request. */
function graphqlContext(graphql: GraphqlContext): ExecutionContext {
  const args = [{}, {}, graphql, {}];
  return {
    getArgs: <T extends unknown[]>() => args as T,
    getArgByIndex: <T>(index: number) => args[index] as T,
    getHandler: () => ProfileResolver.prototype.profile,
    getClass: <T>() => ProfileResolver as T,
    getType: <T extends string>() => 'graphql' as T,
    switchToHttp: notHttp,
    switchToRpc: notHttp,
    switchToWs: notHttp,
  };
}

describe.each(HTTP_PLATFORMS)("FeishuAuthGuard's protected hooks on %s (e2e)", (platform) => {
  const fixture = emulatorPerTest();
  let emulator: FeishuEmulator;
  let app: INestApplication;
  let openId: string;

  beforeEach(async () => {
    emulator = fixture.emulator;
    app = fixture.app = await createTestApp({
      emulator,
      platform,
      controllers: [HomeController, RenamedController],
    });
    openId = emulator.users[0].openId;
    RenamingGuard.openId = undefined;
  });

  function get(path: string, jar?: CookieJar) {
    const call = request(app.getHttpServer()).get(path);
    return jar === undefined ? call : call.set('Cookie', jar.header());
  }

  it('should let a route shouldSkip names in without credentials, and no other', async () => {
    await get('/health').expect(200, { ok: true });
    expect((await get('/profile')).status).toBe(401);
  });

  it('should let handleRequest turn a 401 into a guest and admit signed-in users as before', async () => {
    await get('/welcome').expect(200, { name: 'guest' });
    const jar = await login(app, openId);
    await get('/welcome', jar).expect(200, { name: emulator.users[0].name });
    await get('/profile', jar).expect(200, { openId });
  });

  it('should hand the tokens it read to the admitted user only', async () => {
    const jar = await login(app, openId);
    await get('/renamed', jar).expect(200, { name: emulator.users[0].name, token: true });

    RenamingGuard.openId = emulator.users[1].openId;
    const renamed = await get('/renamed', jar);
    expect(renamed.status).toBe(401);
    expect(renamed.body.reason).toMatch(/needs FeishuAuthGuard/);
  });

  it('should authenticate the request getRequest returns and end a revoked session on the response getResponse returns', async () => {
    const guard = await app.get(ModuleRef).create(ContextArgumentGuard);
    emulator.setTokenLifetimes({ accessToken: 60 }); // always due: every read refreshes
    const jar = await login(app, openId);
    const graphql = (): GraphqlContext => ({
      req: { headers: { cookie: jar.header() }, url: '/graphql' },
      res: new ServerResponse(new IncomingMessage(new Socket())),
    });

    const admitted = graphql();
    await expect(guard.canActivate(graphqlContext(admitted))).resolves.toBe(true);
    expect(admitted.req.feishu?.openId).toBe(openId);

    emulator.revokeRefreshTokens(openId);
    const revoked = graphql();
    await expect(guard.canActivate(graphqlContext(revoked))).rejects.toBeInstanceOf(
      UnauthorizedException,
    );
    expect(String(revoked.res.getHeader('set-cookie'))).toMatch(/^feishu_session=;.*Max-Age=0/);
    expect((await get('/profile', jar)).status).toBe(401);
  });
});
