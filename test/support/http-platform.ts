import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TestingModule } from '@nestjs/testing';

/** The HTTP platforms the library supports; suites run over both with `describe.each`. */
export type HttpPlatform = 'express' | 'fastify';

export const HTTP_PLATFORMS: readonly HttpPlatform[] = ['express', 'fastify'];

/**
 * The app of `moduleRef` on `platform`, initialised and ready to serve `app.getHttpServer()`
 * (Fastify answers only once its plugins are loaded). `trustProxy`: `request.ip` follows
 * `X-Forwarded-For` (Express `trust proxy`, Fastify `trustProxy`), so a test can be many clients.
 */
export async function createPlatformApp(
  moduleRef: TestingModule,
  platform: HttpPlatform,
  options: NestApplicationOptions = {},
  { trustProxy = false }: { trustProxy?: boolean } = {},
): Promise<INestApplication> {
  if (platform === 'express') {
    const app = moduleRef.createNestApplication<NestExpressApplication>(options);
    app.set('trust proxy', trustProxy);
    await app.init();
    return app;
  }
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter({ trustProxy }),
    options,
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
