import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunResult {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The environment a user's shell would give a child: without the variables that `npm run` and jest's
 * ESM mode add, which would otherwise leak into `npm install` and into the apps under test.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'NODE_OPTIONS' || name === 'INIT_CWD') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

function tail(text: string, chars = 4000): string {
  return text.length > chars ? `…${text.slice(-chars)}` : text;
}

/** Runs a command to completion; rejects with its output on a non-zero exit or after `timeoutMs`. */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} timed out after ${options.timeoutMs} ms\n${tail(stdout)}\n${tail(stderr)}`,
        ),
      );
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} exited with ${code ?? signal}\n${tail(stdout)}\n${tail(stderr)}`,
          ),
        );
    });
  });
}

/** A long-running child (a server) and what it printed so far. */
export interface Background {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a server and resolves once a stdout line matches `ready`, with the match; rejects if the
 * process exits first or nothing matches within `timeoutMs`.
 */
export function startBackground(
  command: string,
  args: string[],
  options: RunOptions & { ready: RegExp },
): Promise<{ process: Background; match: RegExpMatchArray }> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const background: Background = {
    child,
    output: () => output,
    stop: () => stopProcess(child),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void background.stop();
      reject(
        new Error(
          `${command} ${args.join(' ')} not ready after ${options.timeoutMs} ms\n${tail(output)}`,
        ),
      );
    }, options.timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(options.ready);
      if (match) {
        clearTimeout(timer);
        resolve({ process: background, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${command} ${args.join(' ')} exited with ${code ?? signal} before it was ready\n${tail(output)}`,
        ),
      );
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid: the whole group, so a server started through npx or a shell goes too.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM, then SIGKILL if the process is still there after 5 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), 5000).unref(),
  );
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    killGroup(child, 'SIGKILL');
    await exited;
  }
}

/** A TCP port that was free a moment ago (the app's redirect URI must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
