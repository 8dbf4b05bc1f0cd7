import { Controller, Get, Injectable, Param, UseGuards } from '@nestjs/common';
// #region client
import {
  FeishuApiError,
  FeishuAuthGuard,
  FeishuClient,
  FeishuReauthRequiredError,
  FeishuUser,
  TokenService,
} from '@feishu-auth/nestjs';

interface ContactUser {
  user: { open_id: string; name: string };
}

@Injectable()
export class DirectoryService {
  constructor(
    private readonly feishu: FeishuClient,
    private readonly tokens: TokenService,
  ) {}

  /** A tenant token call: resolves to the answer's `data`; a non-zero `code` throws FeishuApiError. */
  findUser(openId: string): Promise<ContactUser> {
    return this.feishu.request<ContactUser>('GET', `/open-apis/contact/v3/users/${openId}`, {
      token: 'tenant',
      query: { user_id_type: 'open_id' },
    });
  }

  /** A user token call, for the signed-in user. */
  myCalendar(openId: string): Promise<unknown> {
    return this.feishu.request('GET', '/open-apis/calendar/v4/calendars/primary', {
      token: 'user',
      openId,
    });
  }

  /** The raw token, for an SDK of your own. */
  async userToken(openId: string): Promise<string | undefined> {
    try {
      return await this.tokens.getUserAccessToken(openId);
    } catch (error) {
      if (error instanceof FeishuReauthRequiredError) return undefined; // send the user to login
      if (error instanceof FeishuApiError) console.warn(error.code, error.kind, error.hint, error.logId);
      throw error;
    }
  }
}
// #endregion client

@UseGuards(FeishuAuthGuard)
@Controller('directory')
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  @Get(':openId')
  find(@Param('openId') openId: string, @FeishuUser('openId') _me: string): Promise<ContactUser> {
    return this.directory.findUser(openId);
  }
}
