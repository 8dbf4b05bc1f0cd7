import { Inject, Injectable, Logger } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuEventRejectedError } from '../feishu-auth.errors.js';
import * as messages from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { quoteInput } from '../utils/log-input.util.js';
import { decryptFeishuEvent, feishuEventSignature, safeEqual } from './feishu-event-crypto.js';
import {
  EVENT_ID_TTL_SECONDS,
  EVENT_MAX_CLOCK_SKEW_MS,
  type FeishuEventEnvelope,
  eventCreatedAt,
  eventIdOf,
  eventType,
  isWithinClockSkew,
  requestTimestampMs,
  verificationTokenOf,
} from './feishu-event-envelope.js';

/** Request headers as Node gives them. */
export type FeishuEventHeaders = Record<string, string | string[] | undefined>;

/** What the events endpoint answers: the challenge for URL verification, `{}` otherwise. */
export type FeishuEventAck = { challenge: string } | Record<string, never>;

/**
 * Receives Feishu's event pushes for the app: answers URL verification, checks the Verification
 * Token, decrypts and checks `X-Lark-Signature` and its timestamp when an Encrypt Key is set, and
 * stores each `app_ticket` in the token store so every instance can get store-app tokens: once per
 * event id, and never over a ticket issued later. With neither a Verification Token nor an Encrypt
 * Key configured every event is refused. Use it from `FeishuEventsController`, or from your own route:
 *
 * ```ts
 * @Post('feishu/events') receive(@Req() req: RawBodyRequest<Request>) {
 *   return this.events.handle(req.body, req.headers, req.rawBody);
 * }
 * ```
 * Other events are acknowledged and ignored.
 *
 * @publicApi
 */
@Injectable()
export class FeishuEventHandler {
  private readonly logger = new Logger(FeishuEventHandler.name);

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
  ) {}

  /**
   * @param body the parsed JSON body.
   * @param rawBody the body as received (`{ rawBody: true }` in `NestFactory.create`); the signature
   *   is computed over it. Without it, the compact re-serialisation of `body` is used.
   */
  async handle(
    body: unknown,
    headers: FeishuEventHeaders,
    rawBody?: Buffer | string,
  ): Promise<FeishuEventAck> {
    this.assertAuthenticated();
    if (typeof body !== 'object' || body === null)
      throw reject(messages.eventMalformedMessage(), 400);
    const envelope = this.open(body as Record<string, unknown>, headers, rawBody);
    this.checkVerificationToken(envelope);
    if (envelope.type === 'url_verification') {
      if (typeof envelope.challenge !== 'string')
        throw reject(messages.eventMalformedMessage(), 400);
      return { challenge: envelope.challenge };
    }
    if (eventType(envelope) === 'app_ticket') await this.saveAppTicket(envelope);
    return {};
  }

  /** Nothing could prove an event comes from Feishu: refuse them all (the module refuses to boot so). */
  private assertAuthenticated(): void {
    const { verificationToken, encryptKey } = this.options.events;
    if (verificationToken === undefined && encryptKey === undefined) {
      throw reject(messages.eventsNotAuthenticatedMessage(), 401);
    }
  }

  private open(
    body: Record<string, unknown>,
    headers: FeishuEventHeaders,
    rawBody?: Buffer | string,
  ): FeishuEventEnvelope {
    const { encryptKey } = this.options.events;
    if (encryptKey) this.checkSignature(body, headers, rawBody, encryptKey);
    if (body.encrypt === undefined) return body as FeishuEventEnvelope;
    if (!encryptKey) throw reject(messages.eventEncryptedWithoutKeyMessage(), 400);
    if (typeof body.encrypt !== 'string') throw reject(messages.eventMalformedMessage(), 400);
    let plaintext: string;
    try {
      plaintext = decryptFeishuEvent(body.encrypt, encryptKey);
    } catch {
      throw reject(messages.eventDecryptFailedMessage(), 400);
    }
    try {
      const parsed: unknown = JSON.parse(plaintext);
      if (typeof parsed === 'object' && parsed !== null) return parsed as FeishuEventEnvelope;
    } catch {
      // answered below
    }
    throw reject(messages.eventMalformedMessage(), 400);
  }

  /**
   * With an Encrypt Key, every event is signed. URL verification is answered unsigned too, since
   * its decryption with the key already proves the sender.
   */
  private checkSignature(
    body: Record<string, unknown>,
    headers: FeishuEventHeaders,
    rawBody: Buffer | string | undefined,
    encryptKey: string,
  ): void {
    const timestamp = header(headers, 'x-lark-request-timestamp');
    const nonce = header(headers, 'x-lark-request-nonce');
    const signature = header(headers, 'x-lark-signature');
    if (timestamp === undefined || nonce === undefined || signature === undefined) {
      if (body.encrypt !== undefined && this.isUrlVerification(body, encryptKey)) return;
      throw reject(messages.eventSignatureFailedMessage(), 401);
    }
    const raw = rawBody === undefined ? JSON.stringify(body) : rawBody.toString();
    if (
      !safeEqual(feishuEventSignature(timestamp, nonce, encryptKey, raw), signature.toLowerCase())
    ) {
      throw reject(messages.eventSignatureFailedMessage(), 401);
    }
    // Signed, so the timestamp is Feishu's: a captured request replays for minutes at most.
    const sentAt = requestTimestampMs(timestamp);
    if (sentAt === undefined || !isWithinClockSkew(sentAt, this.options.clock())) {
      throw reject(messages.eventStaleMessage(EVENT_MAX_CLOCK_SKEW_MS), 401);
    }
  }

  private isUrlVerification(body: Record<string, unknown>, encryptKey: string): boolean {
    try {
      const inner = JSON.parse(
        decryptFeishuEvent(String(body.encrypt), encryptKey),
      ) as FeishuEventEnvelope;
      return inner.type === 'url_verification';
    } catch {
      return false;
    }
  }

  private checkVerificationToken(envelope: FeishuEventEnvelope): void {
    const expected = this.options.events.verificationToken;
    if (!expected) return;
    const token = verificationTokenOf(envelope);
    if (typeof token !== 'string' || !safeEqual(token, expected)) {
      throw reject(messages.eventVerificationFailedMessage(), 401);
    }
  }

  /**
   * Stores the ticket of an authenticated app_ticket event: once per event id (Feishu redelivers,
   * and a replay within the signature window is the same id), and only if no ticket issued later
   * is stored (the store compares and sets atomically, so instances never race an older one in).
   */
  private async saveAppTicket(envelope: FeishuEventEnvelope): Promise<void> {
    const appId = envelope.event?.app_id ?? envelope.header?.app_id;
    const ticket = envelope.event?.app_ticket;
    const eventId = eventIdOf(envelope);
    const issuedAt = eventCreatedAt(envelope);
    if (typeof ticket !== 'string' || ticket.length === 0 || !eventId || issuedAt === undefined) {
      throw reject(messages.eventMalformedMessage(), 400);
    }
    if (appId !== this.options.appId) {
      this.logger.warn(`Ignored an app_ticket for another app (${quoteInput(appId)}).`);
      return;
    }
    // A ticket dated ahead would keep every real one out: only a clock's worth of skew is allowed.
    if (issuedAt > this.options.clock() + EVENT_MAX_CLOCK_SKEW_MS) {
      throw reject(messages.eventStaleMessage(EVENT_MAX_CLOCK_SKEW_MS), 400);
    }
    if (!(await this.store.claimEvent(`${appId}:${eventId}`, EVENT_ID_TTL_SECONDS))) {
      this.logger.debug(`Dropped app_ticket event ${quoteInput(eventId)}: already handled.`);
      return;
    }
    if (await this.store.setAppTicket(appId, ticket, issuedAt)) {
      this.logger.debug(`Stored a new app_ticket for ${appId}.`);
    } else {
      this.logger.debug(`Kept the stored app_ticket of ${appId}: it was issued after this one.`);
    }
  }
}

function header(headers: FeishuEventHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function reject(message: string, status: 400 | 401): FeishuEventRejectedError {
  return new FeishuEventRejectedError(message, status);
}
