import type { FeishuEventOptions } from '../interfaces/feishu-auth-module-options.interface.js';
import { configError } from './option-values.util.js';

export function resolveEvents(value: FeishuEventOptions | undefined): FeishuEventOptions {
  return {
    verificationToken: resolveEventSecret(value?.verificationToken, 'verificationToken'),
    encryptKey: resolveEventSecret(value?.encryptKey, 'encryptKey'),
  };
}

function resolveEventSecret(value: unknown, field: keyof FeishuEventOptions): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  throw configError(
    `"events.${field}" must be a non-empty string (copy it from the developer console, Events & ` +
      'Callbacks → Encryption Strategy). Its value is not shown here.',
  );
}

/**
 * Events change state (a store app's app_ticket): refuse to receive them when nothing can prove
 * they come from Feishu. `receiver` says what receives them: a store app, or `eventsPath`.
 */
export function assertEventsAuthenticated(
  { events }: { events: FeishuEventOptions },
  receiver: string,
): void {
  if (events.verificationToken !== undefined || events.encryptKey !== undefined) return;
  throw configError(
    `${receiver} receives Feishu events, so "events.verificationToken" or "events.encryptKey" is ` +
      'required (developer console, Events & Callbacks → Encryption Strategy; the Encrypt Key also ' +
      'signs each event). Without either, anyone could post a forged app_ticket. Check that the ' +
      'environment variables are set.',
  );
}
