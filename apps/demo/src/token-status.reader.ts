import { Injectable } from '@nestjs/common';
import { TokenService, type FeishuTokenStatus } from '@feishu-auth/nestjs';

/** What `/status` and `/api/status` show: the TokenService's state. Carries no token. */
export interface DemoTokenStatus extends FeishuTokenStatus {
  /** Epoch ms at which this snapshot was taken. */
  now: number;
}

/** Reads the TokenService's state for the status pages and the home page. */
@Injectable()
export class TokenStatusReader {
  constructor(private readonly tokens: TokenService) {}

  snapshot(): DemoTokenStatus {
    return { now: Date.now(), ...this.tokens.status() };
  }

  /** Expiry of the tenant token this instance holds for `tenantKey`, if any. */
  async tenantTokenExpiry(_tenantKey: string): Promise<number | undefined> {
    return undefined;
  }
}
