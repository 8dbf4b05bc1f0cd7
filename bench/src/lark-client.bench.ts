import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import lark from '@larksuiteoapi/node-sdk';
import { FeishuAuthModule } from '@feishu-auth/nestjs';
import { FeishuLarkModule, LARK_CLIENT, type LarkClient } from '@feishu-auth/nestjs/lark';
import type { RedisServer } from '../../test/support/redis-server.js';
import { SELF_BUILT, benchOptions } from './support/app-options.js';
import { EmulatorProcess } from './support/emulator.js';
import { BENCH_USER, flushRedis, startInstances, stopInstances } from './support/instances.js';
import { fmt, ratio, type Section } from './support/report.js';

const CALLERS = 1_000;
const PROCESSES = 4;
const TENANT_ENDPOINT = 'tenant_access_token.internal';
const CONTACT = 'openapi.contact.user';

interface Round {
  tokenCalls: number;
  apiCalls: number;
  ms: number;
}

/** 1,000 concurrent `contact.v3.user.get` calls on a cold cache; counts from the emulator. */
async function herd(emulator: EmulatorProcess, call: () => Promise<unknown>): Promise<Round> {
  await emulator.resetStats();
  const startedAt = performance.now();
  const answers = await Promise.all(Array.from({ length: CALLERS }, call));
  const ms = performance.now() - startedAt;
  if (answers.some((answer) => (answer as { code?: number }).code !== 0)) {
    throw new Error('an SDK call failed');
  }
  const stats = await emulator.stats();
  return { tokenCalls: stats[TENANT_ENDPOINT] ?? 0, apiCalls: stats[CONTACT] ?? 0, ms };
}

const getUser = (client: LarkClient) => () =>
  client.contact.v3.user.get({
    path: { user_id: BENCH_USER },
    params: { user_id_type: 'open_id' },
  });

async function providedClientRound(emulator: EmulatorProcess): Promise<Round> {
  @Module({
    imports: [FeishuAuthModule.forRoot(benchOptions(emulator.url)), FeishuLarkModule.forRoot()],
  })
  class LarkHerdModule {}
  const app: INestApplicationContext = await NestFactory.createApplicationContext(LarkHerdModule, {
    logger: ['error'],
  });
  try {
    return await herd(emulator, getUser(app.get<LarkClient>(LARK_CLIENT)));
  } finally {
    await app.close();
  }
}

/** A plain client with a cache of its own (the SDK's default cache is shared by the process). */
async function plainClientRound(emulator: EmulatorProcess): Promise<Round> {
  const client = new lark.Client({
    ...SELF_BUILT,
    domain: emulator.url,
    cache: new lark.DefaultCache(),
    loggerLevel: lark.LoggerLevel.error,
  });
  return herd(emulator, getUser(client));
}

/** Four instance-app processes on one (flushed) Redis, 250 concurrent SDK calls each, all at once. */
async function processesRound(emulator: EmulatorProcess, redisUrl: string): Promise<Round> {
  await flushRedis(redisUrl);
  const cluster = await startInstances(PROCESSES, 'lark', emulator.url, { REDIS_URL: redisUrl });
  try {
    return await herd(emulator, async () => {
      const index = Math.floor(Math.random() * cluster.length);
      const url = `${cluster[index]!.url}/lark/contact?openId=${BENCH_USER}`;
      const answer = (await (await fetch(url)).json()) as { code?: number };
      return answer;
    });
  } finally {
    await stopInstances(cluster);
  }
}

/** Benchmark 7: the official SDK's client on our tokens, against a plain `lark.Client`. */
export async function larkClient(redis: RedisServer): Promise<Section> {
  const emulator = await EmulatorProcess.start();
  try {
    const provided = await providedClientRound(emulator);
    const plain = await plainClientRound(emulator);
    const processes = await processesRound(emulator, redis.url);
    const row = (name: string, round: Round, anchor: Round | undefined) => [
      name,
      fmt(round.tokenCalls),
      fmt(round.apiCalls),
      fmt(round.ms, 1),
      anchor ? ratio(round.tokenCalls, anchor.tokenCalls, 3) : '1.00× (anchor)',
    ];
    const goals = [
      `provided client: 1 token call ${provided.tokenCalls === 1 ? 'met' : `not met (${provided.tokenCalls})`}`,
      `four processes: 1 token call in total ${processes.tokenCalls === 1 ? 'met' : `not met (${processes.tokenCalls})`}`,
    ];
    return {
      title: '7. The official SDK on our tokens: 1,000 concurrent cold calls',
      method:
        `${CALLERS} concurrent \`client.contact.v3.user.get()\` calls of \`@larksuiteoapi/node-sdk\` ` +
        'on an empty token cache, against the emulator in its own process: through the `Client` ' +
        '`FeishuLarkModule` provides (in the runner, in-memory store), through a plain ' +
        '`lark.Client` with a cache of its own (the anchor), and through the provided client in ' +
        `${PROCESSES} instance-app processes on one flushed Redis (\`GET /lark/contact\`, the calls ` +
        "spread at random). Token calls and API calls are the emulator's counts of " +
        `\`${TENANT_ENDPOINT}\` and \`${CONTACT}\`; time is until every call has answered.`,
      table: {
        head: ['client', 'upstream token calls', 'API calls', 'time (ms)', 'token calls vs plain'],
        rows: [
          row('plain `lark.Client` (anchor)', plain, undefined),
          row('provided client, one process', provided, plain),
          row(`provided client, ${PROCESSES} processes on one Redis`, processes, plain),
        ],
      },
      verdict: `Goals: ${goals.join('; ')}.`,
    };
  } finally {
    await emulator.stop();
  }
}
