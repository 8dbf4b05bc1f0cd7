import { cp, lstat, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CookieJar } from './support/cookie-jar.helper.js';
import {
  cleanEnv,
  freePort,
  run,
  startBackground,
  type Background,
} from './support/processes.helper.js';

/**
 * What a user does: build and `npm pack` both libraries, install the tarballs into a NestJS app in a
 * temporary directory outside the repository, compile it with `tsc --strict` against the published
 * `.d.ts`, start it against the packed emulator, and log in, call a guarded route and log out over HTTP.
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

let work: string;
const packed = new Map<string, NpmPackResult>();
const servers: Background[] = [];

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
  await Promise.all(servers.map((server) => server.stop()));
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
  it('ships declarations that import no optional peer (ioredis), so skipLibCheck: false needs none', async () => {
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
        if (optional.includes(name)) offending.push(`${name} (${path})`);
      }
    }
    expect(offending).toEqual([]);
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
        '@nestjs/schedule',
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

describe('a NestJS app installed from the tarballs, outside the repository', () => {
  let appDir: string;

  it('asks for the NestJS versions the monorepo is built and tested with', async () => {
    const root = await readJson<PackageManifest>(join(repoRoot, 'package.json'));
    const fixture = await readJson<PackageManifest>(join(fixtureDir, 'package.json'));
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

  it(
    'installs with npm from the two tarballs and the public registry',
    async () => {
      appDir = join(work, 'consumer-app');
      await cp(fixtureDir, appDir, { recursive: true });
      await mkdir(join(appDir, 'packages'));
      for (const lib of libs) {
        await cp(
          join(work, 'packs', packOf(lib).filename),
          join(appDir, 'packages', lib.fixtureTarball),
        );
      }
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: appDir,
        timeoutMs: 6 * MINUTE,
      });

      for (const lib of libs) {
        const installed = join(appDir, 'node_modules', lib.name);
        // A copy unpacked from the tarball, not a link back into the monorepo.
        expect((await lstat(installed)).isSymbolicLink()).toBe(false);
        expect((await readJson<PackageManifest>(join(installed, 'package.json'))).name).toBe(
          lib.name,
        );
      }
      // One copy of each peer: the library resolves the app's @nestjs/core, not one of its own.
      await expect(
        lstat(join(appDir, 'node_modules', '@feishu-auth', 'nestjs', 'node_modules', '@nestjs')),
      ).rejects.toThrow();
    },
    7 * MINUTE,
  );

  it(
    'compiles with tsc in strict mode against the published declarations',
    async () => {
      await run('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: appDir, timeoutMs: 3 * MINUTE });
      const emitted = (await listFiles(join(appDir, 'dist'))).map((path) =>
        path.slice(appDir.length + 1),
      );
      expect(emitted).toEqual(expect.arrayContaining(['dist/main.js', 'dist/emulator.js']));
    },
    4 * MINUTE,
  );

  it(
    'logs in through the emulator with login_hint, serves a route guarded with all three decorators, and logs out',
    async () => {
      const port = await freePort();
      const appUrl = `http://127.0.0.1:${port}`;
      const redirectUri = `${appUrl}/auth/feishu/callback`;

      const emulator = await startBackground('node', ['dist/emulator.js'], {
        cwd: appDir,
        env: cleanEnv({ REDIRECT_URI: redirectUri }),
        timeoutMs: 30_000,
        ready: /^EMULATOR (\{.*\})$/m,
      });
      servers.push(emulator.process);
      const feishu = JSON.parse(emulator.match[1] ?? '{}') as EmulatorInfo;

      const app = await startBackground('node', ['dist/main.js'], {
        cwd: appDir,
        env: cleanEnv({
          NODE_ENV: 'test',
          PORT: String(port),
          FEISHU_BASE_URL: feishu.url,
          FEISHU_APP_ID: feishu.appId,
          FEISHU_APP_SECRET: feishu.appSecret,
          FEISHU_REDIRECT_URI: redirectUri,
          SESSION_SECRET: 'consumer-app-session-secret-of-32-chars',
        }),
        timeoutMs: 30_000,
        ready: /consumer-app listening on/,
      });
      servers.push(app.process);

      const browser = new CookieJar();
      const visit = async (url: string, init: RequestInit = {}): Promise<Response> => {
        const response = await fetch(url, {
          ...init,
          redirect: 'manual',
          headers: { cookie: browser.header() },
          signal: AbortSignal.timeout(15_000),
        });
        browser.store(response);
        return response;
      };

      const anonymous = await visit(`${appUrl}/me`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual(
        expect.objectContaining({ statusCode: 401, loginUrl: '/auth/feishu/login' }),
      );

      const login = await visit(`${appUrl}/auth/feishu/login`);
      expect(login.status).toBe(302);
      const authorize = new URL(login.headers.get('location') ?? '');
      expect(`${authorize.origin}${authorize.pathname}`).toBe(
        `${feishu.url}/open-apis/authen/v1/authorize`,
      );
      expect(authorize.searchParams.get('client_id')).toBe(feishu.appId);
      expect(authorize.searchParams.get('redirect_uri')).toBe(redirectUri);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      const state = authorize.searchParams.get('state');
      expect(state).toBeTruthy();

      authorize.searchParams.set('login_hint', feishu.user.openId);
      const consent = await visit(authorize.href);
      expect(consent.status).toBe(302);
      const callback = new URL(consent.headers.get('location') ?? '');
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      expect(callback.searchParams.get('state')).toBe(state);
      expect(callback.searchParams.get('code')).toBeTruthy();

      const signedIn = await visit(callback.href);
      expect(signedIn.status).toBe(302);
      expect(signedIn.headers.get('location')).toBe('/me');
      expect(browser.has('feishu_session')).toBe(true);

      const me = await visit(`${appUrl}/me`);
      expect(me.status).toBe(200);
      expect(await me.json()).toEqual({
        openId: feishu.user.openId,
        name: feishu.user.name,
        tenantKey: feishu.user.tenantKey,
        userTokenOwner: feishu.user.openId,
        tenantTokenReads: feishu.user.name,
      });

      const sessionCookie = browser.header();
      const logout = await visit(`${appUrl}/auth/feishu/logout`, { method: 'POST' });
      expect(logout.status).toBe(204);
      expect(browser.has('feishu_session')).toBe(false);

      // The session is gone on the server too: replaying the old cookie no longer signs in.
      const replayed = await fetch(`${appUrl}/me`, {
        headers: { cookie: sessionCookie },
        signal: AbortSignal.timeout(15_000),
      });
      expect(replayed.status).toBe(401);
    },
    2 * MINUTE,
  );
});

/** What the consumer's `dist/emulator.js` prints once it listens. */
interface EmulatorInfo {
  url: string;
  appId: string;
  appSecret: string;
  user: { openId: string; name: string; tenantKey: string };
}
