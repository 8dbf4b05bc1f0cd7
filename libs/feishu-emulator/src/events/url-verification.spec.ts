import { createDecipheriv, createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeishuEmulator } from '../emulator.js';

const STORE = 'cli_emulator_store';
const SELF_BUILT = 'cli_emulator_selfbuilt';
const ENCRYPT_KEY = 'emulator-encrypt-key';

type Json = Record<string, unknown>;
type Answer = (challenge: unknown) => { status: number; body: string; delayMs?: number };

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  payload: Json;
}

/** Written from the docs (§6.2), independently of the emulator's helpers. */
function decrypt(key: string, encrypted: string): string {
  const data = Buffer.from(encrypted, 'base64');
  const aesKey = createHash('sha256').update(key, 'utf8').digest();
  const decipher = createDecipheriv('aes-256-cbc', aesKey, data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

/** A local event endpoint: decrypts like an app would and answers with `answer(challenge)`. */
async function startResponder(
  encryptKey: string | undefined,
  answer: Answer,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const outer = JSON.parse(raw) as Json;
      const payload = (
        encryptKey ? JSON.parse(decrypt(encryptKey, String(outer.encrypt))) : outer
      ) as Json;
      received.push({ headers: request.headers, raw, payload });
      const { status, body, delayMs = 0 } = answer(payload.challenge);
      const timer = setTimeout(() => {
        if (!response.destroyed) response.writeHead(status).end(body);
      }, delayMs);
      response.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhook/event`, received, server };
}

const echo: Answer = (challenge) => ({ status: 200, body: JSON.stringify({ challenge }) });

describe('event URL verification (checklist rule 21)', () => {
  let emulator: FeishuEmulator;
  let server: Server | undefined;

  const responder = async (appId: string, encryptKey: string | undefined, answer: Answer) => {
    const started = await startResponder(encryptKey, answer);
    server = started.server;
    emulator.addApp({
      ...emulator.apps.find((app) => app.appId === appId)!,
      eventUrl: started.url,
      encryptKey,
    });
    return started.received;
  };

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
  });
  afterEach(async () => {
    await emulator.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('should verify an app that echoes the encrypted challenge, signed over the raw body', async () => {
    const received = await responder(STORE, ENCRYPT_KEY, echo);
    expect(await emulator.verifyEventUrl(STORE)).toEqual({ verified: true, status: 200 });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(Object.keys(JSON.parse(request.raw) as Json)).toEqual(['encrypt']);
    expect(request.payload).toEqual({
      challenge: expect.any(String),
      token: `vt-${STORE}`,
      type: 'url_verification',
    });
    const signature = createHash('sha256')
      .update(
        `${String(request.headers['x-lark-request-timestamp'])}${String(request.headers['x-lark-request-nonce'])}${ENCRYPT_KEY}${request.raw}`,
      )
      .digest('hex');
    expect(request.headers['x-lark-signature']).toBe(signature);
    expect(emulator.stats()).toEqual({ 'event_url.verify': 1 });
  });

  it('should verify a plaintext challenge for an app without an Encrypt Key', async () => {
    const received = await responder(SELF_BUILT, undefined, echo);
    expect(await emulator.verifyEventUrl(SELF_BUILT)).toEqual({ verified: true, status: 200 });
    expect(received[0].payload).toMatchObject({
      token: `vt-${SELF_BUILT}`,
      type: 'url_verification',
    });
  });

  it('should send a new challenge each time', async () => {
    const received = await responder(STORE, ENCRYPT_KEY, echo);
    await emulator.verifyEventUrl(STORE);
    await emulator.verifyEventUrl(STORE);
    expect(received[0].payload.challenge).not.toBe(received[1].payload.challenge);
  });

  it.each<[string, Answer, Json]>([
    [
      'echoes another challenge',
      () => ({ status: 200, body: JSON.stringify({ challenge: 'not-the-one' }) }),
      { verified: false, status: 200, failure: 'wrong-challenge' },
    ],
    [
      'answers 200 without a challenge',
      () => ({ status: 200, body: '{}' }),
      { verified: false, status: 200, failure: 'wrong-challenge' },
    ],
    [
      'answers with the bare challenge instead of JSON',
      (challenge) => ({ status: 200, body: String(challenge) }),
      { verified: false, status: 200, failure: 'not-json' },
    ],
    [
      'echoes the challenge with HTTP 500',
      (challenge) => ({ status: 500, body: JSON.stringify({ challenge }) }),
      { verified: false, status: 500, failure: 'http-status' },
    ],
    [
      'echoes the challenge after more than 1 s',
      (challenge) => ({ status: 200, body: JSON.stringify({ challenge }), delayMs: 1500 }),
      { verified: false, failure: 'no-answer' },
    ],
  ])('should fail an app that %s', async (_name, answer, expected) => {
    const received = await responder(STORE, ENCRYPT_KEY, answer);
    expect(await emulator.verifyEventUrl(STORE)).toEqual(expected);
    expect(received).toHaveLength(1);
  });

  it('should fail an app that only echoes the encrypted envelope it could not read', async () => {
    // A responder that ignores the Encrypt Key sees no challenge at the top level.
    await responder(STORE, undefined, () => ({ status: 200, body: '{"challenge":null}' }));
    emulator.apps.find((app) => app.appId === STORE)!.encryptKey = ENCRYPT_KEY;
    expect(await emulator.verifyEventUrl(STORE)).toEqual({
      verified: false,
      status: 200,
      failure: 'wrong-challenge',
    });
  });

  it('should report an app without an event URL and an unreachable one', async () => {
    expect(await emulator.verifyEventUrl(SELF_BUILT)).toEqual({
      verified: false,
      failure: 'no-event-url',
    });
    const closed = await startResponder(undefined, echo);
    await new Promise((resolve) => closed.server.close(resolve));
    emulator.addApp({ ...emulator.apps[0], eventUrl: closed.url });
    expect(await emulator.verifyEventUrl(SELF_BUILT)).toEqual({
      verified: false,
      failure: 'no-answer',
    });
    expect(emulator.stats()).toEqual({ 'event_url.verify': 1 });
  });

  it('should throw for an unknown app', async () => {
    await expect(emulator.verifyEventUrl('cli_nope')).rejects.toThrow('unknown app: cli_nope');
  });

  it('should verify over the control API', async () => {
    await responder(STORE, ENCRYPT_KEY, echo);
    const response = await fetch(`${emulator.url}/__emulator/verify-event-url`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ appId: STORE }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ verified: true, status: 200 });
  });
});
