import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { InMemoryTokenStore } from '@feishu-auth/nestjs';
import {
  fingerprint,
  REQUESTS_AFTER_ROTATION,
  tokenOn,
  TokenFingerprintController,
  UNDER_WAIT_FLOOR_MS,
} from './fixtures/token-fingerprint.controller.js';
import { SELF_BUILT } from './support/core-app.js';
import { createTestApp, login } from './support/login-app.js';

/**
 * docs/stores.md: a logout on one instance is effective on every instance sharing the store from
 * the next request on (no instance keeps a session in memory: the bound is 0 ms of clock).
 * test/session-consistency.integration-spec.ts proves the same on Redis, whose bound is 1 s.
 */
const LOGOUT_BOUND_MS = 0;
const POLL_STEP_MS = 100;

/**
 * A store whose every call takes a turn of the event loop, as a network store's does, and which
 * counts round trips: a round starts when a call begins while no other call is in flight.
 */
class RoundTripCountingStore extends InMemoryTokenStore {
  rounds = 0;
  private inFlight = 0;

  override getSession(id: string) {
    return this.roundTrip(() => super.getSession(id));
  }

  override getUserToken(appId: string, openId: string) {
    return this.roundTrip(() => super.getUserToken(appId, openId));
  }

  private async roundTrip<T>(call: () => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.rounds += 1;
    try {
      await new Promise((resolve) => setImmediate(resolve));
      return await call();
    } finally {
      this.inFlight -= 1;
    }
  }
}

describe('Two instances on one store: sessions and user tokens stay consistent (e2e)', () => {
  let emulator: FeishuEmulator;
  let now: number;
  let store: RoundTripCountingStore;
  let instanceA: INestApplication;
  let instanceB: INestApplication;
  let openId: string;

  beforeEach(async () => {
    now = Date.now();
    emulator = await FeishuEmulator.start({ port: 0, clock: () => now });
    store = new RoundTripCountingStore({ clock: () => now });
    const overrides = { store, clock: () => now, refresh: { proactiveUserRefresh: false } };
    [instanceA, instanceB] = await Promise.all(
      [0, 1].map(() =>
        createTestApp({ emulator, overrides, controllers: [TokenFingerprintController] }),
      ),
    );
    openId = emulator.users[0].openId;
  });

  afterEach(async () => {
    await Promise.all([instanceA.close(), instanceB.close()]);
    await emulator.close();
  });

  async function storedFingerprint(): Promise<string> {
    return fingerprint((await store.getUserToken(SELF_BUILT.appId, openId))!.accessToken);
  }

  it('should refuse a session on every instance within the logout bound once it was logged out on one', async () => {
    const jar = await login(instanceA, openId);
    expect((await tokenOn(instanceB, jar)).status).toBe(200);
    expect((await tokenOn(instanceB, jar)).status).toBe(200);

    const logout = await request(instanceA.getHttpServer())
      .post('/auth/feishu/logout')
      .set('Cookie', jar.header());
    expect(logout.status).toBe(204);

    const loggedOutAt = now;
    let servedAfterLogout = 0;
    while ((await tokenOn(instanceB, jar)).status === 200) {
      servedAfterLogout += 1;
      now += POLL_STEP_MS;
      if (now - loggedOutAt > LOGOUT_BOUND_MS + POLL_STEP_MS) break;
    }
    expect(servedAfterLogout).toBe(0);
    expect(now - loggedOutAt).toBeLessThanOrEqual(LOGOUT_BOUND_MS);
    expect((await tokenOn(instanceB, jar)).status).toBe(401);
  });

  it('should never serve a user token on another instance once its rotation is stored', async () => {
    const jar = await login(instanceA, openId);
    const before = await storedFingerprint();
    expect((await tokenOn(instanceB, jar)).body).toEqual({ fingerprint: before });

    now =
      (await store.getUserToken(SELF_BUILT.appId, openId))!.accessTokenExpiresAt -
      UNDER_WAIT_FLOOR_MS;
    const rotated = await tokenOn(instanceA, jar);
    const after = await storedFingerprint();
    expect(after).not.toBe(before);
    expect(rotated.body).toEqual({ fingerprint: after });

    const served = await Promise.all(
      Array.from({ length: REQUESTS_AFTER_ROTATION }, () => tokenOn(instanceB, jar)),
    );
    expect(served.filter((answer) => answer.body.fingerprint === before)).toHaveLength(0);
    expect(served.map((answer) => answer.body.fingerprint)).toEqual(
      Array(REQUESTS_AFTER_ROTATION).fill(after),
    );
  });

  it('should read the session and the user token in one round trip once the instance knows the session', async () => {
    const jar = await login(instanceA, openId);
    expect((await tokenOn(instanceB, jar)).status).toBe(200);

    const roundsBefore = store.rounds;
    const answer = await tokenOn(instanceB, jar);
    const rounds = store.rounds - roundsBefore;

    expect(answer.body).toEqual({ fingerprint: await storedFingerprint() });
    expect(rounds).toBe(1);
  });

  it('should not serve the token read alongside a session that has ended', async () => {
    const jar = await login(instanceA, openId);
    expect((await tokenOn(instanceB, jar)).status).toBe(200);

    await request(instanceA.getHttpServer())
      .post('/auth/feishu/logout')
      .set('Cookie', jar.header());
    // The user signs in again elsewhere: their tokens exist, the old session does not.
    await login(instanceA, openId);

    const answer = await tokenOn(instanceB, jar);
    expect(answer.status).toBe(401);
    expect(JSON.stringify(answer.body)).not.toContain(await storedFingerprint());
  });
});
