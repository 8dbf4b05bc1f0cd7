import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { notAuthenticatedException } from '../guards/feishu-auth-guard.messages.js';
import type { FeishuAuthenticatedRequest } from '../interfaces/feishu-auth-request.interface.js';
import {
  contextRequest,
  getResolvedToken,
  requireTokenForHandler,
} from './feishu-token-params.util.js';

/**
 * A valid user_access_token of the signed-in user, refreshed when due (in Bearer mode, the
 * presented token). `FeishuAuthGuard` resolves it before the handler runs, only for handlers that
 * use this decorator. Needs `FeishuAuthGuard` on the route.
 *
 * @publicApi
 */
export const UserAccessToken: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => {
    const request = contextRequest<FeishuAuthenticatedRequest<object>>(context);
    const token = getResolvedToken(request, 'user');
    if (token === undefined) {
      throw notAuthenticatedException();
    }
    return token;
  },
  [requireTokenForHandler('user')],
);
