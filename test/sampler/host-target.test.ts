/**
 * A host's plan travels whole: the sampler hands the prober each host with
 * its session, sudo and transport settings, and the shell prober and the
 * auto transport act on them with nothing but the host to go on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostSpec } from '../../src/core/host-spec.js';
import { AutoTransport } from '../../src/transport/auto-transport.js';
import { fallbackSettings } from '../../src/transport/ssh-settings.js';
import type { RemoteShell, Transport } from '../../src/transport/transport.js';
import { SHELL_COMMAND, SUDO_SHELL_COMMAND } from '../../src/core/shell-command.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import { LocalShellTransport } from '../helpers/local-shell.js';
import type { HostPlan } from '../../src/config/config.js';
import { parseHostSpec } from '../../src/core/host-spec.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import { Sampler } from '../../src/sampler/sampler.js';

const plan = (host: string, ...logs: string[]): HostPlan => ({ spec: parseHostSpec(host), session: 'shell', watches: logs.map((log) => ({ group: 'default', log, patterns: [] })) });

test('the shell prober runs each host as its plan says: sudo, and a new shell per sample for exec', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-target-'));
  writeFileSync(path.join(dir, 'a.log'), 'x\n');
  const transport = new LocalShellTransport(dir);
  const hosts = [{ ...plan('root-host', 'a.log'), sudo: true }, { ...plan('exec-host', 'a.log'), session: 'exec' as const }];
  // The prober as a run builds it: no session or sudo functions, only what each host brings.
  const s = new Sampler(hosts, new ShellProber(transport), { parallel: 10, timeoutMs: 5000, intervalMs: 1000, trend: DEFAULT_TREND, random: () => 0 });
  try {
    for (let i = 0; i < 3; i++) await s.sampleByHand(Date.now() + 5000);
    // The long-lived sudo shell once, then the exec host's plain shell at every sample.
    assert.deepEqual([...transport.commands].sort(), [SHELL_COMMAND, SHELL_COMMAND, SHELL_COMMAND, SUDO_SHELL_COMMAND].sort());
    assert.equal(transport.opened, 4);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the auto transport takes the client each host names in its plan, with no table of modes', async () => {
  const used: string[] = [];
  const lookups: string[] = [];
  const client = (name: string): Transport => ({
    openShell: async (host: HostSpec) => {
      used.push(`${host.label}:${name}`);
      return { write: () => undefined, end: () => undefined, abandon: () => undefined } satisfies RemoteShell;
    },
    close: async () => undefined,
  });
  const t = new AutoTransport({
    builtin: client('builtin'),
    openssh: client('openssh'),
    resolveSettings: async (spec) => {
      lookups.push(spec.label);
      return { ...fallbackSettings(spec, os.tmpdir()), identityFiles: [], knownHostsFiles: [] };
    },
    agentSocket: '/run/agent',
  });
  const listeners = { stdout: () => undefined, stderr: () => undefined, closed: () => undefined };
  const signal = new AbortController().signal;
  await t.openShell({ ...plan('named').spec, transport: 'openssh' }, listeners, signal);
  await t.openShell({ ...plan('builtin-named').spec, transport: 'builtin' }, listeners, signal);
  await t.openShell(plan('chosen').spec, listeners, signal);
  assert.deepEqual(used, ['named:openssh', 'builtin-named:builtin', 'chosen:builtin']);
  // Only the host left to auto had its settings read to choose.
  assert.deepEqual(lookups, ['chosen']);
});
