// Test and bench helpers (not used by the app): a real redis-server on a free loopback port, owned by
// the caller (killed at the end), and `screenalytics` CLI processes (workers, queue commands).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../electron/models/pack';

const BIN = join(REPO_ROOT, 'bin/screenalytics.mjs');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM: with `dir` set it writes its append-only file first). */
  stop(): Promise<void>;
  /** Stops it and starts it again on the same port (with `dir`, the data survives). */
  restart(): Promise<void>;
}

/** redis-server on 127.0.0.1; no persistence unless `dir` is given (then append-only, as production). */
export async function startRedis(opts: { dir?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const persist = opts.dir ? ['--dir', opts.dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  let proc: ChildProcess;
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persist], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      proc.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (/Ready to accept connections/.test(out)) resolve();
      });
      proc.on('error', reject);
      proc.on('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)));
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    async restart() {
      await stop();
      await launch();
    },
  };
}

export interface CliProcess {
  proc: ChildProcess;
  /** Everything written to stdout + stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  /** Resolves once the output matches. */
  waitFor(re: RegExp): Promise<void>;
}

/** A long-running `screenalytics …` process (a worker). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const w of [...waiters]) if (w.re.test(out)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    proc,
    output: () => out,
    exited,
    waitFor: (re) => (re.test(out) ? Promise.resolve() : new Promise((resolve) => waiters.push({ re, resolve }))),
  };
}

/** A short `screenalytics …` command: its exit code and output. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * Polls `check` until it returns a value (not undefined); gives up with `what` after `limitMs` — a
 * guard against a hang, not a speed check: generous, since shared machines run the pipeline slowly.
 */
export async function until<T>(what: string, check: () => Promise<T | undefined>, limitMs = 2_400_000, everyMs = 500): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
