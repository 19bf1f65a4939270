/**
 * The rule that splits the suite: a test that starts sshd, tmux, Chromium,
 * Prometheus or the pvlook command, or runs a system tool the README's
 * install line brings, is named *.integration.test.ts; every other test is a
 * unit test, run by `npm run test:unit` with nothing but node and /bin/sh,
 * all in one process (so a unit test puts back any global it changes, as the
 * mocked timers' t.after(reset) does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { testFiles } from '../../tools/run-tests.mjs';

const root = path.join(import.meta.dirname, '../..');
const list = testFiles as (kind: 'unit' | 'all') => string[];

/** Helpers that start a server, a terminal, a browser or pvlook itself. */
const STARTS_SOMETHING = ['sshd', 'fleet', 'victim-fleet', 'tmux', 'browser', 'prometheus', 'web-pvlook', 'peer-pool', 'latency-proxy', 'ticker', 'joined-ssh-config'];
/** What other helpers export that starts pvlook or needs a system tool. */
const STARTS_IN_HELPER: Record<string, (name: string) => boolean> = {
  'pvlook-command': (name) => name !== 'repoRoot',
  'local-shell': (name) => name === 'busyboxShell',
};
/** Commands that come from the packages in tools/test-tools.mjs (or npm itself, for packing). */
const SYSTEM_TOOLS = ['ssh', 'sshd', 'ssh-keygen', 'ssh-agent', 'ssh-keyscan', 'tmux', 'promtool', 'prometheus', 'chromium', 'busybox', 'sudo', 'systemd-analyze', 'logrotate', 'rotatelogs', 'npm'];

test('every test file sits one folder down in test/, where the rule sees it', () => {
  const misplaced: string[] = [];
  const walk = (folder: string, depth: number) => {
    for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
      const relative = `${folder}/${entry.name}`;
      if (entry.isDirectory()) walk(relative, depth + 1);
      else if (entry.name.endsWith('.test.ts') && depth !== 1) misplaced.push(relative);
    }
  };
  walk('test', 0);
  assert.deepEqual(misplaced, []);
  assert.ok(list('all').includes('test/tools/run-tests.test.ts'));
});

test('a unit test starts nothing beyond its own process and /bin/sh', () => {
  const offenders = list('unit').flatMap((file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    const helpers = [...text.matchAll(/from '\.\.\/helpers\/([a-z-]+)\.js'/g)].map((match) => match[1]!).filter((helper) => STARTS_SOMETHING.includes(helper));
    const commands = [...text.matchAll(/\b(?:spawn|spawnSync|execFile|execFileSync)\(\s*'([^']+)'/g)].map((match) => match[1]!).filter((command) => SYSTEM_TOOLS.includes(command));
    const named = [...text.matchAll(/import \{([^}]*)\} from '\.\.\/helpers\/([a-z-]+)\.js'/g)].flatMap((match) => match[1]!.split(',').map((name) => [match[2]!, name.trim()] as const));
    const starters = named.filter(([helper, name]) => STARTS_IN_HELPER[helper]?.(name) === true).map(([helper, name]) => `${name} from helpers/${helper}`);
    return [...helpers, ...commands, ...starters].map((what) => `${file}: ${what}`);
  });
  assert.deepEqual(offenders, [], 'name these *.integration.test.ts');
});

test('the unit set is every test but the integration ones, and npm test runs them all', () => {
  const all = list('all');
  const unit = list('unit');
  assert.deepEqual(
    all.filter((file) => !unit.includes(file)),
    all.filter((file) => file.endsWith('.integration.test.ts')),
  );
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.test!, /node tools\/run-tests\.mjs all$/);
  assert.equal(pkg.scripts['test:unit'], 'node tools/run-tests.mjs unit');
});
