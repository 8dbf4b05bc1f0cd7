import { mintAuthorizationCode } from './token-factory.js';

export type CodeChallengeMethod = 'S256' | 'plain';

export interface AuthorizationCodeRecord {
  code: string;
  appId: string;
  /** The user's key (`EmulatorUser.openId`), not the open_id the app sees. */
  userKey: string;
  tenantKey: string;
  /** Undefined for codes of the in-app `requestAccess` flow, which binds no redirect URI. */
  redirectUri?: string;
  codeChallenge?: string;
  codeChallengeMethod?: CodeChallengeMethod;
  /** Cumulative grant of this user to this app, including earlier authorizations. */
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  usedAt?: number;
  /** When this authorization happened; the 365-day refresh cap counts from here. */
  authorizedAt: number;
}

export type IssueCodeInit = Omit<
  AuthorizationCodeRecord,
  'code' | 'scopes' | 'usedAt' | 'authorizedAt'
> & {
  requestedScopes: string[];
};

/** Issued codes plus the cumulative scope grants per (app, user). */
export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCodeRecord>();
  private readonly grants = new Map<string, Set<string>>();

  issue(init: IssueCodeInit): AuthorizationCodeRecord {
    const { requestedScopes, ...rest } = init;
    const record: AuthorizationCodeRecord = {
      ...rest,
      code: mintAuthorizationCode(),
      scopes: this.grant(init.appId, init.userKey, requestedScopes),
      authorizedAt: init.issuedAt,
    };
    this.codes.set(record.code, record);
    return record;
  }

  get(code: string): AuthorizationCodeRecord | undefined {
    return this.codes.get(code);
  }

  private grant(appId: string, userKey: string, scopes: string[]): string[] {
    const key = `${appId}\u0000${userKey}`;
    const granted = this.grants.get(key) ?? new Set<string>();
    for (const scope of scopes) granted.add(scope);
    this.grants.set(key, granted);
    return [...granted];
  }
}
