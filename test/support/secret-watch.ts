import type { LoggerService } from '@nestjs/common';
import {
  InMemoryTokenStore,
  type FeishuCachedToken,
  type FeishuSessionRecord,
  type FeishuUserTokenRecord,
} from '@feishu-auth/nestjs';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
type ConsoleMethod = (typeof CONSOLE_METHODS)[number];

/** Shorter values are not secrets worth looking for (and would match by chance). */
const MIN_SECRET_LENGTH = 12;

/**
 * Watches a test file's flows for leaked secrets: a Nest logger that records every line at every
 * level, a copy of everything written to `console`, and the list of secrets the flows handled
 * (every token, refresh token and session id the store was given, plus the app and session
 * secrets and the cookie values the test saw; login states and PKCE verifiers travel sealed in
 * the login cookie).
 */
export class SecretWatch implements LoggerService {
  private readonly lines: string[] = [];
  private readonly secrets = new Set<string>();
  private readonly originals = new Map<ConsoleMethod, (...args: unknown[]) => void>();

  constructor(...secrets: string[]) {
    secrets.forEach((secret) => this.remember(secret));
  }

  remember(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(secret);
    this.secrets.add(decodeURIComponent(secret));
  }

  /** Records `console.*` too (still printing it), until `stopConsole`. */
  watchConsole(): void {
    for (const method of CONSOLE_METHODS) {
      const original = console[method].bind(console) as (...args: unknown[]) => void;
      this.originals.set(method, original);
      console[method] = (...args: unknown[]) => {
        this.capture(method, args);
        original(...args);
      };
    }
  }

  stopConsole(): void {
    for (const [method, original] of this.originals) console[method] = original;
    this.originals.clear();
  }

  log(...args: unknown[]): void {
    this.capture('log', args);
  }
  error(...args: unknown[]): void {
    this.capture('error', args);
  }
  warn(...args: unknown[]): void {
    this.capture('warn', args);
  }
  debug(...args: unknown[]): void {
    this.capture('debug', args);
  }
  verbose(...args: unknown[]): void {
    this.capture('verbose', args);
  }
  fatal(...args: unknown[]): void {
    this.capture('fatal', args);
  }

  output(): string {
    return this.lines.join('\n');
  }

  get secretCount(): number {
    return this.secrets.size;
  }

  /** Every remembered secret found in the output, shown by fingerprint only. */
  leaks(): string[] {
    const output = this.output();
    return [...this.secrets]
      .filter((secret) => output.includes(secret))
      .map((secret) => `${secret.slice(0, 4)}… (${secret.length} chars)`);
  }

  private capture(level: string, args: unknown[]): void {
    const text = args.map(stringify).join(' ');
    this.lines.push(`[${level}] ${text}`);
  }
}

function stringify(value: unknown): string {
  if (value instanceof Error) {
    const cause = value.cause === undefined ? '' : `\ncause: ${stringify(value.cause)}`;
    return `${value.name}: ${value.message}\n${value.stack ?? ''}${cause}`;
  }
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The default in-memory store, remembering in `watch` every secret the library hands it, so a
 * leak test knows exactly which values must never appear in a log line.
 */
export class WatchedTokenStore extends InMemoryTokenStore {
  constructor(
    private readonly watch: SecretWatch,
    clock: () => number,
  ) {
    super({ clock });
  }

  override async setToken(key: string, value: FeishuCachedToken): Promise<void> {
    this.watch.remember(value.token);
    return super.setToken(key, value);
  }

  override async setUserToken(record: FeishuUserTokenRecord, ttlSeconds: number): Promise<void> {
    this.watch.remember(record.accessToken);
    this.watch.remember(record.refreshToken);
    return super.setUserToken(record, ttlSeconds);
  }

  override async setSession(record: FeishuSessionRecord, ttlSeconds: number): Promise<void> {
    this.watch.remember(record.id);
    return super.setSession(record, ttlSeconds);
  }
}
