import { randomUUID } from 'node:crypto';
import type { EmulatorApp, ResolvedEmulatorOptions } from '../emulator.options.js';
import type { EmulatorClock } from '../state/clock.js';
import type { EmulatorStats } from '../state/stats.js';
import { encryptEvent } from './event-crypto.js';
import { eventHeaders } from './event-headers.js';

/** The platform waits 1 s for the challenge echo (D-EVFAQ), not the 3 s of event acks. */
export const URL_VERIFICATION_TIMEOUT_MS = 1000;

/** Why an event URL failed verification. @publicApi */
export type UrlVerificationFailure =
  'no-event-url' | 'no-answer' | 'http-status' | 'not-json' | 'wrong-challenge';

/** @publicApi */
export interface UrlVerificationResult {
  verified: boolean;
  /** HTTP status of the app's answer; undefined when it did not answer within 1 s. */
  status?: number;
  failure?: UrlVerificationFailure;
}

/**
 * Checklist rule 21: POSTs `{"challenge","token","type":"url_verification"}` (inside `encrypt` when
 * the app has an Encrypt Key) to the app's event URL; verified only when the app answers HTTP 200
 * with JSON `{"challenge": <the same value>}` within 1 s.
 */
export async function verifyEventUrl(
  app: EmulatorApp,
  options: ResolvedEmulatorOptions,
  clock: EmulatorClock,
  stats: EmulatorStats,
): Promise<UrlVerificationResult> {
  if (!app.eventUrl) return { verified: false, failure: 'no-event-url' };
  stats.increment('event_url.verify');
  const challenge = randomUUID();
  const plaintext = JSON.stringify({
    challenge,
    token: app.verificationToken,
    type: 'url_verification',
  });
  const body = app.encryptKey
    ? JSON.stringify({ encrypt: encryptEvent(app.encryptKey, plaintext) })
    : plaintext;
  let status: number;
  let text: string;
  try {
    const response = await fetch(app.eventUrl, {
      method: 'POST',
      headers: eventHeaders(body, app.encryptKey, options.signPlaintextEvents, clock.nowSeconds()),
      body,
      signal: AbortSignal.timeout(URL_VERIFICATION_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch {
    return { verified: false, failure: 'no-answer' };
  }
  if (status !== 200) return { verified: false, status, failure: 'http-status' };
  const echoed = parseChallenge(text);
  if (echoed === undefined) return { verified: false, status, failure: 'not-json' };
  return echoed === challenge
    ? { verified: true, status }
    : { verified: false, status, failure: 'wrong-challenge' };
}

/** The `challenge` of a JSON object answer (null when it has none); undefined for anything else. */
function parseChallenge(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    return (value as Record<string, unknown>).challenge ?? null;
  } catch {
    return undefined;
  }
}
