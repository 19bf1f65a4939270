/**
 * pvlook run from source as a separate process with --web, as a user starts
 * it, so it can be stopped and started again on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { repoRoot } from './pvlook-command.js';

export interface RunningPvlook {
  /** the web view's URL, as pvlook printed it */
  url: string;
  stderr(): string;
  /** SIGTERM, then wait for the exit */
  stop(): Promise<number | null>;
  readonly process: ChildProcess;
}

/** @param options.ready what pvlook prints once it serves, the URL in its first group (default: the web view's line) */
export async function startPvlook(args: string[], options: { env?: Record<string, string>; cwd?: string; ready?: RegExp } = {}): Promise<RunningPvlook> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(repoRoot, 'src/bin.ts'), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const match = (options.ready ?? /web view at (\S+)/).exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`pvlook exited (${code}) before serving:\n${stderr}`)));
  });
  return {
    url,
    stderr: () => stderr,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A loopback port nothing listens on right now, for a server that must come back on the same port. */
export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
