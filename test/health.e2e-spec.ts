import { Controller, Get, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  FeishuAuthModule,
  type FeishuAuthModuleOptions,
  type FeishuTokenStore,
  InMemoryTokenStore,
  TokenService,
} from '@feishu-auth/nestjs';
import { FeishuHealthIndicator, FeishuHealthModule } from '@feishu-auth/nestjs/health';
import { emulatorPerTest } from './support/emulator-per-test.js';
import { emulatorOptions } from './support/core-app.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly feishu: FeishuHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.feishu.isHealthy('feishu')]);
  }
}

async function startHealthApp(options: FeishuAuthModuleOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [FeishuAuthModule.forRoot(options), TerminusModule, FeishuHealthModule],
    controllers: [HealthController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

/** A store whose reads fail, as Redis does when it is down. */
class FailingReadsStore extends InMemoryTokenStore {
  override getToken(): ReturnType<FeishuTokenStore['getToken']> {
    return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  }
}

describe('FeishuHealthIndicator (e2e, terminus, emulator)', () => {
  const fixture = emulatorPerTest();

  /** Starts the app of the test; the fixture closes it. */
  async function start(
    overrides: Partial<FeishuAuthModuleOptions> = {},
  ): Promise<INestApplication> {
    fixture.app = await startHealthApp(emulatorOptions(fixture.emulator, overrides));
    return fixture.app;
  }

  it('should answer 100 probes of a cold app up, without a single call to Feishu', async () => {
    const app = await start();

    for (let probe = 0; probe < 100; probe++) {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.body.details.feishu).toMatchObject({
        status: 'up',
        store: 'up',
        token: 'renewable',
        scheduler: 'ticking',
      });
    }
    expect(fixture.emulator.stats()).toEqual({});
  });

  it('should report the token fresh once fetched, and probe without fetching it again', async () => {
    const app = await start();
    const token = await app.get(TokenService).getTenantAccessToken();

    for (let probe = 0; probe < 50; probe++) {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.body.details.feishu).toMatchObject({ status: 'up', token: 'fresh' });
      expect(JSON.stringify(response.body)).not.toContain(token);
    }
    expect(fixture.emulator.stats()).toEqual({ 'tenant_access_token.internal': 1 });
  });

  it('should answer 503 with the store down when the store does not answer', async () => {
    const app = await start({ store: new FailingReadsStore() });

    const response = await request(app.getHttpServer()).get('/health').expect(503);

    expect(response.body.details.feishu).toEqual(
      expect.objectContaining({ status: 'down', store: 'down', token: 'unknown' }),
    );
    expect(JSON.stringify(response.body)).not.toContain('6379');
  });

  it('should answer 503 with the token failing once a renewal failed and no token is held', async () => {
    const app = await start({ appSecret: 'wrong-secret-0123456789' });
    await app
      .get(TokenService)
      .getTenantAccessToken()
      .catch(() => undefined);

    const response = await request(app.getHttpServer()).get('/health').expect(503);

    expect(response.body.details.feishu).toMatchObject({ status: 'down', token: 'failing' });
    expect(JSON.stringify(response.body)).not.toContain('wrong-secret');
  });
});
