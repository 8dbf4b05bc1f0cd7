// @feishu-auth/nestjs/lark: the official SDK on FeishuAuthModule's tokens. Loads
// @larksuiteoapi/node-sdk (an optional peer); the main entry point never imports this file.
import type lark from '@larksuiteoapi/node-sdk';

/** The official SDK's `Client`, as `@InjectLarkClient()` provides it. @publicApi */
export type LarkClient = lark.Client;

export { FeishuLarkModule } from './feishu-lark.module.js';
export type { FeishuLarkModuleExtras } from './feishu-lark.module-definition.js';
export type { FeishuLarkModuleOptions } from './feishu-lark-module-options.interface.js';
export { LARK_CLIENT } from './feishu-lark.constants.js';
export { InjectLarkClient } from './inject-lark-client.decorator.js';
export {
  LarkUserTokens,
  type LarkRequestOptions,
  type LarkUserSubject,
} from './lark-user-tokens.service.js';
