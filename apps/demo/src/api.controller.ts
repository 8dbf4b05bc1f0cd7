import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  FeishuAuthGuard,
  FeishuUser,
  TenantAccessToken,
  UserAccessToken,
  type FeishuProfile,
} from '@feishu-auth/nestjs';
import { OpenApiSampleService } from './open-api-sample.service.js';

/**
 * JSON endpoints for a signed-in user (session cookie, or `Authorization: Bearer <user token>`).
 * A request without either gets the guard's 401 with `loginUrl`.
 */
@UseGuards(FeishuAuthGuard)
@Controller('api')
export class ApiController {
  constructor(private readonly samples: OpenApiSampleService) {}

  /** The profile from `user_info`, as the session holds it. */
  @Get('me')
  me(@FeishuUser() user: FeishuProfile): FeishuProfile {
    return user;
  }

  /** An OpenAPI call with the tenant's token, injected by `@TenantAccessToken()`. */
  @Get('tenant')
  async tenant(
    @FeishuUser() user: FeishuProfile,
    @TenantAccessToken() tenantAccessToken: string,
  ): Promise<{ via: string; data: unknown }> {
    const data = await this.samples.contactCardWithToken(user.openId, tenantAccessToken);
    return { via: '@TenantAccessToken() + fetch', data };
  }

  /** The same call through `FeishuClient.request`, which attaches the token itself. */
  @Get('tenant-client')
  async tenantClient(@FeishuUser() user: FeishuProfile): Promise<{ via: string; data: unknown }> {
    const data = await this.samples.contactCardWithClient(user.openId, user.tenantKey);
    return { via: 'FeishuClient.request', data };
  }

  /** An OpenAPI call with the user's own token, injected by `@UserAccessToken()`. */
  @Get('user-call')
  async userCall(
    @UserAccessToken() userAccessToken: string,
  ): Promise<{ via: string; data: unknown }> {
    const data = await this.samples.userCallWithToken(userAccessToken);
    return { via: '@UserAccessToken() + fetch', data };
  }
}
