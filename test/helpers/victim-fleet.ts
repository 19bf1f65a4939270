/**
 * A fleet to break one host of: good1 and good2 on one real sshd, victim on
 * another (so it can be frozen, killed and restarted alone), named in one
 * ssh_config, every log growing steadily. It starts before the file's tests
 * and stops after them (node:test's before and after).
 */
import { after, before } from 'node:test';
import { SshTransport } from '../../src/transport/ssh-transport.js';
import { openSshResolver } from '../../src/transport/ssh-settings.js';
import { appendLines, makeLog, plan, sampler } from './fleet.js';
import { joinedSshConfig } from './joined-ssh-config.js';
import { startSshd, type Sshd } from './sshd.js';
import { Ticker } from './ticker.js';

export interface VictimFleet {
  healthy: Sshd;
  victim: Sshd;
  /** the healthy server's logs, then the victim's, by the names given */
  logs: Record<string, string>;
  /** pvlook's sampler over the built-in client, these hosts watching these logs, on the watch's own clock */
  ticker(hosts: readonly [host: 'good1' | 'good2' | 'victim', log: string][], timeoutMs: number, intervalMs: number): Ticker;
}

export function victimFleet(name: string, logNames: { healthy: readonly string[]; victim: string }): VictimFleet {
  let writer: NodeJS.Timeout;
  let sshConfig = '';
  const fleet: VictimFleet = {
    healthy: undefined as unknown as Sshd,
    victim: undefined as unknown as Sshd,
    logs: {},
    ticker(hosts, timeoutMs, intervalMs) {
      const transport = new SshTransport({ resolveSettings: openSshResolver(sshConfig, fleet.healthy.dir), agentSocket: undefined, keepaliveMs: 500 });
      return new Ticker(sampler(hosts.map(([host, log]) => plan(host, log)), transport, timeoutMs, intervalMs), intervalMs);
    },
  };
  before(async () => {
    fleet.healthy = await startSshd({ hostCount: 2 });
    fleet.victim = await startSshd({ hostCount: 1 });
    for (const log of logNames.healthy) fleet.logs[log] = makeLog(fleet.healthy, log);
    fleet.logs[logNames.victim] = makeLog(fleet.victim, logNames.victim);
    writer = setInterval(() => Object.values(fleet.logs).forEach((log) => appendLines(log, 2)), 10);
    sshConfig = joinedSshConfig(fleet.healthy.dir, name, [['good1', fleet.healthy, 0], ['good2', fleet.healthy, 1], ['victim', fleet.victim, 0]]);
  });
  after(async () => {
    clearInterval(writer);
    await fleet.victim?.stop();
    await fleet.healthy?.stop();
  });
  return fleet;
}
