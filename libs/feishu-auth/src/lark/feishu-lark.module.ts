import { type DynamicModule, Module } from '@nestjs/common';
import { LARK_CLIENT } from './feishu-lark.constants.js';
import { FeishuLarkConfigurableModule, OPTIONS_TYPE } from './feishu-lark.module-definition.js';
import { larkClientProvider } from './feishu-lark.providers.js';
import { LarkHttpInstance } from './lark-http.instance.js';
import { LarkTokenCache } from './lark-token.cache.js';
import { LarkTokenOrigins } from './lark-token.origins.js';
import { LarkUserTokens } from './lark-user-tokens.service.js';

/**
 * The official SDK (`@larksuiteoapi/node-sdk`, an optional peer) on `FeishuAuthModule`'s tokens:
 * provides its `Client` (`@InjectLarkClient()`) and `LarkUserTokens`. Every app and tenant token
 * that client uses comes from `TokenService`, so the SDK never asks Feishu for a token itself.
 * Needs `FeishuAuthModule` (global by default) in the application.
 *
 * ```ts
 * imports: [FeishuAuthModule.forRoot({ ... }), FeishuLarkModule.forRoot()]
 * ```
 *
 * @publicApi
 */
@Module({
  providers: [
    LarkTokenOrigins,
    LarkTokenCache,
    LarkHttpInstance,
    LarkUserTokens,
    larkClientProvider,
  ],
  exports: [LARK_CLIENT, LarkUserTokens],
})
export class FeishuLarkModule extends FeishuLarkConfigurableModule {
  /** Every option has a default: `FeishuLarkModule.forRoot()` is enough. */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
