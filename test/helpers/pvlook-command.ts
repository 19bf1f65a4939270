/** The pvlook command line as a shell runs it from source (tsx), for terminal tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.join(import.meta.dirname, '../..');

export const pvlookCommand = [process.execPath, '--import', import.meta.resolve('tsx'), path.join(repoRoot, 'src/bin.ts')].map((part) => JSON.stringify(part)).join(' ');

/** Start pvlook from source as a child process (its output on a pipe), for tests that read it while it runs. */
export function spawnPvlook(args: readonly string[], options: { cwd: string; env: Record<string, string | undefined> }): ChildProcess {
  return spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(repoRoot, 'src/bin.ts'), ...args], { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
}
