import { Controller, Get, HttpCode, Module, Post, UseGuards } from '@nestjs/common';
import { FeishuAuthGuard, FeishuCodeGuard, FeishuLoginGuard } from '@feishu-auth/nestjs';
// #region rate-limits
import { SkipThrottle, Throttle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';

// Class guards run before method guards: an over-limit client gets 429 before any login work.
@UseGuards(ThrottlerGuard)
@Throttle({ default: { limit: 20, ttl: 60_000 } }) // per client address
@Controller('auth/feishu')
export class AuthController {
  @Get('login') @UseGuards(FeishuLoginGuard) login() {}
  @Get('callback') @UseGuards(FeishuLoginGuard) callback() {}
  @Post('code') @HttpCode(200) @UseGuards(FeishuCodeGuard) code() {}
}

// ThrottlerGuard first, so junk Bearer tokens are cut before FeishuAuthGuard asks Feishu.
@UseGuards(ThrottlerGuard, FeishuAuthGuard)
@Controller('api')
export class ApiController {
  @Get('me') me() {}
  @SkipThrottle() @Get('health') health() {}
}

@Module({
  // Applies only where a controller asks for ThrottlerGuard; behind a proxy, set Express's
  // `trust proxy` (or Fastify's `trustProxy`) so the limit is per client, not per proxy.
  imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 120 }])],
  controllers: [AuthController, ApiController],
})
export class RateLimitedModule {}
// #endregion rate-limits
