import { createDecipheriv, createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeishuEmulator, type FeishuEmulatorOptions } from '../index.js';

const STORE = 'cli_emulator_store';
const STORE_SECRET = 'emulator-store-secret';
const ENCRYPT_KEY = 'emulator-encrypt-key';

type Json = Record<string, unknown>;

interface ReceivedEvent {
  headers: IncomingHttpHeaders;
  raw: string;
}

interface AppTicketEvent {
  ts: string;
  uuid: string;
  token: string;
  type: string;
  event: { app_id: string; app_ticket: string; type: string };
}

/** Written from the docs (§6.2), not with the emulator's own helpers. */
function decrypt(key: string, encrypted: string): string {
  const data = Buffer.from(encrypted, 'base64');
  const aesKey = createHash('sha256').update(key, 'utf8').digest();
  const decipher = createDecipheriv('aes-256-cbc', aesKey, data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

function expectedSignature(headers: IncomingHttpHeaders, key: string, raw: string): string {
  return createHash('sha256')
    .update(
      `${String(headers['x-lark-request-timestamp'])}${String(headers['x-lark-request-nonce'])}${key}${raw}`,
    )
    .digest('hex');
}

const ticketOf = (event: ReceivedEvent, key: string | undefined = ENCRYPT_KEY) => {
  const plain = key
    ? decrypt(key, (JSON.parse(event.raw) as { encrypt: string }).encrypt)
    : event.raw;
  return (JSON.parse(plain) as AppTicketEvent).event.app_ticket;
};

/** A local event endpoint that records every delivery and answers with the queued statuses. */
class EventReceiver {
  readonly events: ReceivedEvent[] = [];
  readonly statuses: number[] = [];
  private readonly arrivals = new EventEmitter();
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.events.push({ headers: request.headers, raw: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(this.statuses.shift() ?? 200).end('{}');
      this.arrivals.emit('event');
    });
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook/event`;
    return this;
  }

  async waitFor(count: number): Promise<ReceivedEvent[]> {
    while (this.events.length < count) await once(this.arrivals, 'event');
    return this.events;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('store app flow: app_ticket push and /open-apis/auth/v3/*', () => {
  let emulator: FeishuEmulator;
  let receiver: EventReceiver;
  let now: number;

  const start = async (options: FeishuEmulatorOptions = {}, encrypted = true) => {
    await emulator?.close();
    emulator = await FeishuEmulator.start({ clock: () => now, ...options });
    const encryptKey = encrypted ? ENCRYPT_KEY : undefined;
    emulator.addApp({ ...emulator.apps[1], eventUrl: receiver.url, encryptKey });
  };
  const post = async (path: string, body: Json, headers: Record<string, string> = {}) => {
    const response = await fetch(`${emulator.url}/open-apis/auth/v3/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const appAccessToken = (ticket: string) =>
    post('app_access_token', { app_id: STORE, app_secret: STORE_SECRET, app_ticket: ticket });
  const tenantAccessToken = (appToken: unknown, tenantKey: string) =>
    post('tenant_access_token', { app_access_token: appToken, tenant_key: tenantKey });

  beforeEach(async () => {
    now = Date.UTC(2026, 0, 1);
    receiver = await new EventReceiver().start();
    await start();
  });
  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  it('should push an encrypted app_ticket event signed over the raw body', async () => {
    expect(await emulator.deliverAppTicket(STORE)).toEqual({ delivered: true, status: 200 });
    const [event] = await receiver.waitFor(1);
    expect(event.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(JSON.parse(event.raw) as Json)).toEqual(['encrypt']);
    expect(event.headers['x-lark-request-timestamp']).toBe(String(Math.floor(now / 1000)));
    expect(event.headers['x-lark-request-nonce']).toMatch(/^\S+$/);
    expect(event.headers['x-lark-signature']).toBe(
      expectedSignature(event.headers, ENCRYPT_KEY, event.raw),
    );
    const payload = JSON.parse(
      decrypt(ENCRYPT_KEY, (JSON.parse(event.raw) as { encrypt: string }).encrypt),
    ) as AppTicketEvent;
    expect(payload).toEqual({
      ts: expect.stringMatching(/^\d+\.\d+$/),
      uuid: expect.stringMatching(/^[0-9a-f]{32}$/),
      token: `vt-${STORE}`,
      type: 'event_callback',
      event: { app_id: STORE, app_ticket: expect.any(String), type: 'app_ticket' },
    });
    expect(emulator.stats()).toEqual({ 'app_ticket.push': 1 });
  });

  it('should push plaintext JSON, signed with an empty key, to an app without an Encrypt Key', async () => {
    await start({}, false);
    await emulator.pushAppTicket(STORE);
    const [event] = await receiver.waitFor(1);
    expect((JSON.parse(event.raw) as AppTicketEvent).event.type).toBe('app_ticket');
    expect(event.headers['x-lark-signature']).toBe(expectedSignature(event.headers, '', event.raw));
  });

  it('should send no signature headers for plaintext events when signPlaintextEvents is off', async () => {
    await start({ signPlaintextEvents: false }, false);
    await emulator.pushAppTicket(STORE);
    const [event] = await receiver.waitFor(1);
    expect(event.headers['x-lark-signature']).toBeUndefined();
    expect(event.headers['x-lark-request-timestamp']).toBeUndefined();
  });

  it('should issue an app token for the latest ticket only (10012 for a stale one)', async () => {
    await emulator.pushAppTicket(STORE);
    await emulator.pushAppTicket(STORE);
    const [first, second] = await receiver.waitFor(2);
    expect(ticketOf(first)).not.toBe(ticketOf(second));
    expect(await appAccessToken(ticketOf(first))).toMatchObject({
      status: 200,
      body: { code: 10012 },
    });
    expect(await appAccessToken(ticketOf(second))).toEqual({
      status: 200,
      body: {
        code: 0,
        msg: 'success',
        app_access_token: expect.stringMatching(/^a-/),
        expire: 7200,
      },
    });
  });

  it('should issue one tenant token per installed tenant under the 30-minute rule', async () => {
    await emulator.pushAppTicket(STORE);
    const [event] = await receiver.waitFor(1);
    const appToken = (await appAccessToken(ticketOf(event))).body.app_access_token;
    const one = await tenantAccessToken(appToken, 'tenant_emulator_1');
    const two = await tenantAccessToken(appToken, 'tenant_emulator_2');
    expect(one).toEqual({
      status: 200,
      body: {
        code: 0,
        msg: 'success',
        tenant_access_token: expect.stringMatching(/^t-/),
        expire: 7200,
      },
    });
    expect(two.body.tenant_access_token).not.toBe(one.body.tenant_access_token);
    now += 5400_000;
    expect((await tenantAccessToken(appToken, 'tenant_emulator_1')).body).toMatchObject({
      tenant_access_token: one.body.tenant_access_token,
      expire: 1800,
    });
    now += 1000;
    const renewed = await tenantAccessToken(appToken, 'tenant_emulator_1');
    expect(renewed.body.tenant_access_token).not.toBe(one.body.tenant_access_token);
    expect(renewed.body.expire).toBe(7200);
  });

  it('should answer 10013 for a tenant without the app and 99991664 for a bad app token, on HTTP 200', async () => {
    await emulator.pushAppTicket(STORE);
    const [event] = await receiver.waitFor(1);
    const appToken = (await appAccessToken(ticketOf(event))).body.app_access_token;
    expect(await tenantAccessToken(appToken, 'tenant_other')).toMatchObject({
      status: 200,
      body: { code: 10013 },
    });
    expect(await tenantAccessToken('a-garbage', 'tenant_emulator_1')).toMatchObject({
      status: 200,
      body: { code: 99991664 },
    });
    emulator.invalidateTenantTokens(STORE);
    expect((await tenantAccessToken(appToken, 'tenant_emulator_1')).body.code).toBe(99991664);
  });

  it('should answer 20013 on v1 OIDC for a store tenant token that was invalidated', async () => {
    await emulator.pushAppTicket(STORE);
    const [event] = await receiver.waitFor(1);
    const appToken = (await appAccessToken(ticketOf(event))).body.app_access_token;
    const tenantToken = String(
      (await tenantAccessToken(appToken, 'tenant_emulator_1')).body.tenant_access_token,
    );
    emulator.invalidateTenantTokens(STORE);
    const response = await fetch(`${emulator.url}/open-apis/authen/v1/oidc/access_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tenantToken}` },
      body: JSON.stringify({ grant_type: 'authorization_code', code: 'x' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 20013 });
  });

  it('should push a fresh ticket after a resend request', async () => {
    await emulator.pushAppTicket(STORE);
    const [first] = await receiver.waitFor(1);
    expect(await post('app_ticket/resend', { app_id: STORE, app_secret: STORE_SECRET })).toEqual({
      status: 200,
      body: { code: 0, msg: 'success' },
    });
    const [, pushed] = await receiver.waitFor(2);
    expect(ticketOf(pushed)).not.toBe(ticketOf(first));
    expect((await appAccessToken(ticketOf(pushed))).body.code).toBe(0);
    expect(emulator.stats()).toEqual({
      'app_ticket.push': 2,
      'app_ticket.resend': 1,
      app_access_token: 1,
    });
  });

  it('should refuse a resend with a wrong secret and push nothing', async () => {
    expect(await post('app_ticket/resend', { app_id: STORE, app_secret: 'wrong' })).toMatchObject({
      status: 200,
      body: { code: 10014 },
    });
    expect(emulator.stats()).toEqual({ 'app_ticket.resend': 1 });
  });

  it('should retry the same event after a non-200 ack until the app answers 200', async () => {
    await start({ eventRetryDelaysMs: [5, 5, 5] });
    receiver.statuses.push(500, 503);
    expect(await emulator.deliverAppTicket(STORE)).toEqual({ delivered: false, status: 500 });
    const [first, second, third] = await receiver.waitFor(3);
    expect(second.raw).toBe(first.raw);
    expect(third.raw).toBe(first.raw);
    expect(emulator.stats()).toEqual({ 'app_ticket.push': 3 });
    expect((await appAccessToken(ticketOf(first))).body.code).toBe(0);
  });

  it('should give up after the last retry delay', async () => {
    await start({ eventRetryDelaysMs: [5, 5] });
    receiver.statuses.push(500, 500, 500, 200);
    await emulator.pushAppTicket(STORE);
    await receiver.waitFor(3);
    // Forty times the retry delay: a fourth attempt would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.events).toHaveLength(3);
    expect(emulator.stats()).toEqual({ 'app_ticket.push': 3 });
  });
});
