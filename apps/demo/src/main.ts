import { FeishuConfigError } from '@feishu-auth/nestjs';
import { startDemo } from './demo.bootstrap.js';
import { DemoConfigError } from './demo.config.js';

/** `npm start`: the demo on the embedded emulator, or on real Feishu when FEISHU_* is set. */
async function bootstrap(): Promise<void> {
  try {
    // Loaded here, not by the modules Jest imports: see demo-rate-limits.module.ts.
    const { DemoRateLimitsModule } = await import('./demo-rate-limits.module.js');
    await startDemo({ imports: [DemoRateLimitsModule] });
  } catch (error) {
    if (error instanceof DemoConfigError || error instanceof FeishuConfigError) {
      // A configuration problem is the user's to fix: say what, without a stack trace.
      console.error(`\nThe demo cannot start.\n${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

await bootstrap();
