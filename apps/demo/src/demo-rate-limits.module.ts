import { Module, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';

/** Requests a client may send a minute to the routes that make the app call Feishu. */
export const DEMO_RATE_LIMIT_PER_MINUTE = 30;
/** Login, callback, in-app code and the API: each can cost a Feishu call. Pages are not limited. */
const LIMITED_PATHS = /^\/(?:auth\/feishu\/(?:login|callback|code)|api\/)/;

/** The path of the request, on Express (`originalUrl`) or Fastify (`url`). */
function requestPath(context: ExecutionContext): string {
  const request = context.switchToHttp().getRequest<{ originalUrl?: string; url: string }>();
  return (request.originalUrl ?? request.url).split('?', 1)[0];
}

/**
 * Per-client rate limits with `@nestjs/throttler` on the login, code and API routes (429 over
 * the limit), as the library's README shows. `main.ts` loads it for `npm start`; the demo's Jest
 * tests start the demo without it, because `@nestjs/throttler` 6 is CommonJS that requires the
 * ESM-only `@nestjs/common` 12, which Node loads (require of ESM) and Jest on Node 20 cannot.
 * `test/quick-start.integration-spec.ts` proves the limit on the started demo.
 */
@Module({
  imports: [
    ThrottlerModule.forRoot({
      throttlers: [{ ttl: 60_000, limit: DEMO_RATE_LIMIT_PER_MINUTE }],
      skipIf: (context) => !LIMITED_PATHS.test(requestPath(context)),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class DemoRateLimitsModule {}
