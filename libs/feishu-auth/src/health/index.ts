// @feishu-auth/nestjs/health: a @nestjs/terminus health indicator. Loads @nestjs/terminus (an
// optional peer); the main entry point never imports this file.
export { FeishuHealthModule } from './feishu-health.module.js';
export { FeishuHealthIndicator, type FeishuHealthCheckOptions } from './feishu-health.indicator.js';
export {
  SCHEDULER_LATE_INTERVALS,
  type FeishuHealthDetails,
  type FeishuSchedulerHealth,
  type FeishuTokenHealth,
} from './feishu-health.assessment.js';
