import type { Provider } from '@nestjs/common';
import { FeishuAuthGuard } from './guards/feishu-auth.guard.js';
import { FeishuBearerAuthenticator } from './guards/feishu-bearer.authenticator.js';
import { FeishuCodeGuard } from './guards/feishu-code.guard.js';
import { FeishuLoginGuard } from './guards/feishu-login.guard.js';
import { FeishuStrangerBudget } from './guards/feishu-stranger.budget.js';
import { FeishuSessionService } from './session/feishu-session.service.js';
import { FeishuSignInService } from './session/feishu-sign-in.service.js';
import { FeishuStrategy } from './strategies/feishu.strategy.js';

/**
 * Login, session and guard providers of `FeishuAuthModule`, beside the core ones. All of them are
 * exported: the guards are created in the consumer's modules by `@UseGuards()`, which inject the
 * services there.
 */
export const FEISHU_AUTH_LOGIN_PROVIDERS: Provider[] = [
  FeishuStrategy,
  FeishuSessionService,
  FeishuSignInService,
  FeishuStrangerBudget,
  FeishuBearerAuthenticator,
  FeishuLoginGuard,
  FeishuCodeGuard,
  FeishuAuthGuard,
];

export const FEISHU_AUTH_LOGIN_EXPORTS = FEISHU_AUTH_LOGIN_PROVIDERS;
