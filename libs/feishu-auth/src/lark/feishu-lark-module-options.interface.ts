import type lark from '@larksuiteoapi/node-sdk';

/**
 * Options of `FeishuLarkModule`. The app id, secret, app type and domain come from
 * `FeishuAuthModule`'s options; the tokens from its `TokenService`.
 *
 * @publicApi
 */
export interface FeishuLarkModuleOptions {
  /**
   * The SDK's log level. Default `LoggerLevel.warn`. Its lines go to Nest's `Logger` under
   * `LarkLogger`, reduced to message, HTTP status and Feishu code: never a header or a token.
   */
  loggerLevel?: lark.LoggerLevel;
  /**
   * The HTTP client the SDK sends through (the SDK's `httpInstance` option). Default: the SDK's own
   * (`defaultHttpInstance`). Either way it is wrapped so a rejected token is renewed and the call
   * retried once; requests get `http.timeoutMs` unless they set a timeout.
   */
  httpInstance?: lark.HttpInstance;
  /** Caller tag the SDK appends to its User-Agent as `source/<name>`. */
  source?: string;
}
