import { openApiRoute } from '../openapi/openapi-route.js';

const DOMAIN_SCOPE = 'tenant:tenant.domain:read';

/**
 * `GET /open-apis/tenant/v2/tenant/query` (tenant token only): the company of the token's tenant,
 * `data.tenant = {name, display_id, tenant_tag, tenant_key, avatar, domain}`;
 * `domain` only for apps with `tenant:tenant.domain:read`. `tenant_tag` 0 is a
 * standard tenant. Stats `openapi.tenant.query`.
 */
export const tenantQueryRoute = openApiRoute({
  method: 'GET',
  pattern: '/open-apis/tenant/v2/tenant/query',
  statsKey: 'openapi.tenant.query',
  tokens: ['tenant'],
  handle: (call, runtime) => {
    const tenant = runtime.findTenant(call.tenantKey);
    return {
      tenant: {
        name: tenant.name,
        display_id: tenant.displayId,
        tenant_tag: 0,
        tenant_key: tenant.tenantKey,
        avatar: {
          avatar_origin: tenant.avatarUrl,
          avatar_72: tenant.avatarUrl,
          avatar_240: tenant.avatarUrl,
          avatar_640: tenant.avatarUrl,
        },
        // A sensitive field, answered only to apps with its field scope.
        domain: call.app.scopes.includes(DOMAIN_SCOPE) ? `${tenant.domain}.feishu.cn` : undefined,
      },
    };
  },
});
