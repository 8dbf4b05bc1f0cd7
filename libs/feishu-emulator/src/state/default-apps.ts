import type { EmulatorApp } from '../emulator.options.js';

/** The redirect URIs every default app has registered. @publicApi */
export const DEFAULT_REDIRECT_URIS: readonly string[] = Object.freeze([
  'http://localhost:3000/auth/feishu/callback',
  'http://127.0.0.1:3000/auth/feishu/callback',
  'http://localhost/callback',
]);

/** Scopes enabled for the default apps (cli_emulator_nooffline lacks offline_access). @publicApi */
export const DEFAULT_APP_SCOPES: readonly string[] = Object.freeze([
  'offline_access',
  'contact:user.email:readonly',
  'contact:user.employee_id:readonly',
  'contact:user.phone:readonly',
  'contact:user.employee:readonly',
  'contact:user.base:readonly',
  'calendar:calendar:readonly',
  'auth:user.id:read',
  'user_profile',
]);

export const PRIMARY_TENANT_KEY = 'tenant_emulator_1';
export const SECOND_TENANT_KEY = 'tenant_emulator_2';

export function defaultApps(): EmulatorApp[] {
  return [
    completeApp({
      appId: 'cli_emulator_selfbuilt',
      appSecret: 'emulator-self-built-secret',
      name: 'Emulator Self-built App',
    }),
    completeApp({
      appId: 'cli_emulator_store',
      appSecret: 'emulator-store-secret',
      type: 'store',
      name: 'Emulator Store App',
      tenantKeys: [PRIMARY_TENANT_KEY, SECOND_TENANT_KEY],
      encryptKey: 'emulator-encrypt-key',
    }),
    completeApp({
      appId: 'cli_emulator_other',
      appSecret: 'emulator-other-secret',
      name: 'Emulator Other App',
    }),
    completeApp({
      appId: 'cli_emulator_nooffline',
      appSecret: 'emulator-nooffline-secret',
      name: 'Emulator App Without offline_access',
      scopes: DEFAULT_APP_SCOPES.filter((scope) => scope !== 'offline_access'),
    }),
  ];
}

/** Fills every field a partial app leaves out with the defaults of a self-built app. */
export function completeApp(app: Partial<EmulatorApp> & { appId: string }): EmulatorApp {
  return {
    appSecret: `${app.appId}-secret`,
    type: 'self-built',
    name: app.appId,
    brand: 'feishu',
    redirectUris: [...DEFAULT_REDIRECT_URIS],
    scopes: [...DEFAULT_APP_SCOPES],
    refreshEnabled: true,
    enabled: true,
    tenantKeys: [PRIMARY_TENANT_KEY],
    verificationToken: `vt-${app.appId}`,
    ...app,
  };
}
