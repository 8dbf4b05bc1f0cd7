import { FeishuApiError } from '../feishu-auth.errors.js';
import * as messages from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import type { FeishuHttpClient } from '../http/feishu-http.client.js';

/** One answer of a token endpoint, with when our request left and when the answer arrived (epoch ms). */
export interface IssuedToken {
  token: string;
  /** Seconds left by Feishu's count, rounded down. */
  expire: number;
  startedAt: number;
  finishedAt: number;
}

/** Feishu's v3 token endpoint, on the accounts host. */
export const CLIENT_CREDENTIALS_PATH = '/oauth/v3/token';

interface ClientCredentialsBody {
  access_token?: unknown;
  expires_in?: unknown;
}

/**
 * A self-built app's tenant token through `grant_type=client_credentials` on `/oauth/v3/token`:
 * a JWT-format token in `access_token`, its lifetime in `expires_in`. The app authenticates with
 * either its credentials in the body (`client_secret_post`) or an HTTP Basic header
 * (`client_secret_basic`), never both (Feishu answers 20070). Safe to send again: retried like
 * `tenant_access_token/internal`.
 */
export async function requestClientCredentialsToken(
  http: FeishuHttpClient,
  options: Pick<
    ResolvedFeishuAuthOptions,
    'appId' | 'appSecret' | 'domain' | 'tenantToken' | 'clock'
  >,
): Promise<IssuedToken> {
  const { appId, appSecret } = options;
  const basic = options.tenantToken.clientAuth === 'client_secret_basic';
  const startedAt = options.clock();
  const { body } = await http.request<ClientCredentialsBody>({
    method: 'POST',
    url: `${options.domain.accounts}${CLIENT_CREDENTIALS_PATH}`,
    headers: basic ? { authorization: basicAuthorization(appId, appSecret) } : undefined,
    body: basic
      ? { grant_type: 'client_credentials' }
      : { grant_type: 'client_credentials', client_id: appId, client_secret: appSecret },
  });
  const token = body.access_token;
  const expire = Number(body.expires_in);
  if (typeof token !== 'string' || token.length === 0 || !Number.isFinite(expire) || expire < 0) {
    throw new FeishuApiError({
      code: -1,
      message: messages.missingTokenFieldMessage(
        typeof token === 'string' && token ? 'expires_in' : 'access_token',
      ),
      endpoint: CLIENT_CREDENTIALS_PATH,
      kind: 'transient',
    });
  }
  return { token, expire: Math.floor(expire), startedAt, finishedAt: options.clock() };
}

const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');

/** RFC 6749 §2.3.1: each part form-urlencoded, then `id:secret` in base64. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const pair = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}
