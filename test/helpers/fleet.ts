/**
 * Helpers for driving the real sampler and SSH transport against test sshd.
 */
import { appendFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import type { HostPlan } from '../../src/config/config.js';
import { parseHostSpec } from '../../src/core/host-spec.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { SshTransport } from '../../src/transport/ssh-transport.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import type { Prober } from '../../src/probe/prober.js';
import type { SessionMode } from '../../src/core/session-mode.js';
import { openSshResolver } from '../../src/transport/ssh-settings.js';
import type { Sshd } from './sshd.js';

export function sshTransport(sshd: Sshd, sshConfig = sshd.sshConfig): SshTransport {
  return new SshTransport({ resolveSettings: openSshResolver(sshConfig, sshd.dir), agentSocket: undefined });
}

/** pvlook's prober over real SSH to the fixture's sshd: a long-lived shell per host, or a new one per sample. */
export function sshProber(sshd: Sshd, { sshConfig = sshd.sshConfig, session = 'shell' as SessionMode, transport = sshTransport(sshd, sshConfig) } = {}): ShellProber {
  return new ShellProber(transport, () => session);
}

export function plan(host: string, ...logs: string[]): HostPlan {
  return { spec: parseHostSpec(host), session: 'shell', watches: logs.map((log) => ({ group: 'default', log, patterns: [] })) };
}

/** The real sampler; given a transport, through pvlook's shell prober (long-lived shells). */
export function sampler(hosts: HostPlan[], through: Prober | SshTransport, timeoutMs = 5000, intervalMs = 1000): Sampler {
  const prober = through instanceof SshTransport ? new ShellProber(through) : through;
  return new Sampler(hosts, prober, { parallel: 10, timeoutMs, intervalMs, trend: DEFAULT_TREND, random: () => 0 });
}

/** A short interval for tests that count samples on the running schedule: they wait for samples, never for time. */
export const QUICK_INTERVAL_MS = 200;

/** A log file the test user can read, in the sshd fixture's log folder. */
export function makeLog(sshd: Sshd, name: string, lines = 0): string {
  const file = path.join(sshd.logDir, name);
  writeFileSync(file, 'GET / 200\n'.repeat(lines));
  chmodSync(file, 0o644);
  return file;
}

export function appendLines(file: string, count: number): void {
  appendFileSync(file, 'GET /x 200 "Mozilla/5.0"\n'.repeat(count));
}

