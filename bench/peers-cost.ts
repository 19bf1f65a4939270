/**
 * What the peer comparison adds to pvlook's client CPU per sample, measured
 * without SSH: the real sampler over an in-process prober that answers like
 * the simulated fleet (bench/sim-fleet.ts), N hosts in G groups (pools of
 * similar hosts, a few odd, some with a pattern), a tick per interval as watch
 * mode takes a view per interval. The same run alternates rounds with the
 * comparison on and off. Without SSH and its crypto a sample costs pvlook far
 * less, so the comparison's share here is an upper bound of its share on a
 * real fleet (bench/fleet.ts --peers-cost measures that one end to end).
 *
 *   npm run bench:peers -- --hosts 5000 --groups 50 --ticks 30 --runs 5 [--json]
 */
import { parseArgs } from 'node:util';
import type { HostPlan } from '../src/config/config.js';
import { parseHostSpec } from '../src/core/host-spec.js';
import { DEFAULT_PEER_OPTIONS } from '../src/core/peer-compare.js';
import { peerVerdicts } from '../src/core/peers.js';
import { DEFAULT_TREND } from '../src/core/trend.js';
import { SimulatedLog } from '../src/demo/simulated-log.js';
import type { Prober } from '../src/probe/prober.js';
import type { ProbeResult } from '../src/core/probe-types.js';
import { Sampler } from '../src/sampler/sampler.js';
import { median, round } from './stats.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '5000' },
    groups: { type: 'string', default: '50' },
    ticks: { type: 'string', default: '30' },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const hosts = Number(values.hosts);
const groups = Number(values.groups);
const ticks = Number(values.ticks);
const LOG = '/var/log/nginx/access.log';
const ERRORS = '" 5[0-9][0-9] ';

/** An in-process fleet on a simulated clock: one second per tick, so every sample has a rate. */
function fleet(): { prober: Prober; advance: () => void; answered: () => number; clock: () => number } {
  let now = 1000;
  let answered = 0;
  const logs = Array.from({ length: hosts }, (_, i) => {
    const base = 100 * (0.85 + ((i * 37) % 31) / 100);
    // One host in 97 at a fifth of its peers, one in 89 with 10 % errors: a pool has its odd ones.
    return new SimulatedLog({ rate: () => (i % 97 === 5 ? base / 5 : base), shares: { [ERRORS]: () => (i % 89 === 3 ? 0.1 : 0.002) } });
  });
  const prober: Prober = {
    sample: (host, requests) => {
      const index = Number(host.label.slice(1));
      const result: ProbeResult = { remoteTime: now, clock: 'up', resolution: 0.01, logs: requests.map((request) => logs[index]!.probe(request, now - 1000)) };
      answered++;
      return Promise.resolve(result);
    },
    close: () => Promise.resolve(),
  };
  // The sampler reads the same simulated clock (ms), so host and local times agree.
  return { prober, advance: () => (now += 1), answered: () => answered, clock: () => now * 1000 };
}

function plans(): HostPlan[] {
  return Array.from({ length: hosts }, (_, i) => ({
    spec: parseHostSpec(`h${i}`),
    session: 'shell' as const,
    watches: [{ group: `g${i % groups}`, log: LOG, patterns: [{ name: 'errors', regex: ERRORS }] }],
  }));
}

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** `ticks` views, each after one sample of every host; CPU per sample over the whole round. */
async function round_(peers: boolean): Promise<{ cpuPerSample: number; odd: number }> {
  const simulated = fleet();
  const sampler = new Sampler(plans(), simulated.prober, { parallel: 10_000, timeoutMs: 10_000, intervalMs: 1000, trend: DEFAULT_TREND, peers: () => (peers ? DEFAULT_PEER_OPTIONS : null), now: simulated.clock });
  // Warm up: baselines and a full history window, outside the measurement.
  for (let t = 0; t < 5; t++) {
    simulated.advance();
    await sampler.sampleByHand(simulated.clock() + 60_000);
  }
  const before = cpuMs();
  const answeredBefore = simulated.answered();
  let odd = 0;
  for (let t = 0; t < ticks; t++) {
    simulated.advance();
    odd = (await sampler.sampleByHand(simulated.clock() + 60_000)).total.odd;
  }
  const cpu = cpuMs() - before;
  await sampler.stop();
  return { cpuPerSample: cpu / (simulated.answered() - answeredBefore), odd };
}

const off: number[] = [];
const on: number[] = [];
let odd = 0;
await round_(true); // JIT warm-up of both paths
await round_(false);
for (let r = 1; r <= Number(values.runs); r++) {
  off.push((await round_(false)).cpuPerSample);
  const measured = await round_(true);
  on.push(measured.cpuPerSample);
  odd = measured.odd;
  if (!values.json) process.stderr.write(`  run ${r}: off ${off.at(-1)!.toFixed(4)} ms/sample, on ${on.at(-1)!.toFixed(4)} ms/sample\n`);
}

// The comparison of one view by itself, on the rows of a full snapshot.
const simulated = fleet();
const sampler = new Sampler(plans(), simulated.prober, { parallel: 10_000, timeoutMs: 10_000, intervalMs: 1000, trend: DEFAULT_TREND, peers: () => null, now: simulated.clock });
for (let t = 0; t < 5; t++) {
  simulated.advance();
  await sampler.sampleByHand(simulated.clock() + 60_000);
}
const rows = sampler.snapshot(0).rows;
for (let i = 0; i < 20; i++) peerVerdicts(rows, () => DEFAULT_PEER_OPTIONS);
// CPU time, not wall time: on a shared machine the two differ by whatever else runs.
const started = cpuMs();
for (let i = 0; i < 50; i++) peerVerdicts(rows, () => DEFAULT_PEER_OPTIONS);
const stepMs = (cpuMs() - started) / 50;
await sampler.stop();

const without = median(off);
const withPeers = median(on);
const result = {
  hosts,
  groups,
  odd_logs: odd,
  cpu_ms_per_sample_without: round(without, 4),
  cpu_ms_per_sample_with: round(withPeers, 4),
  added_percent: round(((withPeers - without) / without) * 100, 1),
  comparison_ms_per_view: round(stepMs, 2),
  comparison_percent_of_a_view: round((stepMs / (without * hosts)) * 100, 1),
};
console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
