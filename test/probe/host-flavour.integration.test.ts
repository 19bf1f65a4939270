import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { SHELL_PRELUDE } from '../../src/probe/shell-prelude.js';
import { decodeFlavourAnswer, encodeFlavourAnswer, encodeFlavourRequest, type HostFlavour } from '../../src/probe/host-flavour.js';
import { ProbeOutputError } from '../../src/probe/wire.js';

const TAG = '0123456789abcdef';

function ask(shell: string[]): HostFlavour {
  const out = execFileSync(shell[0]!, shell.slice(1), { input: SHELL_PRELUDE + encodeFlavourRequest(TAG) }).toString('latin1');
  return decodeFlavourAnswer(out, TAG);
}

test('this machine\'s /bin/sh: a Linux shell with GNU tools has everything', () => {
  const flavour = ask(['/bin/sh', '-s']);
  assert.match(flavour.shell, /\/(dash|bash)$/);
  assert.equal(flavour.clock, 'up');
  assert.equal(flavour.procUptime, true);
  assert.equal(flavour.devFd, true);
  assert.equal(flavour.dateNanoseconds, true);
  assert.notEqual(flavour.statBirth, 'no');
  assert.equal(flavour.timeout, true);
  assert.equal(flavour.awk, true);
  assert.deepEqual(flavour.missing, []);
});

test('bash says its version', () => {
  const flavour = ask(['/bin/bash', '-s']);
  assert.match(flavour.shell, /bash$/);
  assert.match(flavour.shellVersion, /^\d+\.\d+/);
});

test('a tool that is not on the PATH is named as missing', () => {
  const out = execFileSync('/bin/sh', ['-s'], { input: SHELL_PRELUDE + 'PATH=/nonexistent\n' + encodeFlavourRequest(TAG) }).toString('latin1');
  const flavour = decodeFlavourAnswer(out, TAG);
  assert.deepEqual(flavour.missing, ['stat', 'tail', 'wc', 'od', 'tr', 'stat-c', 'tail-c']);
  assert.equal(flavour.awk, false);
  assert.equal(flavour.timeout, false);
});

test('encode and decode agree; other tags, banners and hostile words are ignored or refused', () => {
  const flavour: HostFlavour = { shell: '/bin/busybox', shellVersion: '', clock: 'wall', procUptime: false, devFd: false, dateNanoseconds: true, statBirth: 'no', timeout: true, awk: false, missing: ['od'] };
  const text = `Welcome!\n@pvlook2 ffff sh 00\n${encodeFlavourAnswer(TAG, flavour)}`;
  assert.deepEqual(decodeFlavourAnswer(text, TAG), flavour);
  assert.throws(() => decodeFlavourAnswer(encodeFlavourAnswer(TAG, flavour).replace(' end', ' nope'), TAG), ProbeOutputError);
  assert.throws(() => decodeFlavourAnswer(encodeFlavourAnswer(TAG, flavour).replace('clock wall', 'clock \x1b[2J'), TAG), ProbeOutputError);
  assert.throws(() => decodeFlavourAnswer(encodeFlavourAnswer(TAG, flavour).replace('missing od', 'missing od;rm'), TAG), ProbeOutputError);
});
