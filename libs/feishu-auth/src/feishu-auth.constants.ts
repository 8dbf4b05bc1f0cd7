/** Passport strategy name of `FeishuStrategy`. */
export const FEISHU_STRATEGY_NAME = 'feishu';

/**
 * Injection token of the validated, fully defaulted options (`ResolvedFeishuAuthOptions`).
 * Internal: consumers pass `FeishuAuthModuleOptions` to `forRoot` / `forRootAsync`.
 */
export const FEISHU_AUTH_OPTIONS = Symbol('FEISHU_AUTH_OPTIONS');

/** Default route of `FeishuEventsController`. */
export const FEISHU_DEFAULT_EVENTS_PATH = 'feishu/events';
