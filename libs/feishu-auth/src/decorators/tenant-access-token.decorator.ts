import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { notAuthenticatedException } from '../guards/feishu-auth-guard.messages.js';
import type { FeishuAuthenticatedRequest } from '../interfaces/feishu-auth-request.interface.js';
import {
  contextRequest,
  getResolvedToken,
  requireTokenForHandler,
} from './feishu-token-params.util.js';

/**
 * The tenant_access_token of the signed-in user's tenant (for a self-built app, the app's own
 * tenant). `FeishuAuthGuard` resolves it before the handler runs, only for handlers that use this
 * decorator. Needs `FeishuAuthGuard` on the route.
 *
 * @publicApi
 */
export const TenantAccessToken: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => {
    const request = contextRequest<FeishuAuthenticatedRequest<object>>(context);
    const token = getResolvedToken(request, 'tenant');
    if (token === undefined) {
      throw notAuthenticatedException();
    }
    return token;
  },
  [requireTokenForHandler('tenant')],
);
