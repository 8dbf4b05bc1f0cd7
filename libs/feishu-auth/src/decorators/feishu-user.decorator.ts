import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { notAuthenticatedException } from '../guards/feishu-auth-guard.messages.js';
import type { FeishuAuthenticatedRequest } from '../interfaces/feishu-auth-request.interface.js';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import { contextRequest } from './feishu-token-params.util.js';

/**
 * The signed-in user's `FeishuProfile` (`@FeishuUser()`), or one of its fields
 * (`@FeishuUser('name')`). Needs `FeishuAuthGuard` on the route.
 *
 * @publicApi
 */
export const FeishuUser: (field?: keyof FeishuProfile) => ParameterDecorator = createParamDecorator(
  (field: keyof FeishuProfile | undefined, context: ExecutionContext) => {
    const request = contextRequest<FeishuAuthenticatedRequest<object>>(context);
    const profile = request.feishu?.profile;
    if (profile === undefined) {
      throw notAuthenticatedException();
    }
    return field === undefined ? profile : profile[field];
  },
);
