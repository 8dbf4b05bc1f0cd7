import { randomUUID } from 'node:crypto';
import type { EmulatorApp, ResolvedEmulatorOptions } from '../emulator.options.js';
import type { EmulatorClock } from '../state/clock.js';
import type { EmulatorStats } from '../state/stats.js';
import { mintAppTicket } from '../state/token-factory.js';
import { encryptEvent } from './event-crypto.js';
import { eventHeaders } from './event-headers.js';

/** @publicApi */
export interface EventDeliveryResult {
  delivered: boolean;
  /** HTTP status of the app's answer, undefined when it did not answer in time. */
  status?: number;
}

interface PreparedEvent {
  url: string;
  body: string;
  encryptKey: string | undefined;
}

/**
 * Pushes v1 `app_ticket` events to a store app's event URL (rules 18–20): a new ticket every push,
 * encrypted and signed when the app has an Encrypt Key, retried on a non-200 or late ack.
 */
export class AppTicketPusher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly options: ResolvedEmulatorOptions,
    private readonly clock: EmulatorClock,
    private readonly stats: EmulatorStats,
    private readonly tickets: Map<string, string>,
  ) {}

  /** Mints a ticket (the only one now accepted) and delivers it; retries continue in the background. */
  async push(app: EmulatorApp): Promise<EventDeliveryResult> {
    const ticket = mintAppTicket();
    this.tickets.set(app.appId, ticket);
    if (!app.eventUrl) return { delivered: false };
    const event = {
      ts: (this.clock.now() / 1000).toFixed(7),
      uuid: randomUUID().replace(/-/g, ''),
      token: app.verificationToken,
      type: 'event_callback',
      event: { app_id: app.appId, app_ticket: ticket, type: 'app_ticket' },
    };
    const plaintext = JSON.stringify(event);
    const body = app.encryptKey
      ? JSON.stringify({ encrypt: encryptEvent(app.encryptKey, plaintext) })
      : plaintext;
    return this.deliver({ url: app.eventUrl, body, encryptKey: app.encryptKey }, 0);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async deliver(prepared: PreparedEvent, attempt: number): Promise<EventDeliveryResult> {
    if (this.closed) return { delivered: false };
    this.stats.increment('app_ticket.push');
    const result = await this.post(prepared);
    if (!result.delivered) this.scheduleRetry(prepared, attempt);
    return result;
  }

  private async post(prepared: PreparedEvent): Promise<EventDeliveryResult> {
    try {
      const response = await fetch(prepared.url, {
        method: 'POST',
        headers: eventHeaders(
          prepared.body,
          prepared.encryptKey,
          this.options.signPlaintextEvents,
          this.clock.nowSeconds(),
        ),
        body: prepared.body,
        signal: AbortSignal.timeout(this.options.eventAckTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { delivered: response.status === 200, status: response.status };
    } catch {
      return { delivered: false };
    }
  }

  private scheduleRetry(prepared: PreparedEvent, attempt: number): void {
    const delay = this.options.eventRetryDelaysMs[attempt];
    if (delay === undefined || this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(prepared, attempt + 1);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }
}
