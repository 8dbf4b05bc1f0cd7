import { lstat, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONSUMER_INSTALLS,
  checkConsumer,
  installConsumerApp,
  runGettingStartedE2e,
  startConsumerApp,
  type ConsumerInstall,
} from './support/consumer-app.js';
import { run } from './support/processes.helper.js';

/**
 * What a user does: build and `npm pack` both libraries, install the tarballs into NestJS apps in a
 * temporary directory outside the repository (Nest 11 + CommonJS, Nest 12 + ESM), compile them with
 * `tsc --strict` against the published `.d.ts`, start each on Express and on Fastify against the
 * packed emulator, and log in, call a guarded route and log out over HTTP.
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fixtureDir = join(repoRoot, 'test', 'fixtures', 'consumer-app');

interface PackedLib {
  dir: string;
  name: string;
  /** The name the consumer fixture's package.json gives the tarball. */
  fixtureTarball: string;
}

const libs: PackedLib[] = [
  {
    dir: 'libs/feishu-auth',
    name: '@feishu-auth/nestjs',
    fixtureTarball: 'feishu-auth-nestjs.tgz',
  },
  {
    dir: 'libs/feishu-emulator',
    name: '@feishu-auth/emulator',
    fixtureTarball: 'feishu-auth-emulator.tgz',
  },
];

interface NpmPackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

interface PackageManifest {
  name: string;
  version: string;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  files?: string[];
  engines?: Record<string, string>;
  license?: string;
  repository?: unknown;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const MINUTE = 60_000;

/** The extra entry points of `@feishu-auth/nestjs` (their `dist/` folder) and the optional peer each is for. */
const ENTRY_POINT_PEERS: Record<string, string> = {
  lark: '@larksuiteoapi/node-sdk',
  health: '@nestjs/terminus',
};

let work: string;
const packed = new Map<string, NpmPackResult>();

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

function packOf(lib: PackedLib): NpmPackResult {
  const result = packed.get(lib.name);
  if (!result) throw new Error(`${lib.name} was not packed`);
  return result;
}

/** Files a published package must not carry: tests, sources, source maps, secrets, build leftovers. */
function isForbiddenInTarball(path: string): boolean {
  return (
    /(^|\/)src\//.test(path) ||
    /(^|\/)(test|tests|__tests__|fixtures|coverage)\//.test(path) ||
    /\.(spec|test|e2e-spec|integration-spec)\.[cm]?[jt]s$/.test(path) ||
    path.endsWith('.map') ||
    (/\.[cm]?ts$/.test(path) && !/\.d\.[cm]?ts$/.test(path)) ||
    /(^|\/)\.env(\.|$)/.test(path) ||
    /(^|\/)\.npmrc$/.test(path) ||
    /\.(pem|key|p12|tgz|tsbuildinfo|log)$/.test(path)
  );
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The package names a built file imports (`from 'x'`, `import('x')`, `import 'x'`), relative paths aside. */
function bareImports(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g),
  ].map((match) => match[1] ?? '');
  return specifiers
    .filter(
      (specifier) =>
        specifier !== '' && !specifier.startsWith('.') && !specifier.startsWith('node:'),
    )
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'feishu-auth-packed-'));
  await run('npm', ['run', 'build'], { cwd: repoRoot, timeoutMs: 5 * MINUTE });
  const destination = join(work, 'packs');
  await mkdir(destination);
  for (const lib of libs) {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
      cwd: join(repoRoot, lib.dir),
      timeoutMs: 2 * MINUTE,
    });
    const [result] = JSON.parse(stdout) as NpmPackResult[];
    if (!result) throw new Error(`npm pack printed no result for ${lib.name}`);
    packed.set(lib.name, result);
  }
}, 8 * MINUTE);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
}, MINUTE);

describe.each(libs)('the packed $name', (lib) => {
  it('holds the built JavaScript, its declarations, the README, the CHANGELOG and the LICENSE', () => {
    const paths = packOf(lib).files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'LICENSE',
        'dist/index.js',
        'dist/index.d.ts',
      ]),
    );
  });

  it('holds no tests, sources, source maps or secrets', () => {
    const paths = packOf(lib).files.map((file) => file.path);
    expect(paths.filter(isForbiddenInTarball)).toEqual([]);
  });

  it('declares a .d.ts beside every JavaScript module', () => {
    const paths = new Set(packOf(lib).files.map((file) => file.path));
    const untyped = [...paths]
      .filter((path) => path.endsWith('.js'))
      .filter((path) => !paths.has(path.replace(/\.js$/, '.d.ts')));
    expect(untyped).toEqual([]);
  });

  it('names what a registry and a consumer need in its package.json', async () => {
    const manifest = await readJson<PackageManifest>(join(repoRoot, lib.dir, 'package.json'));
    const paths = new Set(packOf(lib).files.map((file) => file.path));
    expect(manifest.name).toBe(lib.name);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toEqual(expect.objectContaining({ type: 'git' }));
    expect(manifest.engines?.node).toBeDefined();
    expect(manifest.exports?.['.']).toEqual({
      types: './dist/index.d.ts',
      default: './dist/index.js',
    });
    expect(Object.keys(manifest.exports?.['.'] as object)[0]).toBe('types');
    for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { types, default: main } = entry as { types?: string; default?: string };
      expect(Object.keys(entry)[0]).toBe('types');
      expect(paths.has(types?.replace(/^\.\//, '') ?? '')).toBe(true);
      expect(paths.has(main?.replace(/^\.\//, '') ?? '')).toBe(true);
      // `module: commonjs` (moduleResolution node10) ignores exports: typesVersions maps subpaths.
      if (subpath !== '.') {
        expect(manifest.typesVersions?.['*']?.[subpath.replace(/^\.\//, '')]).toEqual([types]);
      }
    }
    expect(paths.has(manifest.main?.replace(/^\.\//, '') ?? '')).toBe(true);
    expect(paths.has(manifest.types?.replace(/^\.\//, '') ?? '')).toBe(true);
    for (const bin of Object.values(manifest.bin ?? {}))
      expect(paths.has(bin.replace(/^\.\//, ''))).toBe(true);
  });

  it('declares every package its built code and declarations import', async () => {
    const manifest = await readJson<PackageManifest>(join(repoRoot, lib.dir, 'package.json'));
    const declared = new Set([
      ...builtinModules,
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const shipped = packOf(lib)
      .files.map((file) => file.path)
      .filter((path) => path.endsWith('.js') || path.endsWith('.d.ts'));
    const undeclared = new Set<string>();
    for (const path of shipped) {
      const source = await readFile(join(repoRoot, lib.dir, path), 'utf8');
      for (const name of bareImports(source)) {
        // A declaration file's `import type … from 'x'` is served by x's own types or by @types/x.
        const typesPackage = `@types/${name.replace(/^@(.*)\/(.*)$/, '$1__$2')}`;
        const satisfied =
          declared.has(name) || (path.endsWith('.d.ts') && declared.has(typesPackage));
        if (!satisfied) undeclared.add(`${name} (${path})`);
      }
    }
    expect([...undeclared]).toEqual([]);
  });
});

describe('the packed @feishu-auth/nestjs', () => {
  it('ships declarations that import no optional peer (ioredis) outside the entry point that needs it, so skipLibCheck: false needs none', async () => {
    const lib = libs.find((candidate) => candidate.name === '@feishu-auth/nestjs')!;
    const manifest = await readJson<PackageManifest>(join(repoRoot, lib.dir, 'package.json'));
    const optional = Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional === true)
      .map(([name]) => name);
    expect(optional).toContain('ioredis');
    const declarations = packOf(lib)
      .files.map((file) => file.path)
      .filter((path) => path.endsWith('.d.ts'));
    const offending: string[] = [];
    for (const path of declarations) {
      const source = await readFile(join(repoRoot, lib.dir, path), 'utf8');
      for (const name of bareImports(source)) {
        // `@feishu-auth/nestjs/lark` and `/health` exist for their peer; an app that imports neither
        // never reads their declarations.
        const ownPeer = ENTRY_POINT_PEERS[path.split('/')[1] ?? ''];
        if (optional.includes(name) && name !== ownPeer) offending.push(`${name} (${path})`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('holds the store contract suite, one file per role, as the @feishu-auth/nestjs/testing entry point', async () => {
    const lib = libs.find((candidate) => candidate.name === '@feishu-auth/nestjs')!;
    const manifest = await readJson<PackageManifest>(join(repoRoot, lib.dir, 'package.json'));
    expect(manifest.exports?.['./testing']).toEqual({
      types: './dist/testing/index.d.ts',
      default: './dist/testing/index.js',
    });
    const paths = packOf(lib).files.map((file) => file.path);
    const contracts = paths.filter((path) => /^dist\/testing\/[\w-]+\.contract\.js$/.test(path));
    expect(contracts.sort()).toEqual(
      [
        'app-ticket',
        'event-claim',
        'lock',
        'refresh-schedule',
        'session',
        'token-cache',
        'token-store',
        'user-token',
      ].map((name) => `dist/testing/${name}.contract.js`),
    );
    const entry = await readFile(join(repoRoot, lib.dir, 'dist/testing/index.d.ts'), 'utf8');
    expect(entry).toContain('describeTokenStoreContract');
    expect(entry).toContain('describeSessionContract');
  });

  it('leaves NestJS, passport and rxjs to the consumer as peer dependencies', async () => {
    const manifest = await readJson<PackageManifest>(
      join(repoRoot, 'libs/feishu-auth/package.json'),
    );
    const peers = Object.keys(manifest.peerDependencies ?? {});
    expect(peers).toEqual(
      expect.arrayContaining([
        '@nestjs/common',
        '@nestjs/core',
        '@nestjs/passport',
        'passport',
        'rxjs',
      ]),
    );
    const bundled = Object.keys(manifest.dependencies ?? {}).filter(
      (name) => name.startsWith('@nestjs/') || name === 'passport' || name === 'rxjs',
    );
    expect(bundled).toEqual([]);
  });
});

/**
 * The compatibility matrix: Nest 11 + CommonJS and Nest 12 + ESM, each on Express and on Fastify.
 * One install per Nest major (both platform packages in it; the platform is picked at boot), the
 * two installs and compiles run at once.
 */
describe('NestJS apps installed from the tarballs, outside the repository', () => {
  const appDirs = new Map<ConsumerInstall['profile'], string>();
  const appDir = (install: ConsumerInstall) => appDirs.get(install.profile) ?? '';

  beforeAll(async () => {
    const tarballs = Object.fromEntries(
      libs.map((lib) => [lib.fixtureTarball, join(work, 'packs', packOf(lib).filename)]),
    );
    await Promise.all(
      CONSUMER_INSTALLS.map(async (install) => {
        const dir = join(work, `consumer-${install.profile}`);
        appDirs.set(install.profile, dir);
        await installConsumerApp(fixtureDir, install, dir, tarballs);
        await run('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: dir, timeoutMs: 3 * MINUTE });
      }),
    );
  }, 10 * MINUTE);

  it('asks the Nest 12 profile for the NestJS versions the monorepo is built and tested with', async () => {
    const root = await readJson<PackageManifest>(join(repoRoot, 'package.json'));
    const fixture = await readJson<PackageManifest>(
      join(fixtureDir, 'profiles', 'nest12-esm', 'package.json'),
    );
    const wanted = { ...fixture.dependencies, ...fixture.devDependencies };
    const drift = Object.entries(wanted)
      .filter(([name]) => !name.startsWith('@feishu-auth/'))
      .filter(([name, range]) => root.devDependencies?.[name] !== range)
      .map(
        ([name, range]) =>
          `${name}: ${range} here, ${root.devDependencies?.[name]} in the monorepo`,
      );
    expect(drift).toEqual([]);
  });

  it('declares as peer ranges exactly the versions the profiles install, and nothing they do not', async () => {
    const manifest = await readJson<PackageManifest>(
      join(repoRoot, 'libs/feishu-auth/package.json'),
    );
    const profiles = await Promise.all(
      CONSUMER_INSTALLS.map((install) =>
        readJson<PackageManifest>(join(fixtureDir, 'profiles', install.profile, 'package.json')),
      ),
    );
    const proven = (name: string) => [
      ...new Set(
        profiles.map(
          (profile) => profile.dependencies?.[name] ?? profile.devDependencies?.[name] ?? '',
        ),
      ),
    ];
    const mismatches = Object.entries(manifest.peerDependencies ?? {})
      .filter(
        ([name]) => manifest.peerDependenciesMeta?.[name]?.optional !== true || proven(name)[0],
      )
      .filter(([name, range]) => range !== proven(name).join(' || '))
      .map(
        ([name, range]) => `${name}: peer ${range}, profiles install ${proven(name).join(' || ')}`,
      );
    expect(mismatches).toEqual([]);
  });

  describe.each(CONSUMER_INSTALLS)('Nest $nest + $moduleSystem', (install) => {
    it('installed the tarballs as copies, with one copy of NestJS, and compiled with tsc --strict', async () => {
      const dir = appDir(install);
      for (const lib of libs) {
        const installed = join(dir, 'node_modules', lib.name);
        // A copy unpacked from the tarball, not a link back into the monorepo.
        expect((await lstat(installed)).isSymbolicLink()).toBe(false);
      }
      // One copy of each peer: the library resolves the app's @nestjs/core, not one of its own.
      await expect(
        lstat(join(dir, 'node_modules', '@feishu-auth', 'nestjs', 'node_modules', '@nestjs')),
      ).rejects.toThrow();
      const core = await readJson<PackageManifest>(
        join(dir, 'node_modules', '@nestjs', 'core', 'package.json'),
      );
      expect(core.version.split('.')[0]).toBe(String(install.nest));
      const app = await readJson<{ type?: string }>(join(dir, 'package.json'));
      expect(app.type === 'module' ? 'ESM' : 'CommonJS').toBe(install.moduleSystem);
      const emitted = await listFiles(join(dir, 'dist'));
      expect(emitted.map((path) => path.slice(dir.length + 1))).toEqual(
        expect.arrayContaining(['dist/main.js', 'dist/emulator.js']),
      );
    });

    it('runs the testing kit as compiled for this module system (src/testing-kit.ts)', async () => {
      const { stdout } = await run('node', ['dist/testing-kit.js'], {
        cwd: appDir(install),
        timeoutMs: 30_000,
      });
      expect(stdout.trim()).toBe('KIT cli_emulator_selfbuilt function');
    });

    it('runs the store contract suite of @feishu-auth/nestjs/testing on node:test, as compiled for this module system (src/store-contract.ts)', async () => {
      const { stdout } = await run('node', ['dist/store-contract.js'], {
        cwd: appDir(install),
        timeoutMs: 2 * MINUTE,
      });
      const [, passed, declared] = /^CONTRACT (\d+) of (\d+) passed$/m.exec(stdout) ?? [];
      expect(Number(declared)).toBeGreaterThan(40);
      expect(passed).toBe(declared);
    });

    it.each(install.e2eRunners)(
      `passes the library README's getting-started e2e test, copied verbatim, under %s as the README sets it up for ${install.moduleSystem}`,
      async (runner) => {
        const report = await runGettingStartedE2e(appDir(install), install, runner);
        expect(report).toEqual(
          expect.objectContaining({ success: true, numFailedTests: 0, numPassedTests: 2 }),
        );
      },
      4 * MINUTE,
    );

    it.each(['express', 'fastify'] as const)(
      'on %s: logs in by redirect and by in-app code, serves the guarded route by cookie and X-Feishu-Session, logs out, and leaves the host @Interval(100) at 10 ± 2 runs a second',
      async (platform) => {
        const consumer = await startConsumerApp(appDir(install), platform);
        try {
          await checkConsumer(consumer);
        } finally {
          await consumer.stop();
        }
      },
      2 * MINUTE,
    );
  });
});
