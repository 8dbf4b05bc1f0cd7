import { Logger } from '@nestjs/common';
import type lark from '@larksuiteoapi/node-sdk';

/**
 * The SDK client's `logger`: its lines go to Nest's `Logger` (context `LarkLogger`). The SDK logs whole
 * axios errors, whose request config carries the `Authorization` header; each value is reduced to
 * its message, HTTP status and Feishu `code`/`msg`, so no header, body or token reaches a log.
 * Internal.
 */
export class LarkLogger implements lark.Logger {
  private readonly logger = new Logger(LarkLogger.name);

  error(...values: unknown[]): void {
    this.logger.error(describeForLog(values));
  }

  warn(...values: unknown[]): void {
    this.logger.warn(describeForLog(values));
  }

  info(...values: unknown[]): void {
    this.logger.log(describeForLog(values));
  }

  debug(...values: unknown[]): void {
    this.logger.debug(describeForLog(values));
  }

  trace(...values: unknown[]): void {
    this.logger.verbose(describeForLog(values));
  }
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  msg?: unknown;
  response?: { status?: unknown; data?: { code?: unknown; msg?: unknown } };
}

/** One log line from what the SDK logs: strings as they are, errors and answers by their codes only. */
export function describeForLog(value: unknown): string {
  if (Array.isArray(value)) return value.map(describeForLog).filter(Boolean).join(' ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object' || value === null) return '';
  const { message, code, msg, response } = value as ErrorLike;
  const parts = [
    typeof message === 'string' ? message : undefined,
    typeof response?.status === 'number' ? `HTTP ${response.status}` : undefined,
    feishuCode(response?.data?.code ?? code, response?.data?.msg ?? msg),
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join(', ') : '[object]';
}

function feishuCode(code: unknown, msg: unknown): string | undefined {
  if (typeof code !== 'number') return undefined;
  return typeof msg === 'string' ? `Feishu code ${code} (${msg})` : `Feishu code ${code}`;
}
