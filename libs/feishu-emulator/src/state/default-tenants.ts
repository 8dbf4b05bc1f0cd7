import type { EmulatorTenant } from '../emulator.options.js';
import { PRIMARY_TENANT_KEY, SECOND_TENANT_KEY } from './default-apps.js';
import { avatarDataUri } from './default-users.js';

export function defaultTenants(): EmulatorTenant[] {
  return [
    completeTenant({
      tenantKey: PRIMARY_TENANT_KEY,
      name: 'Emulator Tenant One',
      displayId: 'F000000001',
      domain: 'emulator-one',
    }),
    completeTenant({
      tenantKey: SECOND_TENANT_KEY,
      name: 'Emulator Tenant Two',
      displayId: 'F000000002',
      domain: 'emulator-two',
    }),
  ];
}

/** Fills what a partial tenant leaves out; the defaults are derived from the tenant key. */
export function completeTenant(
  tenant: Partial<EmulatorTenant> & { tenantKey: string },
): EmulatorTenant {
  const name = tenant.name ?? tenant.tenantKey;
  return {
    name,
    displayId: `F${tenant.tenantKey
      .replace(/[^a-z0-9]/gi, '')
      .slice(0, 9)
      .toUpperCase()}`,
    domain: tenant.tenantKey.replace(/[^a-z0-9-]/gi, '-').toLowerCase(),
    avatarUrl: avatarDataUri(name),
    ...tenant,
  };
}
