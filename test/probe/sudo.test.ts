/**
 * A sudo host's shell: asked for with the sudo command, and a sudo that
 * refuses (a password wanted, no rule, no sudo at all) fails the sample at
 * once with what to do, from what it said before any answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHostSpec } from '../../src/core/host-spec.js';
import { HostError } from '../../src/errors.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import { SHELL_COMMAND, SUDO_SHELL_COMMAND } from '../../src/core/shell-command.js';
import { LocalShellTransport } from '../helpers/local-shell.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pvlook-sudo-'));
const host = parseHostSpec('local');
const forever = () => new AbortController().signal;

test('a sudo host\'s shell is opened with the sudo command; other hosts keep the plain one', async () => {
  const dir = tmp();
  writeFileSync(path.join(dir, 'a.log'), 'x\n');
  const transport = new LocalShellTransport(dir);
  const prober = new ShellProber(transport, () => 'shell', (spec) => spec.label === 'root-host');
  try {
    await prober.sample(parseHostSpec('root-host'), [{ path: 'a.log', previous: null }], forever());
    await prober.sample(parseHostSpec('plain-host'), [{ path: 'a.log', previous: null }], forever());
    assert.deepEqual(transport.commands, [SUDO_SHELL_COMMAND, SHELL_COMMAND]);
    assert.equal(SUDO_SHELL_COMMAND, 'sudo -n /bin/sh -s');
  } finally {
    await prober.close();
  }
});

/** What a sample fails with when the "host" says `said` on stderr and exits 1, as sudo -n does. */
async function failureWhen(said: string, sudo = true): Promise<HostError> {
  const transport = new LocalShellTransport(tmp(), ['/bin/sh', '-c', `printf '%s\\n' "$1" >&2; exit 1`, 'sh', said]);
  const prober = new ShellProber(transport, () => 'shell', () => sudo);
  try {
    await prober.sample(host, [{ path: 'a.log', previous: null }], forever());
  } catch (error) {
    assert.ok(error instanceof HostError);
    return error;
  } finally {
    await prober.close();
  }
  assert.fail('the sample succeeded');
}

test('sudo wanting a password fails the sample at once, saying what to do (never a prompt, never a wait)', async () => {
  const error = await failureWhen('sudo: a password is required');
  assert.equal(error.status, 'auth');
  assert.equal(error.message, 'sudo needs a password on this host: allow NOPASSWD for /bin/sh -s, or drop --sudo');
});

test('sudo refusing the command, wanting a tty, or missing each say so', async () => {
  assert.deepEqual(
    [
      await failureWhen('Sorry, user pvlook is not allowed to execute \'/bin/sh -s\' as root on web01.'),
      await failureWhen('pvlook is not in the sudoers file.'),
      await failureWhen('sudo: sorry, you must have a tty to run sudo'),
      await failureWhen('sh: 1: sudo: not found'),
    ].map((error) => [error.status, error.message.split(':')[0]]),
    [
      ['noperm', 'sudo does not let this user run /bin/sh -s as root'],
      ['noperm', 'sudo does not let this user run /bin/sh -s as root'],
      ['noperm', 'sudo requires a tty on this host (Defaults requiretty)'],
      ['error', 'sudo is not installed on this host'],
    ],
  );
});

test('without sudo, the same words are only quoted: it was not pvlook\'s sudo that said them', async () => {
  const error = await failureWhen('sudo: a password is required', false);
  assert.equal(error.status, 'badoutput');
  assert.match(error.message, /the remote shell ended \(exit status 1\).*: sudo: a password is required$/);
});
