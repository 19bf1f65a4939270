/**
 * Exit codes, decided in one place: 0 when every host answered, 1 when one
 * did not, 2 for usage, 70 for a bug, 128+signal when stopped. In-process,
 * with a fake prober: no host or sshd needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCommandLine } from '../../src/cli/args.js';
import { main, VERSION } from '../../src/cli/main.js';
import { runSession } from '../../src/cli/session.js';
import { exitCodeFor } from '../../src/core/exit-codes.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { FakeProber } from '../helpers/fake-prober.js';
import { row, snapshotOf } from '../helpers/rows.js';
import { runCli } from '../helpers/run-cli.js';

test('exitCodeFor: 0 when every log is ok, 1 when any host failed or is stale, 0 for a run with no snapshot', () => {
  assert.equal(exitCodeFor(null), 0);
  assert.equal(exitCodeFor(snapshotOf([row({ host: 'a', rate: 1 }), row({ host: 'b', rate: 2 })])), 0);
  assert.equal(exitCodeFor(snapshotOf([row({ host: 'a', rate: 1 }), row({ host: 'b', status: 'refused', error: 'refused' })])), 1);
  assert.equal(exitCodeFor(snapshotOf([row({ host: 'a', rate: 1 }), row({ host: 'b', status: 'stale', error: 'waiting' })])), 1);
});

test('exitCodeFor: a log rotating (no rate, carried in the total) is not a failure', () => {
  const snapshot = snapshotOf([row({ host: 'a', rate: 1, history: [1, 1] }), row({ host: 'b', history: [5, null], age: 0 })]);
  assert.equal(snapshot.total.carried, 1);
  assert.equal(exitCodeFor(snapshot), 0);
});

test('main: usage errors exit 2 with a message; --version exits 0', async () => {
  const bad = await runCli(['--interval', 'fast', '-l', '/l', 'h1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^pvlook: .*--interval "fast"/);
  const version = await runCli(['--version']);
  assert.deepEqual([version.code, version.stdout.trim()], [0, VERSION]);
});

test('main: an unexpected error exits 70 and says it is a bug, with host text escaped', async () => {
  const broken = new Writable({
    write() {
      throw new Error('disk on fire \u001b]0;owned\u0007');
    },
  });
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(['--version'], { stdout: broken, stderr, stdin: null, env: {}, cwd: process.cwd() });
  assert.equal(code, 70);
  assert.match(err, /^pvlook: internal error: disk on fire \\x1b\]0;owned\\x07\n\(please report this/);
});

test('runSession: SIGTERM while watching ends the run with 143, after the current tick', async () => {
  const home = mkdtempSync(path.join(tmpdir(), 'pvlook-exit-'));
  try {
    const parsed = parseCommandLine(['-w', '--json', '-n', '0.1', '-l', '/var/log/a.log', 'h1'], VERSION);
    assert.equal(parsed.kind, 'run');
    if (parsed.kind !== 'run') return;
    const config = await resolveConfig(parsed.args, { env: { HOME: home }, cwd: home, stdoutIsTTY: false });
    const transport = new FakeProber(new Map([['h1', { lines: 0, clock: 1 }]]));
    const stdout = new PassThrough();
    // Stop once the first tick has been printed: a condition, not a sleep.
    stdout.once('data', () => process.emit('SIGTERM', 'SIGTERM'));
    const code = await runSession(config, transport, { stdout, stderr: new PassThrough(), stdin: null, env: {}, cwd: home });
    assert.equal(code, 143);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
