// #region health
import { Controller, Get, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { FeishuHealthIndicator, FeishuHealthModule } from '@feishu-auth/nestjs/health';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly feishu: FeishuHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    // Reads the token store and the token status only: a probe never calls Feishu.
    return this.health.check([() => this.feishu.isHealthy('feishu')]);
  }
}

@Module({
  imports: [TerminusModule, FeishuHealthModule], // beside FeishuAuthModule.forRoot(...)
  controllers: [HealthController],
})
export class HealthModule {}
// #endregion health
