import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { ManagedTokens } from '../services/managed-tokens.js';
import { TokenService } from '../services/token.service.js';
import { assessFeishuHealth, type StoreReading } from './feishu-health.assessment.js';

/** @publicApi */
export interface FeishuHealthCheckOptions {
  /** Store apps: check this tenant's token instead of the app token. */
  tenantKey?: string;
  /** How long the store may take to answer. Default 1000 ms. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 1_000;

/**
 * A `@nestjs/terminus` health indicator for orchestrators: up when the token store answers, the
 * app's tenant token (store apps: the app token, or a named tenant's) is fresh or renewable, and the
 * proactive refresh scheduler ticks. It reads the store and the token status only: a probe never
 * calls Feishu. The result carries states and times, never a token.
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.feishu.isHealthy('feishu')]); }
 * ```
 *
 * @publicApi
 */
@Injectable()
export class FeishuHealthIndicator {
  private readonly since: number;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly tokens: TokenService,
    private readonly managed: ManagedTokens,
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
  ) {
    this.since = options.clock();
  }

  async isHealthy<const Key extends string>(
    key: Key,
    options: FeishuHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.health.check(key);
    const tokenKind =
      this.options.appType === 'self-built' || options.tenantKey !== undefined ? 'tenant' : 'app';
    const reading = await this.readStore(tokenKind, options);
    const { healthy, details } = assessFeishuHealth({
      now: this.options.clock(),
      reading,
      tokenKind,
      status: this.tokens.status(),
      intervalMs: this.options.refresh.intervalMs,
      since: this.since,
    });
    return healthy ? indicator.up({ ...details }) : indicator.down({ ...details });
  }

  private async readStore(
    token: 'app' | 'tenant',
    { tenantKey, timeoutMs = DEFAULT_TIMEOUT_MS }: FeishuHealthCheckOptions,
  ): Promise<StoreReading> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<StoreReading>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, reason: `no answer within ${timeoutMs} ms` }),
        timeoutMs,
      );
    });
    const read = this.managed.stored({ token, tenantKey }).then(
      (stored): StoreReading => ({ ok: true, token: stored }),
      (error: unknown): StoreReading => ({
        ok: false,
        reason: error instanceof Error ? error.name : 'store error',
      }),
    );
    try {
      return await Promise.race([read, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
