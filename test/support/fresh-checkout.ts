import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What building and starting the demo reads from a clone: sources, manifests, build settings. */
const CHECKOUT_INPUTS = [
  'package.json',
  'tsconfig.json',
  'nest-cli.json',
  'scripts',
  'apps/demo/tsconfig.app.json',
  'libs/feishu-auth/tsconfig.lib.json',
  'libs/feishu-emulator/tsconfig.lib.json',
  'apps/demo/src',
  'libs/feishu-auth/package.json',
  'libs/feishu-auth/src',
  'libs/feishu-emulator/package.json',
  'libs/feishu-emulator/src',
];

/** The workspace packages, linked to the checkout's own libraries as `npm install` links them. */
const WORKSPACES: Record<string, string> = {
  '@feishu-auth/nestjs': 'libs/feishu-auth',
  '@feishu-auth/emulator': 'libs/feishu-emulator',
};

export interface FreshCheckout {
  dir: string;
  remove(): Promise<void>;
}

/**
 * A checkout of `repoRoot` as a fresh clone after `npm install` looks: sources, no build output.
 * node_modules links to the repository's installed packages (a fresh install would give the same
 * ones), except the workspace packages, which point at the checkout's own libraries.
 */
export async function freshCheckout(repoRoot: string): Promise<FreshCheckout> {
  const dir = await mkdtemp(join(tmpdir(), 'feishu-checkout-'));
  for (const input of CHECKOUT_INPUTS) {
    await cp(join(repoRoot, input), join(dir, input), { recursive: true });
  }
  await linkInstalledPackages(repoRoot, dir);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function linkInstalledPackages(repoRoot: string, dir: string): Promise<void> {
  const modules = join(dir, 'node_modules');
  await mkdir(join(modules, '@feishu-auth'), { recursive: true });
  for (const entry of await readdir(join(repoRoot, 'node_modules'))) {
    if (entry === '@feishu-auth') continue;
    await symlink(join(repoRoot, 'node_modules', entry), join(modules, entry));
  }
  for (const [name, path] of Object.entries(WORKSPACES)) {
    const link = join(modules, name);
    await mkdir(dirname(link), { recursive: true });
    await symlink(join(dir, path), link);
  }
}
