import { Controller, Get, UseGuards } from '@nestjs/common';
import { FeishuAuthGuard, FeishuUser, type FeishuProfile } from '@feishu-auth/nestjs';

export interface Me {
  openId: string;
  name: string;
}

@UseGuards(FeishuAuthGuard) // the session cookie, X-Feishu-Session, or a Bearer user token
@Controller('me')
export class MeController {
  @Get()
  me(@FeishuUser() user: FeishuProfile): Me {
    return { openId: user.openId, name: user.name };
  }
}
