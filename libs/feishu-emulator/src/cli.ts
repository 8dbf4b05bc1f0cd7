#!/usr/bin/env node
import { FeishuEmulator } from './emulator.js';
import { DEFAULT_APP_ID } from './state/open-ids.js';

/** `npm run emulator` / `feishu-emulator`: the emulator on a fixed port (PORT, default 3900). */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3900);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got "${process.env.PORT}"`);
    process.exit(1);
  }
  const emulator = await FeishuEmulator.start({
    port,
    host: process.env.HOST ?? '127.0.0.1',
    logRequests: process.env.LOG_REQUESTS !== '0',
  });
  console.log(`Feishu emulator listening on ${emulator.url}`);
  console.log(
    `Use it as both the open and the accounts domain: { open: '${emulator.url}', accounts: '${emulator.url}' }\n`,
  );
  console.log('Apps (app_id / app_secret / type):');
  for (const app of emulator.apps) console.log(`  ${app.appId}  ${app.appSecret}  ${app.type}`);
  console.log('\nRedirect URIs registered for every app:');
  for (const uri of emulator.apps[0]?.redirectUris ?? []) console.log(`  ${uri}`);
  // open_id is per app, as on Feishu; these are the default app's (control API: POST /__emulator/open-id).
  console.log(`\nUsers (open_id in ${DEFAULT_APP_ID} / name / tenant / status):`);
  for (const user of emulator.users) {
    console.log(
      `  ${user.openId}  ${user.name} (${user.enName})  ${user.tenantKey}  ${user.status}`,
    );
  }
  console.log(
    `\nControl API: ${emulator.url}/__emulator/stats, /__emulator/apps, /__emulator/users`,
  );
  const stop = (): void => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('feishu-emulator failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
