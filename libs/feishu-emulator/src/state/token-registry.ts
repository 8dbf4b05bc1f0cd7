/** What a token is; the emulator never infers this from the token's text. */
export type TokenKind = 'user_access' | 'user_refresh' | 'tenant' | 'app';

/** Which endpoint generation minted a user token: v2/v3 refresh tokens are not v1 ones. */
export type TokenOrigin = 'v1' | 'v2' | 'v3' | 'auth-v3';

export type TokenState = 'live' | 'rotated' | 'revoked' | 'invalidated';

export interface TokenRecord {
  token: string;
  kind: TokenKind;
  origin: TokenOrigin;
  appId: string;
  tenantKey?: string;
  /** The user's key (`EmulatorUser.openId`); each app sees its own open_id, see open-ids.ts. */
  userKey?: string;
  /** Scopes this token carries (after narrowing). */
  scopes: string[];
  /** Everything the user granted; narrowing never shrinks what a refresh token may ask for. */
  grantedScopes: string[];
  issuedAt: number;
  expiresAt: number;
  /** When the user authorized; refreshing past 365 days from here fails. */
  authorizedAt: number;
  state: TokenState;
  /** The access token issued together with a refresh token (to retire it on rotation). */
  pairedAccessToken?: string;
  /** A self-built app's app_access_token is its tenant_access_token. */
  servesAsAppToken?: boolean;
}

export type TokenRecordInit = Omit<TokenRecord, 'state' | 'grantedScopes' | 'authorizedAt'> &
  Partial<Pick<TokenRecord, 'grantedScopes' | 'authorizedAt'>>;

/** Every token the emulator ever issued, by its exact string. */
export class TokenRegistry {
  private readonly records = new Map<string, TokenRecord>();
  /** Current app/tenant token per (kind, app, tenant), for the 30-minute reuse rule. */
  private readonly current = new Map<string, string>();

  add(init: TokenRecordInit): TokenRecord {
    const record: TokenRecord = {
      grantedScopes: init.scopes,
      authorizedAt: init.issuedAt,
      ...init,
      state: 'live',
    };
    this.records.set(record.token, record);
    return record;
  }

  get(token: string): TokenRecord | undefined {
    return this.records.get(token);
  }

  all(): IterableIterator<TokenRecord> {
    return this.records.values();
  }

  currentFor(slot: string): TokenRecord | undefined {
    const token = this.current.get(slot);
    return token === undefined ? undefined : this.records.get(token);
  }

  setCurrent(slot: string, token: string): void {
    this.current.set(slot, token);
  }

  invalidate(token: string): boolean {
    const record = this.records.get(token);
    if (!record) return false;
    record.state = 'invalidated';
    return true;
  }

  invalidateWhere(predicate: (record: TokenRecord) => boolean): number {
    let count = 0;
    for (const record of this.records.values()) {
      if (record.state === 'live' && predicate(record)) {
        record.state = 'invalidated';
        count++;
      }
    }
    return count;
  }
}
