import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import lark from '@larksuiteoapi/node-sdk';
import { FeishuAuthModule, TokenService } from '@feishu-auth/nestjs';
import { EmulatorProcess } from './support/emulator.js';
import { fmt, ratio, type Section } from './support/report.js';
import { SELF_BUILT, benchOptions } from './support/app-options.js';

const CALLERS = 1_000;
const ROUNDS = 3;
const TENANT_ENDPOINT = 'tenant_access_token.internal';

interface Round {
  upstreamCalls: number;
  ms: number;
}

/** What the SDK's token manager is, under its `any` type: the part this benchmark calls. */
interface LarkTokenManager {
  getTenantAccessToken(): Promise<string>;
}

const cacheKey = (name: unknown, namespace = ''): string => `${namespace}:${String(name)}`;

/** A fresh cache per round: the SDK's default one is shared by every client of the process. */
function freshLarkCache(): lark.Cache {
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  return {
    set: async (name, value, expiresAt = Infinity, options) => {
      entries.set(cacheKey(name, options?.namespace), { value, expiresAt });
      return true;
    },
    get: async (name, options) => {
      const entry = entries.get(cacheKey(name, options?.namespace));
      return entry && entry.expiresAt > Date.now() ? entry.value : undefined;
    },
  };
}

async function herd(emulator: EmulatorProcess, getToken: () => Promise<string>): Promise<Round> {
  await emulator.resetStats();
  const startedAt = performance.now();
  const tokens = await Promise.all(Array.from({ length: CALLERS }, getToken));
  const ms = performance.now() - startedAt;
  if (tokens.some((token) => typeof token !== 'string' || token.length === 0)) {
    throw new Error('a caller got no tenant token');
  }
  return { upstreamCalls: (await emulator.stats())[TENANT_ENDPOINT] ?? 0, ms };
}

async function oursRound(emulator: EmulatorProcess): Promise<Round> {
  @Module({ imports: [FeishuAuthModule.forRoot(benchOptions(emulator.url))] })
  class HerdModule {}
  const app: INestApplicationContext = await NestFactory.createApplicationContext(HerdModule, {
    logger: ['error'],
  });
  try {
    const tokens = app.get(TokenService);
    return await herd(emulator, () => tokens.getTenantAccessToken());
  } finally {
    await app.close();
  }
}

async function larkRound(emulator: EmulatorProcess): Promise<Round> {
  const client = new lark.Client({
    ...SELF_BUILT,
    domain: emulator.url,
    cache: freshLarkCache(),
    loggerLevel: lark.LoggerLevel.error,
  });
  const manager = client.tokenManager as LarkTokenManager;
  return herd(emulator, () => manager.getTenantAccessToken());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Benchmark 2: 1,000 concurrent first calls for a tenant token, ours and the official SDK's. */
export async function coldStartHerd(): Promise<Section> {
  const emulator = await EmulatorProcess.start();
  try {
    const ours: Round[] = [];
    const theirs: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ours.push(await oursRound(emulator));
      theirs.push(await larkRound(emulator));
    }
    const oursCalls = median(ours.map((r) => r.upstreamCalls));
    const theirCalls = median(theirs.map((r) => r.upstreamCalls));
    const oursMs = median(ours.map((r) => r.ms));
    const theirMs = median(theirs.map((r) => r.ms));
    return {
      title: '2. Cold start herd: 1,000 concurrent first calls for a tenant token',
      method:
        `${CALLERS} concurrent \`getTenantAccessToken()\` calls on an empty cache: ours ` +
        '(`TokenService`, in-memory store, in a Nest application context) and ' +
        "`@larksuiteoapi/node-sdk`'s own token manager (`client.tokenManager`, a fresh cache " +
        'per round), both in the runner process, against the emulator in its own process. ' +
        `Median of ${ROUNDS} rounds; upstream calls are the emulator's count of ` +
        `\`${TENANT_ENDPOINT}\`.`,
      table: {
        head: ['figure', 'ours', 'node-sdk (anchor)', 'ours / anchor'],
        rows: [
          [
            'upstream token calls',
            fmt(oursCalls),
            fmt(theirCalls),
            ratio(oursCalls, theirCalls, 3),
          ],
          [
            'time until all 1,000 have a token (ms)',
            fmt(oursMs, 1),
            fmt(theirMs, 1),
            ratio(oursMs, theirMs),
          ],
        ],
      },
      verdict:
        `Rounds (ours): ${ours.map((r) => `${r.upstreamCalls} call(s) in ${fmt(r.ms, 1)} ms`).join('; ')}. ` +
        `Rounds (node-sdk): ${theirs.map((r) => `${r.upstreamCalls} call(s) in ${fmt(r.ms, 1)} ms`).join('; ')}.`,
    };
  } finally {
    await emulator.stop();
  }
}
