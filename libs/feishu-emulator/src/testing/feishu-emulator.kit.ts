import { FeishuEmulator } from '../emulator.js';
import type { EmulatorUser, FeishuEmulatorOptions } from '../emulator.options.js';
import { DEFAULT_REDIRECT_URIS } from '../state/default-apps.js';
import { DEFAULT_APP_ID } from '../state/open-ids.js';
import {
  type SignedInUser,
  type SignInOptions,
  signInByCode,
  signInByRedirect,
} from './sign-in.js';
import type { TestAgent } from './test-agent.interface.js';

/** @publicApi */
export interface FeishuEmulatorKitOptions extends FeishuEmulatorOptions {
  /** The emulator app the module under test plays. Default `cli_emulator_selfbuilt`. */
  appId?: string;
  /** The module's callback URL; registered on the app if it is not. Default `http://localhost:3000/auth/feishu/callback`. */
  redirectUri?: string;
}

/**
 * The part of `FeishuAuthModuleOptions` (`@feishu-auth/nestjs`) that points the module at the
 * emulator: spread it into `FeishuAuthModule.forRoot({ ...kit.moduleOptions(), session })`.
 * @publicApi
 */
export interface FeishuAuthEmulatorOptions {
  appId: string;
  appSecret: string;
  appType: 'self-built' | 'store';
  domain: { open: string; accounts: string };
  redirectUri: string;
  /** Store apps: how their events are authenticated (the module refuses a store app without). */
  events?: { verificationToken: string; encryptKey?: string };
}

/**
 * An emulator for one test suite, and what a test of one's own app needs of it: the module's
 * options, a user signed into a test agent in one call, and a user's tokens expired or revoked.
 * Create it with `useFeishuEmulator()` (started before, closed after the suite) or
 * `FeishuEmulatorKit.start()`.
 * @publicApi
 */
export class FeishuEmulatorKit {
  private started: FeishuEmulator | undefined;
  private readonly appId: string;
  private readonly redirectUri: string;

  constructor(private readonly options: FeishuEmulatorKitOptions = {}) {
    this.appId = options.appId ?? DEFAULT_APP_ID;
    this.redirectUri = options.redirectUri ?? DEFAULT_REDIRECT_URIS[0];
  }

  /** A started kit, on a free port unless `port` is given. */
  static async start(options: FeishuEmulatorKitOptions = {}): Promise<FeishuEmulatorKit> {
    const kit = new FeishuEmulatorKit(options);
    await kit.start();
    return kit;
  }

  async start(): Promise<void> {
    if (this.started) return;
    const { appId: _appId, redirectUri: _redirectUri, ...emulatorOptions } = this.options;
    const emulator = await FeishuEmulator.start(emulatorOptions);
    try {
      emulator.addRedirectUri(this.appId, this.redirectUri);
    } catch (error) {
      await emulator.close();
      throw error;
    }
    this.started = emulator;
  }

  /** The running emulator, for everything the kit does not wrap (`stats()`, `route()`, `failNext()`…). */
  get emulator(): FeishuEmulator {
    if (!this.started) {
      throw new Error(
        'the Feishu emulator is not started yet: use it in a test or a beforeAll registered after useFeishuEmulator()',
      );
    }
    return this.started;
  }

  /** The emulator's default users, `users[0]` being 张三 of the app's tenant. */
  get users(): EmulatorUser[] {
    return this.emulator.users;
  }

  moduleOptions(): FeishuAuthEmulatorOptions {
    const emulator = this.emulator;
    const app = emulator.apps.find((candidate) => candidate.appId === this.appId);
    if (!app) throw new Error(`unknown app: ${this.appId}`);
    return {
      appId: app.appId,
      appSecret: app.appSecret,
      appType: app.type,
      domain: { open: emulator.url, accounts: emulator.url },
      redirectUri: this.redirectUri,
      ...(app.type === 'store'
        ? { events: { verificationToken: app.verificationToken, encryptKey: app.encryptKey } }
        : {}),
    };
  }

  /**
   * Signs `user` (one of `users`, or its open_id in any app; default `users[0]`) into the agent,
   * which keeps the session cookie the app sets. Throws when any step fails, naming the step.
   */
  signIn(
    agent: TestAgent,
    user: EmulatorUser | string = this.users[0],
    options: SignInOptions = {},
  ): Promise<SignedInUser> {
    const emulatorUser = this.userOf(user);
    if (options.via === 'code') {
      return signInByCode(
        this.emulator,
        agent,
        emulatorUser,
        this.appId,
        options.codePath ?? '/auth/feishu/code',
        options.scopes ?? ['offline_access'],
      );
    }
    return signInByRedirect(
      this.emulator,
      agent,
      emulatorUser,
      options.loginPath ?? '/auth/feishu/login',
    );
  }

  /**
   * Feishu ends the user's access tokens now (99991677 on the next call); their refresh tokens
   * still work, so an app that refreshes and retries keeps going. Returns how many were ended.
   */
  expireUserToken(user: EmulatorUser | string): number {
    return this.emulator.expireUserTokens(this.userOf(user).openId);
  }

  /**
   * The user revokes the app's authorization: access tokens answer 99991668 and refresh tokens
   * 20064, so the app must send the user to sign in again. Returns how many access tokens ended.
   */
  revokeUserToken(user: EmulatorUser | string): number {
    return this.emulator.revokeUserTokens(this.userOf(user).openId);
  }

  async close(): Promise<void> {
    const emulator = this.started;
    this.started = undefined;
    await emulator?.close();
  }

  private userOf(user: EmulatorUser | string): EmulatorUser {
    const key = typeof user === 'string' ? user : user.openId;
    const found = this.emulator.findUser(key);
    if (!found) throw new Error(`unknown user: ${key}`);
    return found;
  }
}
