import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { FeishuAuthModuleOptions } from './interfaces/feishu-auth-module-options.interface.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: FEISHU_AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<FeishuAuthModuleOptions>()
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createFeishuAuthOptions')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
