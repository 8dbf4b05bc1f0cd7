import type { EmulatorRateLimit } from './emulator.options.js';

export interface RateLimitVerdict {
  limited: boolean;
  /** The cap that was hit (for `x-ogw-ratelimit-limit`). */
  limit: number;
  /** Seconds until the window that was hit resets (for `x-ogw-ratelimit-reset`). */
  resetSeconds: number;
}

/**
 * Fixed one-second and one-minute windows per (API, app, tenant), measured on the emulator clock;
 * either cap triggers limiting, as the docs describe.
 */
export class RateLimiter {
  private readonly windows = new Map<
    string,
    { second: number; perSecond: number; minute: number; perMinute: number }
  >();

  constructor(private readonly limits: EmulatorRateLimit) {}

  hit(key: string, now: number): RateLimitVerdict {
    const second = Math.floor(now / 1000);
    const minute = Math.floor(now / 60_000);
    const window = this.windows.get(key) ?? { second, perSecond: 0, minute, perMinute: 0 };
    if (window.second !== second) Object.assign(window, { second, perSecond: 0 });
    if (window.minute !== minute) Object.assign(window, { minute, perMinute: 0 });
    this.windows.set(key, window);
    if (window.perSecond >= this.limits.perSecond) {
      return { limited: true, limit: this.limits.perSecond, resetSeconds: 1 };
    }
    if (window.perMinute >= this.limits.perMinute) {
      return {
        limited: true,
        limit: this.limits.perMinute,
        resetSeconds: Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000)),
      };
    }
    window.perSecond++;
    window.perMinute++;
    return { limited: false, limit: this.limits.perSecond, resetSeconds: 0 };
  }
}
