import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { resolveDemoConfig, type DemoEnvironment } from './demo.config.js';

/** Where the demo's variables come from. */
export interface DemoConfigSource {
  /** Replaces the environment and the `.env` file (tests use it to stay independent of the machine). */
  env?: DemoEnvironment;
  /** Default `.env` in the working directory. */
  envFilePath?: string;
}

/**
 * `ConfigModule` over the environment and the `.env` file (variables already in the environment
 * win over the file), validated by {@link resolveDemoConfig}: `ConfigService.get('demo')` is the
 * resolved `DemoConfig`, and a configuration that cannot work fails the start with a
 * `DemoConfigError`.
 */
@Module({})
export class DemoConfigModule {
  static async forRoot(source: DemoConfigSource = {}): Promise<DynamicModule> {
    const isolated = source.env !== undefined;
    return {
      module: DemoConfigModule,
      imports: [
        await ConfigModule.forRoot({
          envFilePath: source.envFilePath,
          ignoreEnvFile: isolated,
          ignoreEnvVars: isolated,
          validate: (variables) => {
            const env = { ...variables, ...source.env } as DemoEnvironment;
            return { ...env, demo: resolveDemoConfig(env) };
          },
        }),
      ],
      exports: [ConfigModule],
    };
  }
}
