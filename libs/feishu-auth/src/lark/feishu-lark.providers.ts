import type { Provider } from '@nestjs/common';
import lark from '@larksuiteoapi/node-sdk';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { FEISHU_LARK_OPTIONS, LARK_CLIENT } from './feishu-lark.constants.js';
import type { FeishuLarkModuleOptions } from './feishu-lark-module-options.interface.js';
import { LarkHttpInstance } from './lark-http.instance.js';
import { LarkLogger } from './lark-logger.js';
import { LarkTokenCache } from './lark-token.cache.js';

/**
 * The official SDK's `Client`, configured from `FeishuAuthModule`'s options (app id and secret,
 * app type, the `open` base URL of the domain: Feishu, Lark or the emulator), its tenant tokens
 * answered by `TokenService` through the cache and its requests sent through `LarkHttpInstance`.
 */
export function createLarkClient(
  options: ResolvedFeishuAuthOptions,
  larkOptions: FeishuLarkModuleOptions,
  cache: LarkTokenCache,
  httpInstance: LarkHttpInstance,
): lark.Client {
  return new lark.Client({
    appId: options.appId,
    appSecret: options.appSecret,
    appType: options.appType === 'store' ? lark.AppType.ISV : lark.AppType.SelfBuild,
    domain: options.domain.open,
    oauthBaseUrl: options.domain.accounts,
    cache,
    httpInstance,
    logger: new LarkLogger(),
    loggerLevel: larkOptions.loggerLevel ?? lark.LoggerLevel.warn,
    source: larkOptions.source,
  });
}

export const larkClientProvider: Provider = {
  provide: LARK_CLIENT,
  useFactory: createLarkClient,
  inject: [FEISHU_AUTH_OPTIONS, FEISHU_LARK_OPTIONS, LarkTokenCache, LarkHttpInstance],
};
