import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { type INestApplication, Logger } from '@nestjs/common';
import request from 'supertest';
import { FeishuEmulator, encryptEvent, signEvent } from '@feishu-auth/emulator';
import {
  FeishuConfigError,
  FeishuEventHandler,
  FeishuEventRejectedError,
  type FeishuEventOptions,
  FeishuTokenStore,
} from '@feishu-auth/nestjs';
import { SESSION_SECRET, STORE_APP, emulatorOptions, startCoreApp } from './support/core-app.js';

const EVENTS_PATH = 'feishu/events';
const ENCRYPT_KEY = 'events-encrypt-key-for-tests';
const VERIFICATION_TOKEN = 'events-verification-token';
const MINUTE = 60_000;

interface TicketEvent {
  ticket: string;
  /** Epoch ms of the event's create time (v1 `ts`). */
  createdAt?: number;
  uuid?: string;
  appId?: string;
}

/** A v1 app_ticket event as Feishu pushes it (feishu-api.md §6.1), encrypted with ENCRYPT_KEY. */
function ticketEventBody(event: TicketEvent): string {
  const plaintext = JSON.stringify({
    ts: ((event.createdAt ?? Date.now()) / 1000).toFixed(7),
    uuid: event.uuid ?? randomBytes(16).toString('hex'),
    token: VERIFICATION_TOKEN,
    type: 'event_callback',
    event: { app_id: event.appId ?? STORE_APP.appId, app_ticket: event.ticket, type: 'app_ticket' },
  });
  return JSON.stringify({ encrypt: encryptEvent(ENCRYPT_KEY, plaintext) });
}

/** Headers signed as Feishu signs them, with `X-Lark-Request-Timestamp` at `sentAt` (epoch ms). */
function signedHeaders(body: string, sentAt = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(sentAt / 1000));
  const nonce = randomBytes(8).toString('hex');
  return {
    'content-type': 'application/json',
    'x-lark-request-timestamp': timestamp,
    'x-lark-request-nonce': nonce,
    'x-lark-signature': signEvent(timestamp, nonce, ENCRYPT_KEY, body),
  };
}

function post(app: INestApplication, body: string, headers: Record<string, string>) {
  return request(app.getHttpServer()).post(`/${EVENTS_PATH}`).set(headers).send(body);
}

const ticketOf = (app: INestApplication) =>
  app.get<FeishuTokenStore>(FeishuTokenStore).getAppTicket(STORE_APP.appId);

describe('Events endpoint: authenticated, fresh, once, in order (e2e)', () => {
  let emulator: FeishuEmulator;
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await emulator.close();
  });

  async function storeApp(events: FeishuEventOptions): Promise<INestApplication> {
    const { app } = await startCoreApp(
      emulatorOptions(emulator, { ...STORE_APP, appType: 'store', events }),
      { eventsPath: EVENTS_PATH },
    );
    apps.push(app);
    return app;
  }

  describe('at boot', () => {
    it('should refuse eventsPath without events.verificationToken or events.encryptKey, naming them', async () => {
      const boot = startCoreApp(emulatorOptions(emulator), { eventsPath: EVENTS_PATH });

      const error = await boot.then(
        ({ app }) => void apps.push(app),
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(FeishuConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/"eventsPath".*"events.verificationToken" or "events.encryptKey"/);
      expect(message).not.toContain(SESSION_SECRET);
      expect(message).not.toContain(STORE_APP.appSecret);
    });

    it("should refuse appType 'store' without events.verificationToken or events.encryptKey", async () => {
      await expect(
        startCoreApp(emulatorOptions(emulator, { ...STORE_APP, appType: 'store' })),
      ).rejects.toThrow(/appType: 'store'.*"events.verificationToken" or "events.encryptKey"/);
    });

    it('should refuse every event at a route of the app when nothing authenticates events', async () => {
      const { app } = await startCoreApp(emulatorOptions(emulator, { appId: STORE_APP.appId }));
      apps.push(app);
      const forged = {
        schema: '2.0',
        header: { event_id: 'e1', event_type: 'app_ticket', app_id: STORE_APP.appId },
        event: { app_id: STORE_APP.appId, app_ticket: 'forged' },
      };

      const refused = app.get(FeishuEventHandler).handle(forged, {});

      await expect(refused).rejects.toBeInstanceOf(FeishuEventRejectedError);
      await expect(refused).rejects.toMatchObject({ status: 401 });
      expect(await ticketOf(app)).toBeUndefined();
    });
  });

  describe('replays', () => {
    it.each([
      ['sent 6 minutes ago', -6 * MINUTE],
      ['dated 6 minutes ahead', 6 * MINUTE],
    ])(
      'should refuse a correctly signed event %s with 401 and store nothing',
      async (_label, skew) => {
        const app = await storeApp({
          encryptKey: ENCRYPT_KEY,
          verificationToken: VERIFICATION_TOKEN,
        });
        const body = ticketEventBody({ ticket: 'replayed', createdAt: Date.now() + skew });

        const response = await post(app, body, signedHeaders(body, Date.now() + skew));

        expect(response.status).toBe(401);
        expect(response.body.message).toMatch(/more than 5 minutes/);
        expect(await ticketOf(app)).toBeUndefined();
      },
    );

    it('should accept a correctly signed event sent 4 minutes ago', async () => {
      const app = await storeApp({ encryptKey: ENCRYPT_KEY });
      const body = ticketEventBody({ ticket: 'late-but-fine', createdAt: Date.now() - 4 * MINUTE });

      const response = await post(app, body, signedHeaders(body, Date.now() - 4 * MINUTE));

      expect(response.status).toBe(200);
      expect(await ticketOf(app)).toBe('late-but-fine');
    });

    it('should handle an event id once: a redelivery or replay is acknowledged and dropped', async () => {
      const app = await storeApp({ encryptKey: ENCRYPT_KEY });
      const store = app.get<FeishuTokenStore>(FeishuTokenStore);
      const writes = jest.spyOn(store, 'setAppTicket');
      const body = ticketEventBody({ ticket: 'once', uuid: 'bc447199585340d1f3728d26b1c0297a' });

      const first = await post(app, body, signedHeaders(body));
      const again = await post(app, body, signedHeaders(body));

      expect([first.status, again.status]).toEqual([200, 200]);
      expect(writes).toHaveBeenCalledTimes(1);
      expect(await ticketOf(app)).toBe('once');
    });

    it('should never let an older app_ticket replace a newer one, whatever the arrival order', async () => {
      const app = await storeApp({ encryptKey: ENCRYPT_KEY });
      const newer = ticketEventBody({ ticket: 'newer', createdAt: Date.now() });
      const older = ticketEventBody({ ticket: 'older', createdAt: Date.now() - 2 * MINUTE });

      expect((await post(app, newer, signedHeaders(newer))).status).toBe(200);
      expect((await post(app, older, signedHeaders(older))).status).toBe(200);

      expect(await ticketOf(app)).toBe('newer');
    });

    it('should refuse an app_ticket dated ahead, which would keep real tickets out, with only a verification token', async () => {
      const app = await storeApp({ verificationToken: VERIFICATION_TOKEN });
      const future = JSON.stringify({
        ts: ((Date.now() + 365 * 24 * 60 * MINUTE) / 1000).toFixed(7),
        uuid: 'f'.repeat(32),
        token: VERIFICATION_TOKEN,
        type: 'event_callback',
        event: { app_id: STORE_APP.appId, app_ticket: 'from-the-future', type: 'app_ticket' },
      });

      const response = await post(app, future, { 'content-type': 'application/json' });

      expect(response.status).toBe(400);
      expect(await ticketOf(app)).toBeUndefined();
    });
  });

  describe('strangers', () => {
    it('should ignore an app_ticket for another app, logging its app id quoted and cut short', async () => {
      const app = await storeApp({ encryptKey: ENCRYPT_KEY });
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const appId = `cli_other\nERROR forged line ${'x'.repeat(200)}`;
      const body = ticketEventBody({ ticket: 'other-app', appId });

      try {
        const response = await post(app, body, signedHeaders(body));

        expect(response.status).toBe(200);
        expect(await ticketOf(app)).toBeUndefined();
        const logged = warn.mock.calls.map((call) => String(call[0])).join('\n');
        expect(logged).toContain(
          'Ignored an app_ticket for another app ("cli_other\\nERROR forged',
        );
        expect(logged).toContain(`(${appId.length} characters)`);
        expect(logged).not.toContain('\nERROR');
        expect(logged).not.toContain('x'.repeat(100));
      } finally {
        warn.mockRestore();
      }
    });
  });
});
