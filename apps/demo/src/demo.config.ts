import { randomBytes } from 'node:crypto';
import {
  HALF_FILLED_REAL_CONFIG,
  INVALID_DOMAIN,
  INVALID_PLATFORM,
  INVALID_PORT,
  INVALID_REDIRECT_URI,
} from './demo.messages.js';

/** The variables the demo reads, from the environment or a `.env` file. */
export type DemoEnvironment = Record<string, string | undefined>;

/** Real Feishu / Lark, configured by the four FEISHU_* variables. */
export interface DemoRealTarget {
  kind: 'real';
  appId: string;
  appSecret: string;
  redirectUri: string;
  domain: 'feishu' | 'lark';
}

/** The embedded emulator, started by the demo itself. */
export interface DemoEmulatorTarget {
  kind: 'emulator';
  /** Port of the emulator; 0 picks a free one. */
  port: number;
}

/** The HTTP platform the demo runs on (`DEMO_PLATFORM`, default Express). */
export type DemoPlatform = 'express' | 'fastify';

/** */
export interface DemoConfig {
  target: DemoRealTarget | DemoEmulatorTarget;
  platform: DemoPlatform;
  /** Port of the demo; 0 picks a free one. */
  port: number;
  /** Signs the session cookie. */
  sessionSecret: string;
  /** `true` when SESSION_SECRET was not set and a random one is used (sessions end on restart). */
  sessionSecretGenerated: boolean;
}

/** A configuration that cannot work; the message says which variables to fix. */
export class DemoConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoConfigError';
  }
}

const REAL_TARGET_VARIABLES = [
  'FEISHU_APP_ID',
  'FEISHU_APP_SECRET',
  'FEISHU_REDIRECT_URI',
] as const;
const DEFAULT_DEMO_PORT = 3000;
const DEFAULT_EMULATOR_PORT = 3900;

/**
 * Decides between real Feishu and the embedded emulator. No FEISHU_* variable at all means the
 * emulator; all three of FEISHU_APP_ID, FEISHU_APP_SECRET and FEISHU_REDIRECT_URI mean real
 * Feishu (FEISHU_DOMAIN picks Lark); anything in between is refused, naming what is missing and
 * never echoing a secret.

 */
export function resolveDemoConfig(env: DemoEnvironment): DemoConfig {
  const sessionSecret = nonEmpty(env.SESSION_SECRET);
  return {
    target: resolveTarget(env),
    platform: parsePlatform(env.DEMO_PLATFORM),
    port: parsePort('PORT', env.PORT, DEFAULT_DEMO_PORT),
    sessionSecret: sessionSecret ?? randomBytes(32).toString('base64url'),
    sessionSecretGenerated: sessionSecret === undefined,
  };
}

function resolveTarget(env: DemoEnvironment): DemoRealTarget | DemoEmulatorTarget {
  const present = REAL_TARGET_VARIABLES.filter((name) => nonEmpty(env[name]) !== undefined);
  const domainSet = nonEmpty(env.FEISHU_DOMAIN) !== undefined;
  if (present.length === 0 && !domainSet) {
    return {
      kind: 'emulator',
      port: parsePort('FEISHU_EMULATOR_PORT', env.FEISHU_EMULATOR_PORT, DEFAULT_EMULATOR_PORT),
    };
  }
  const missing = REAL_TARGET_VARIABLES.filter((name) => !present.includes(name));
  if (missing.length > 0) {
    const named = domainSet ? [...present, 'FEISHU_DOMAIN'] : [...present];
    throw new DemoConfigError(HALF_FILLED_REAL_CONFIG(named, missing));
  }
  return {
    kind: 'real',
    appId: env.FEISHU_APP_ID!.trim(),
    appSecret: env.FEISHU_APP_SECRET!.trim(),
    redirectUri: parseRedirectUri(env.FEISHU_REDIRECT_URI!.trim()),
    domain: parseDomain(env.FEISHU_DOMAIN),
  };
}

function parseDomain(value: string | undefined): 'feishu' | 'lark' {
  const domain = nonEmpty(value)?.toLowerCase() ?? 'feishu';
  if (domain !== 'feishu' && domain !== 'lark') {
    throw new DemoConfigError(INVALID_DOMAIN(value!));
  }
  return domain;
}

function parseRedirectUri(value: string): string {
  const url = URL.parse(value);
  if (
    url === null ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    !url.pathname.endsWith('/auth/feishu/callback')
  ) {
    throw new DemoConfigError(INVALID_REDIRECT_URI());
  }
  return value;
}

function parsePort(name: string, value: string | undefined, fallback: number): number {
  const text = nonEmpty(value);
  if (text === undefined) {
    return fallback;
  }
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new DemoConfigError(INVALID_PORT(name, text));
  }
  return port;
}

function parsePlatform(value: string | undefined): DemoPlatform {
  const text = nonEmpty(value) ?? 'express';
  if (text !== 'express' && text !== 'fastify') {
    throw new DemoConfigError(INVALID_PLATFORM(text));
  }
  return text;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
