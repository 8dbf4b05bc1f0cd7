import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const DEMO_SOURCE = join(process.cwd(), 'apps/demo/src');

/** The demo is what users copy: it shows the documented patterns and no library-internal tags. */
describe('demo source', () => {
  let files: { name: string; text: string }[];

  beforeAll(async () => {
    const names = (await readdir(DEMO_SOURCE)).filter((name) => name.endsWith('.ts'));
    files = await Promise.all(
      names.map(async (name) => ({ name, text: await readFile(join(DEMO_SOURCE, name), 'utf8') })),
    );
  });

  it('should carry no @publicApi tag: the demo is an app, not a package', () => {
    expect(files.filter(({ text }) => text.includes('@publicApi')).map(({ name }) => name)).toEqual(
      [],
    );
  });

  it('should call ConfigModule.forRoot only in a module, and configure FeishuAuthModule through ConfigService', () => {
    const outsideModules = files.filter(
      ({ text }) => /\bConfigModule\.forRoot\(/.test(text) && !text.includes('@Module('),
    );
    const appModule = files.find(({ name }) => name === 'app.module.ts')!.text;

    expect(outsideModules.map(({ name }) => name)).toEqual([]);
    expect(appModule).toMatch(/FeishuAuthModule\.forRootAsync\(\{\s*imports: \[ConfigModule/);
    expect(appModule).toMatch(/inject: \[ConfigService/);
  });
});
