import type { FeishuUserTokenRecord } from '../interfaces/feishu-token-store.interface.js';
import type { FeishuUserTokenSet } from '../oauth/feishu-oauth.client.js';
import { userTokenRecordOf } from './user-token.record.js';

const OWNER = { appId: 'cli_1', openId: 'ou_1', tenantKey: 't_1' };
const NOW = 1_000_000;

const previous: FeishuUserTokenRecord = {
  ...OWNER,
  accessToken: 'u-old',
  accessTokenExpiresAt: NOW,
  refreshToken: 'ur-old',
  refreshTokenExpiresAt: NOW + 5_000_000,
  scope: 'offline_access contact:user',
  issuer: 'v2',
  updatedAt: NOW + 10,
};

const grant = (fields: Partial<FeishuUserTokenSet> = {}): FeishuUserTokenSet => ({
  accessToken: 'u-new',
  expiresIn: 7_200,
  refreshToken: 'ur-new',
  refreshTokenExpiresIn: 604_800,
  scope: 'offline_access',
  issuer: 'v3',
  ...fields,
});

describe('userTokenRecordOf', () => {
  it.each<
    [string, FeishuUserTokenSet, FeishuUserTokenRecord | undefined, Partial<FeishuUserTokenRecord>]
  >([
    [
      'a sign-in: lifetimes from now',
      grant(),
      undefined,
      {
        accessToken: 'u-new',
        accessTokenExpiresAt: NOW + 7_200_000,
        refreshToken: 'ur-new',
        refreshTokenExpiresAt: NOW + 604_800_000,
        scope: 'offline_access',
        issuer: 'v3',
        updatedAt: NOW,
      },
    ],
    [
      'a refresh that rotated: the new refresh token, updatedAt past the previous write',
      grant(),
      previous,
      { refreshToken: 'ur-new', refreshTokenExpiresAt: NOW + 604_800_000, updatedAt: NOW + 11 },
    ],
    [
      'a refresh whose answer omits the refresh token: the old one is still the latest',
      grant({ refreshToken: undefined, refreshTokenExpiresIn: undefined, scope: undefined }),
      previous,
      {
        refreshToken: 'ur-old',
        refreshTokenExpiresAt: NOW + 5_000_000,
        scope: 'offline_access contact:user',
      },
    ],
    [
      'a rotated refresh token without a stated lifetime',
      grant({ refreshTokenExpiresIn: undefined }),
      previous,
      { refreshToken: 'ur-new', refreshTokenExpiresAt: undefined },
    ],
  ])('should record %s', (_, tokens, before, expected) => {
    const record = userTokenRecordOf(OWNER, tokens, NOW, before);
    expect(record).toMatchObject({ ...OWNER, ...expected });
    expect(Object.keys(record).sort()).toEqual(Object.keys({ ...previous }).sort());
  });
});
