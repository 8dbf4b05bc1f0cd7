import { ConfigurableModuleBuilder } from '@nestjs/common';
import { FEISHU_LARK_OPTIONS } from './feishu-lark.constants.js';
import type { FeishuLarkModuleOptions } from './feishu-lark-module-options.interface.js';

/** `isGlobal` (default true): `@InjectLarkClient()` and `LarkUserTokens` work in every module. @publicApi */
export interface FeishuLarkModuleExtras {
  isGlobal?: boolean;
}

export const { ConfigurableModuleClass: FeishuLarkConfigurableModule, OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<FeishuLarkModuleOptions>({
    optionsInjectionToken: FEISHU_LARK_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createFeishuLarkOptions')
    .setExtras<FeishuLarkModuleExtras>({ isGlobal: true }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }))
    .build();
