import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import type { FeishuAuthenticatedRequest } from '@feishu-auth/nestjs';
// #region auth-guard-hooks
import {
  HttpStatus,
  Injectable,
  SetMetadata,
  type ExecutionContext,
  type HttpException,
} from '@nestjs/common';
import { FeishuAuthGuard, type FeishuAuthContext } from '@feishu-auth/nestjs';

/** Routes anyone may call: no sign-in is asked for. */
export const Public = () => SetMetadata('feishu:public', true);
/** Routes that greet signed-in users and guests alike. */
export const OptionalSignIn = () => SetMetadata('feishu:optional', true);

@Injectable()
export class AppAuthGuard extends FeishuAuthGuard {
  // As ThrottlerGuard.shouldSkip: `true` lets the request in without reading any credential.
  protected override shouldSkip(context: ExecutionContext): boolean {
    return this.flag('feishu:public', context);
  }

  // As AuthGuard.handleRequest: decide what a refusal or an admission becomes.
  protected override handleRequest(
    refusal: HttpException | undefined,
    auth: FeishuAuthContext | undefined,
    context: ExecutionContext,
  ): FeishuAuthContext | undefined {
    if (refusal?.getStatus() === HttpStatus.UNAUTHORIZED && this.flag('feishu:optional', context)) {
      return undefined; // a guest: no req.feishu; a 503 from a store outage still stands
    }
    return super.handleRequest(refusal, auth, context);
  }

  private flag(key: string, context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    return this.reflector.getAllAndOverride<boolean>(key, targets) === true;
  }
}
// #endregion auth-guard-hooks

@UseGuards(AppAuthGuard)
@Controller()
export class HomeController {
  @Public() @Get('health') health() {
    return { ok: true };
  }

  @OptionalSignIn() @Get('welcome') welcome(@Req() req: FeishuAuthenticatedRequest) {
    return { name: req.feishu?.profile.name ?? 'guest' };
  }

  @Get('profile') profile(@Req() req: FeishuAuthenticatedRequest) {
    return { openId: req.feishu?.openId };
  }
}
