import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { RedisTokenStore, type RedisTokenStoreOptions } from '@feishu-auth/nestjs';
import { Redis, type Cluster } from 'ioredis';
import { RedisCluster } from './support/redis-cluster.js';
import { RedisServer } from './support/redis-server.js';
import { clusterClient } from './support/store-backends.js';
import * as fixture from './fixtures/token-fingerprint.controller.js';
import { SELF_BUILT } from './support/core-app.js';
import { createTestApp, login } from './support/login-app.js';

/**
 * docs/stores.md: on Redis a logout on one instance is refused by every instance within 1 s (the
 * near cache's TTL cap; in practice as soon as Redis's invalidation message arrives), and a
 * rotated user token is served by every instance once it is stored.
 */
const LOGOUT_BOUND_MS = 1000;
const REQUESTS_COUNTED = 10;

interface Deployment {
  /** Store options for one instance (its own connection to the shared data). */
  storeOptions(): RedisTokenStoreOptions;
  /** GET calls the deployment has answered so far. */
  reads(): Promise<number>;
  /**
   * GETs per guarded request once the instance knows the session: none on one node (the near
   * cache), the session and the user record on a Cluster (no near cache there, docs/stores.md).
   */
  readsPerKnownRequest: number;
  stop(): Promise<void>;
}

/** GET calls the nodes answered so far, from `INFO commandstats`. */
async function getCalls(nodes: Redis[]): Promise<number> {
  const infos = await Promise.all(nodes.map((node) => node.info('commandstats')));
  return infos.reduce(
    (sum, info) => sum + Number(/cmdstat_get:calls=(\d+)/.exec(info)?.[1] ?? 0),
    0,
  );
}

async function singleNode(): Promise<Deployment> {
  const server = await RedisServer.start();
  const admin = new Redis(server.url);
  return {
    storeOptions: () => ({ url: server.url }),
    reads: () => getCalls([admin]),
    readsPerKnownRequest: 0,
    async stop() {
      admin.disconnect();
      await server.stop();
    },
  };
}

async function cluster(): Promise<Deployment> {
  const nodes = await RedisCluster.start({ replicasPerMaster: 0 });
  const clients: Cluster[] = [];
  const admins = nodes.nodes.map((node) => new Redis(node.url));
  return {
    storeOptions: () => {
      const client = clusterClient(nodes);
      clients.push(client);
      return { client };
    },
    reads: () => getCalls(admins),
    readsPerKnownRequest: 2,
    async stop() {
      for (const client of clients) await client.quit().catch(() => client.disconnect());
      for (const admin of admins) admin.disconnect();
      await nodes.stop();
    },
  };
}

describe.each([
  ['one redis-server', singleNode],
  ['a Redis Cluster', cluster],
])(
  'Two instances on %s: sessions and user tokens stay consistent (integration)',
  (_name, start) => {
    let deployment: Deployment;
    let emulator: FeishuEmulator;
    let now: number;
    let instances: INestApplication[] = [];
    let reader: RedisTokenStore;

    beforeAll(async () => {
      deployment = await start();
    });

    afterAll(async () => {
      await deployment.stop();
    });

    afterEach(async () => {
      await Promise.all(instances.map((instance) => instance.close()));
      instances = [];
      await reader.close();
      await emulator.close();
    });

    /** Instances A and B, each with its own store (and near cache) on the deployment. */
    async function startInstances(): Promise<[INestApplication, INestApplication]> {
      now = Date.now();
      emulator = await FeishuEmulator.start({ port: 0, clock: () => now });
      const keyPrefix = `consistency:${now}:`;
      reader = new RedisTokenStore({ ...deployment.storeOptions(), keyPrefix, nearCache: false });
      instances = await Promise.all(
        [0, 1].map(() =>
          createTestApp({
            emulator,
            controllers: [fixture.TokenFingerprintController],
            overrides: {
              store: new RedisTokenStore({ ...deployment.storeOptions(), keyPrefix }),
              clock: () => now,
              refresh: { proactiveUserRefresh: false },
            },
          }),
        ),
      );
      return [instances[0]!, instances[1]!];
    }

    async function stored(openId: string) {
      return (await reader.getUserToken(SELF_BUILT.appId, openId))!;
    }

    it('should refuse a session on the other instance within the bound once it was logged out on one', async () => {
      const [a, b] = await startInstances();
      const jar = await login(a, emulator.users[0].openId);
      for (let i = 0; i < 3; i++) expect((await fixture.tokenOn(b, jar)).status).toBe(200);

      const logout = await request(a.getHttpServer())
        .post('/auth/feishu/logout')
        .set('Cookie', jar.header());
      expect(logout.status).toBe(204);

      const deadline = Date.now() + LOGOUT_BOUND_MS;
      let answer = await fixture.tokenOn(b, jar);
      while (answer.status === 200 && Date.now() < deadline) answer = await fixture.tokenOn(b, jar);
      expect(answer.status).toBe(401);
    });

    it('should never serve on the other instance a user token retired by a rotation one stored', async () => {
      const [a, b] = await startInstances();
      const openId = emulator.users[0].openId;
      const jar = await login(a, openId);
      const retired = fixture.fingerprint((await stored(openId)).accessToken);
      for (let i = 0; i < 3; i++)
        expect((await fixture.tokenOn(b, jar)).body).toEqual({ fingerprint: retired });

      now = (await stored(openId)).accessTokenExpiresAt - fixture.UNDER_WAIT_FLOOR_MS;
      expect((await fixture.tokenOn(a, jar)).status).toBe(200);
      const current = fixture.fingerprint((await stored(openId)).accessToken);
      expect(current).not.toBe(retired);

      const answers = await Promise.all(
        Array.from({ length: fixture.REQUESTS_AFTER_ROTATION }, () => fixture.tokenOn(b, jar)),
      );
      expect(answers.map((answer) => answer.body)).toEqual(
        Array(fixture.REQUESTS_AFTER_ROTATION).fill({ fingerprint: current }),
      );
    });

    it('should read Redis for a session the instance knows only as the deployment allows (none on one node, both records on a Cluster)', async () => {
      const [a, b] = await startInstances();
      const jar = await login(a, emulator.users[0].openId);
      // Until the near cache tracks its connection (it starts with it), B reads Redis.
      const deadline = Date.now() + 10_000;
      let reads = Infinity;
      while (reads > deployment.readsPerKnownRequest * REQUESTS_COUNTED && Date.now() < deadline) {
        const before = await deployment.reads();
        for (let i = 0; i < REQUESTS_COUNTED; i++)
          expect((await fixture.tokenOn(b, jar)).status).toBe(200);
        reads = (await deployment.reads()) - before;
      }
      expect(reads).toBe(deployment.readsPerKnownRequest * REQUESTS_COUNTED);
    });
  },
);
