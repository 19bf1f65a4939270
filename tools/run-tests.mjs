#!/usr/bin/env node
// The test files a run takes, by one rule that keeps working as files are added:
// every test/<folder>/*.test.ts is a test, and those named *.integration.test.ts
// start something beyond this process (sshd, tmux, Chromium, Prometheus, the
// pvlook command) or need root. `unit` leaves those out: the quick loop.
// node 20's --test takes paths, not globs, so the files are listed here.
//
// `all` runs each file in a process of its own, two at a time (node --test):
// integration tests start servers and must not share a process. `unit` runs
// every file in one process: they start nothing, and a process per file (node,
// tsx, the module graph, again and again) was four fifths of a unit run.
//
//   node tools/run-tests.mjs unit|all [folder or file ...] [node test options, e.g. --test-name-pattern=rate]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import console from 'node:console';

const root = path.join(import.meta.dirname, '..');
const INTEGRATION = '.integration.test.ts';

/** Every test file (relative to the repository), integration ones included or not. */
export function testFiles(kind) {
  const test = path.join(root, 'test');
  const files = readdirSync(test)
    .filter((folder) => statSync(path.join(test, folder)).isDirectory())
    .flatMap((folder) => readdirSync(path.join(test, folder)).map((name) => `test/${folder}/${name}`))
    .filter((file) => file.endsWith('.test.ts'))
    .sort();
  return kind === 'unit' ? files.filter((file) => !file.endsWith(INTEGRATION)) : files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind, ...rest] = process.argv.slice(2);
  if (kind !== 'unit' && kind !== 'all') {
    console.error('usage: node tools/run-tests.mjs unit|all [folder or file ...] [node test options]');
    process.exit(2);
  }
  // What starts with a dash is for node's test runner (npm passes `npm test -- --test-name-pattern=x` on); the rest narrows the files.
  const options = rest.filter((arg) => arg.startsWith('-') && arg !== '--');
  const only = rest.filter((arg) => !arg.startsWith('-')).map((wanted) => path.relative(root, path.resolve(wanted)));
  const files = testFiles(kind).filter((file) => only.length === 0 || only.some((wanted) => file === wanted || file.startsWith(`${wanted}/`)));
  if (files.length === 0) {
    console.error(`no ${kind} test files match ${only.join(' ')}`);
    process.exit(2);
  }
  const runner = kind === 'unit' ? [path.join(import.meta.dirname, 'import-tests.mjs')] : ['--test', '--test-concurrency=2'];
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...options, ...runner, ...files], { cwd: root, stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
