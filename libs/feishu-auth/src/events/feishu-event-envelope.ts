/**
 * Reading Feishu's event envelopes, v2 (`schema: "2.0"`, a `header`) and v1 (`uuid`, `ts`): plain
 * functions, no state. Every value comes from the request and is checked before use.
 */

/** The fields of an event the library reads; anything may be missing or of another type. */
export interface FeishuEventEnvelope {
  type?: unknown;
  challenge?: unknown;
  token?: unknown;
  schema?: unknown;
  /** v1: the event id. */
  uuid?: unknown;
  /** v1: seconds since the epoch with a fraction, as a string (`"1502199207.7171419"`). */
  ts?: unknown;
  header?: {
    token?: unknown;
    event_id?: unknown;
    event_type?: unknown;
    app_id?: unknown;
    /** Milliseconds since the epoch, as a string. */
    create_time?: unknown;
  };
  event?: { type?: unknown; app_id?: unknown; app_ticket?: unknown };
}

/**
 * How far a signed event's `X-Lark-Request-Timestamp`, or an app_ticket's create time, may be from
 * this server's clock: a captured request replays for at most this long (and never twice: event
 * ids are remembered for longer, see `EVENT_ID_TTL_SECONDS`).
 */
export const EVENT_MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * How long a handled event id is remembered. Feishu redelivers an event it thinks failed after
 * 15 s, 5 min, 1 h and 6 h: eight hours outlast the last redelivery.
 */
export const EVENT_ID_TTL_SECONDS = 8 * 3600;

/** Event ids are 32 hex characters today; anything longer or odder is not Feishu's. */
const EVENT_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Whole seconds since the epoch, as Feishu writes `X-Lark-Request-Timestamp`. */
const UNIX_SECONDS = /^\d{1,12}$/;
/** v1 `ts`: seconds with an optional fraction. */
const DECIMAL_SECONDS = /^\d{1,12}(\.\d{1,9})?$/;
const EPOCH_MILLISECONDS = /^\d{1,15}$/;

export function isV2(envelope: FeishuEventEnvelope): boolean {
  return envelope.schema === '2.0';
}

/** `header.event_type` (v2) or `event.type` (v1). */
export function eventType(envelope: FeishuEventEnvelope): unknown {
  return isV2(envelope) ? envelope.header?.event_type : envelope.event?.type;
}

/** `header.token` (v2) or `token` (v1 and URL verification). */
export function verificationTokenOf(envelope: FeishuEventEnvelope): unknown {
  return isV2(envelope) ? envelope.header?.token : envelope.token;
}

/** `header.event_id` (v2) or `uuid` (v1); `undefined` when absent or malformed. */
export function eventIdOf(envelope: FeishuEventEnvelope): string | undefined {
  const id = isV2(envelope) ? envelope.header?.event_id : envelope.uuid;
  return typeof id === 'string' && EVENT_ID.test(id) ? id : undefined;
}

/** When Feishu created the event (epoch ms): v2 `header.create_time`, v1 `ts`. */
export function eventCreatedAt(envelope: FeishuEventEnvelope): number | undefined {
  if (isV2(envelope)) {
    const value = envelope.header?.create_time;
    const text = typeof value === 'number' ? String(value) : value;
    return typeof text === 'string' && EPOCH_MILLISECONDS.test(text) ? Number(text) : undefined;
  }
  const ts = envelope.ts;
  return typeof ts === 'string' && DECIMAL_SECONDS.test(ts)
    ? Math.round(Number(ts) * 1000)
    : undefined;
}

/** `X-Lark-Request-Timestamp` (whole seconds) in epoch ms; `undefined` when malformed. */
export function requestTimestampMs(header: string): number | undefined {
  return UNIX_SECONDS.test(header) ? Number(header) * 1000 : undefined;
}

/** `true` when `timeMs` is within `EVENT_MAX_CLOCK_SKEW_MS` of `nowMs`, either way. */
export function isWithinClockSkew(timeMs: number, nowMs: number): boolean {
  return Math.abs(timeMs - nowMs) <= EVENT_MAX_CLOCK_SKEW_MS;
}
