import {
  FEISHU_AUTH_DEFAULTS,
  type FeishuDomain,
  type FeishuRefreshOptions,
} from '@feishu-auth/nestjs';

/** What the running demo was configured with; read through `ConfigService.get('demo')`. */
export interface DemoSettings {
  target: 'emulator' | 'real';
  /** Human words for the target, e.g. "embedded Feishu emulator at http://127.0.0.1:3900". */
  targetLabel: string;
  appId: string;
  appSecret: string;
  redirectUri: string;
  domain: FeishuDomain;
  sessionSecret: string;
  secureCookie: boolean;
  /** Refresh timing; scaled down on the emulator so renewals happen within a minute or two. */
  refresh: FeishuRefreshOptions;
  /** Base URL of the embedded emulator, whose sample OpenAPI routes the demo calls. */
  emulatorUrl?: string;
}

/**
 * Token lifetimes of the embedded emulator in the demo (Feishu's are 7200 s): short enough that a
 * person watching `/status` sees proactive renewals within a minute or two.
 */
export const DEMO_EMULATOR_LIFETIMES = {
  /** user_access_token */
  accessToken: 120,
  /** app_access_token and tenant_access_token */
  appToken: 180,
} as const;

/**
 * Refresh timing scaled to {@link DEMO_EMULATOR_LIFETIMES}. User tokens renew with 60 s left.
 * App and tenant tokens renew with 40 s left: Feishu hands back the *same* token while 30 min of
 * its 2 h remain, and the emulator scales that threshold to a quarter of the lifetime (45 s of
 * 180 s); renewing earlier would only fetch the old token again. The scheduler looks every 5 s.
 */
export const DEMO_EMULATOR_REFRESH: FeishuRefreshOptions = {
  intervalMs: 5_000,
  userTokenMarginSeconds: 60,
  appTokenMarginSeconds: 40,
};

/** On real Feishu: the library's defaults, spelled out so the status page can show them. */
export const DEMO_REAL_REFRESH: FeishuRefreshOptions = {
  appTokenMarginSeconds: FEISHU_AUTH_DEFAULTS.refresh.appTokenMarginSeconds,
  userTokenMarginSeconds: FEISHU_AUTH_DEFAULTS.refresh.userTokenMarginSeconds,
};
