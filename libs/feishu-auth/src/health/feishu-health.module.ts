import { Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { FeishuHealthIndicator } from './feishu-health.indicator.js';

/**
 * Provides `FeishuHealthIndicator` for `@nestjs/terminus` (an optional peer) health checks. Needs
 * `FeishuAuthModule` (global by default) in the application.
 *
 * @publicApi
 */
@Module({
  providers: [HealthIndicatorService, FeishuHealthIndicator],
  exports: [FeishuHealthIndicator],
})
export class FeishuHealthModule {}
