/**
 * A pool of peers behind one real sshd: hosts h1..h6 form the group "pool",
 * h7 and h8 the group "pair", and every host has its own `access.log` (each
 * loopback address runs its shell in its own folder, through sshd's
 * `Match LocalAddress` + `ForceCommand`), so one log path has a different
 * rate on every host, as on a real fleet. A writer appends to each log at the
 * rate the test sets, with a chosen share of 5xx lines, by the clock (the
 * lines due so far), so a late timer on a busy machine never changes a rate
 * for long.
 */
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HostPlan } from '../../src/config/config.js';
import { parseHostSpec } from '../../src/core/host-spec.js';
import { startSshd, type Sshd } from './sshd.js';

export const POOL_HOSTS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
export const PAIR_HOSTS = ['h7', 'h8'];
export const SERVER_ERRORS = '" 5[0-9][0-9] ';

interface Traffic {
  file: string;
  rate: number;
  /** one line in this many is a 5xx */
  errorEvery: number;
  written: number;
  since: number;
  writtenThen: number;
}

export interface PeerPool {
  sshd: Sshd;
  /** a config file (JSON) naming both groups, the pool counting 5xx lines */
  config: string;
  /** lines/s for a host, and one 5xx line in `errorEvery` */
  set(host: string, rate: number, errorEvery?: number): void;
  /** the sampler's plans for every host, as the config file gives them */
  plans(): HostPlan[];
  stop(): Promise<void>;
}

/** Start the pool: every host at 100 lines/s with 0.1 % 5xx, until the test says otherwise. */
export async function startPeerPool(): Promise<PeerPool> {
  const hosts = [...POOL_HOSTS, ...PAIR_HOSTS];
  const sshd = await startSshd({
    hostCount: hosts.length,
    extraConfig: hosts.flatMap((host, i) => [`Match LocalAddress ADDR${i + 1}`, `  ForceCommand cd {DIR}/logs/${host} && exec /bin/sh -s`]),
  });
  const traffic = new Map<string, Traffic>();
  for (const host of hosts) {
    const folder = path.join(sshd.logDir, host);
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o755);
    const file = path.join(folder, 'access.log');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    traffic.set(host, { file, rate: 100, errorEvery: 1000, written: 0, since: Date.now(), writtenThen: 0 });
  }
  const write = () => {
    const now = Date.now();
    for (const log of traffic.values()) {
      const due = log.writtenThen + Math.floor(((now - log.since) / 1000) * log.rate);
      if (due <= log.written) continue;
      let text = '';
      for (let line = log.written; line < due; line++) text += `192.0.2.7 - - [01/Dec/2026:00:00:00 +0000] "GET /item/${line} HTTP/1.1" ${line % log.errorEvery === 0 ? 503 : 200} 512\n`;
      appendFileSync(log.file, text);
      log.written = due;
    }
  };
  const writer = setInterval(write, 20);
  const config = path.join(sshd.dir, 'pvlook-peers.json');
  writeFileSync(
    config,
    JSON.stringify({
      groups: {
        pool: { log: 'access.log', hosts: POOL_HOSTS, patterns: { errors: SERVER_ERRORS } },
        pair: { log: 'access.log', hosts: PAIR_HOSTS },
      },
    }),
  );
  return {
    sshd,
    config,
    set(host, rate, errorEvery = 1000) {
      const log = traffic.get(host);
      if (!log) throw new Error(`no host ${host} in the pool`);
      write();
      Object.assign(log, { rate, errorEvery, since: Date.now(), writtenThen: log.written });
    },
    plans: () =>
      hosts.map((host) => {
        const pooled = POOL_HOSTS.includes(host);
        return { spec: parseHostSpec(host), session: 'shell', watches: [{ group: pooled ? 'pool' : 'pair', log: 'access.log', patterns: pooled ? [{ name: 'errors', regex: SERVER_ERRORS }] : [] }] };
      }),
    async stop() {
      clearInterval(writer);
      await sshd.stop();
    },
  };
}
