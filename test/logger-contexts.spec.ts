import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.includes('.spec.') ? [path] : [];
  });
}

/** Every `new Logger(…)` of the libraries, with the classes its file declares. */
const loggers = ['libs/feishu-auth/src', 'libs/feishu-emulator/src']
  .flatMap((dir) => sources(join(root, dir)))
  .flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const classes = [...text.matchAll(/\bclass (\w+)/g)].map((match) => match[1]);
    return [...text.matchAll(/new Logger\(([^)]*)\)/g)].map((match) => ({
      file: relative(root, path),
      context: match[1]!,
      classes,
    }));
  });

describe('Logger contexts', () => {
  it('should find the loggers', () => {
    expect(loggers.length).toBeGreaterThan(10);
  });

  it.each(loggers)('should name the class that logs in $file ($context)', (logger) => {
    const named = /^(\w+)\.name$/.exec(logger.context)?.[1];

    expect(logger.classes).toContain(named);
  });
});
