/**
 * The demo's simulated fleet: by default a few web and API servers with
 * different traffic shapes (one idle, one spiking, one rotating its log, one
 * down) and a pool of five shop servers where one host at a time is the odd
 * one out, so the live view has something to show with zero setup; or a
 * generated fleet of any size, to see how pvlook lays out hundreds of hosts.
 */
import type { HostPlan, Pattern } from '../config/config.js';
import { parseHostSpec } from '../core/host-spec.js';
import type { SimulatedHost } from './simulated-shell.js';
import { SimulatedLog, type LogBehaviour } from './simulated-log.js';

const NGINX_LOG = '/var/log/nginx/access.log';
const API_LOG = '/srv/api/logs/access.log';
const CDN_LOG = '/var/log/cdn/edge.log';
const SHOP_LOG = '/srv/shop/logs/access.log';
/** The web servers' logs also count server errors, as a real config would (README: counting errors). */
const SERVER_ERRORS: Pattern = { name: '5xx', regex: '" 5[0-9][0-9] ' };

/** Smooth wobble in [-1, 1] so rates look alive without randomness. */
const wobble = (t: number, seed: number) => Math.sin(t * 0.7 + seed) * 0.6 + Math.sin(t * 2.3 + seed * 3) * 0.4;
/** About one request in a hundred fails, give or take. */
const usualErrors = (seed: number) => (t: number) => 0.01 + 0.004 * wobble(t, seed);

interface DemoHost {
  name: string;
  /** no SSH server answers for this host: it shows what a failure looks like */
  down?: boolean;
  logs: { group: string; log: string; behaviour: LogBehaviour }[];
}

export interface DemoFleet {
  plans: HostPlan[];
  simulation: Map<string, SimulatedHost>;
  /** hosts whose SSH port is closed */
  down: Set<string>;
}

const SMALL_FLEET: DemoHost[] = [
  { name: 'web01', logs: [{ group: 'nginx', log: NGINX_LOG, behaviour: { rate: (t) => 120 + 12 * wobble(t, 1) } }] },
  {
    name: 'web02',
    logs: [
      { group: 'nginx', log: NGINX_LOG, behaviour: { rate: (t) => 100 + 60 * Math.sin(t / 8) } },
      { group: 'api', log: API_LOG, behaviour: { rate: (t) => 25 + 5 * wobble(t, 2) } },
    ],
  },
  { name: 'web03', logs: [{ group: 'nginx', log: NGINX_LOG, behaviour: { rate: () => 0 } }] },
  {
    name: 'web04',
    // A burst every 15 s, and a dead upstream during each: a quarter of the burst fails.
    logs: [{ group: 'nginx', log: NGINX_LOG, behaviour: { rate: (t) => (t % 15 < 4 ? 450 : 60) + 8 * wobble(t, 4), shares: { [SERVER_ERRORS.regex]: (t) => (t % 15 < 4 ? 0.25 : 0.01) } } }],
  },
  { name: 'web05', logs: [{ group: 'nginx', log: NGINX_LOG, behaviour: { rate: (t) => 80 + 10 * wobble(t, 5), rotateEverySeconds: 12 } }] },
  { name: 'web06', down: true, logs: [{ group: 'nginx', log: NGINX_LOG, behaviour: { rate: () => 0 } }] },
  { name: 'api01', logs: [{ group: 'api', log: API_LOG, behaviour: { rate: (t) => 300 + 30 * wobble(t, 6) } }] },
  { name: 'api02', logs: [{ group: 'api', log: API_LOG, behaviour: { rate: (t) => 280 - 200 * Math.max(0, Math.sin(t / 10)) } }] },
];

/**
 * A load-balanced pool of five, where the odd one out shows: shop03 drops to
 * a fifth of its peers' rate for 20 s of every minute (out of the balancer),
 * and shop05 answers 8 % 5xx for 20 s of every minute while its peers answer
 * about 0.5 %.
 */
const SHOP_POOL: DemoHost[] = ['shop01', 'shop02', 'shop03', 'shop04', 'shop05'].map((name, i) => {
  const rate = (t: number) => 200 + 15 * wobble(t, 10 + i);
  const behaviour: LogBehaviour =
    name === 'shop03'
      ? { rate: (t) => (t % 60 >= 35 && t % 60 < 55 ? rate(t) / 5 : rate(t)) }
      : name === 'shop05'
        ? { rate, shares: { [SERVER_ERRORS.regex]: (t) => (t % 60 >= 10 && t % 60 < 30 ? 0.08 : 0.005) } }
        : { rate, shares: { [SERVER_ERRORS.regex]: (t) => 0.005 + 0.002 * wobble(t, i) } };
  return { name, logs: [{ group: 'shop', log: SHOP_LOG, behaviour }] };
});

/**
 * `size` hosts in three groups, each a pool of similar hosts, with a few idle,
 * spiking, rotating and down ones mixed in, and some that drop to a fifth of
 * their peers for 20 s of every minute.
 */
function generatedFleet(size: number): DemoHost[] {
  const width = String(size).length;
  return Array.from({ length: size }, (_, i) => {
    const kind = i % 10 < 6 ? 'web' : i % 10 < 9 ? 'api' : 'cdn';
    const name = `${kind}${String(i + 1).padStart(Math.max(3, width), '0')}`;
    // Hosts of one pool take about the same traffic, as behind one balancer.
    const base = (kind === 'web' ? 150 : kind === 'api' ? 80 : 300) * (0.85 + ((i * 37) % 31) / 100);
    const usual = (t: number) => base * (1 + 0.15 * Math.sin(t / (6 + (i % 9)) + i)) + 5 * wobble(t, i);
    const behaviour: LogBehaviour =
      i % 53 === 7
        ? { rate: () => 0 }
        : i % 41 === 3
          ? { rate: (t) => (t % 20 < 5 ? base * 4 : base) }
          : i % 47 === 20
            ? { rate: (t) => (t % 60 >= 20 && t % 60 < 40 ? usual(t) / 5 : usual(t)) }
            : { rate: usual };
    if (i % 29 === 11) behaviour.rotateEverySeconds = 15;
    if (kind === 'web' && i % 31 === 5) behaviour.shares = { [SERVER_ERRORS.regex]: (t) => 0.12 + 0.05 * wobble(t, i) };
    const group = kind === 'web' ? 'nginx' : kind;
    const log = kind === 'web' ? NGINX_LOG : kind === 'api' ? API_LOG : CDN_LOG;
    return { name, down: i % 97 === 13, logs: [{ group, log, behaviour }] };
  });
}

export function demoFleet(size?: number): DemoFleet {
  const hosts = size === undefined ? [...SMALL_FLEET, ...SHOP_POOL] : generatedFleet(size);
  const counted = (group: string) => group === 'nginx' || group === 'shop';
  const patternsOf = (group: string) => (counted(group) ? [SERVER_ERRORS] : []);
  const simulated = (behaviour: LogBehaviour, group: string, seed: number) =>
    new SimulatedLog(counted(group) && !behaviour.shares ? { ...behaviour, shares: { [SERVER_ERRORS.regex]: usualErrors(seed) } } : behaviour);
  return {
    plans: hosts.map((host) => ({ spec: parseHostSpec(host.name), session: 'shell' as const, watches: host.logs.map(({ group, log }) => ({ group, log, patterns: patternsOf(group) })) })),
    simulation: new Map(
      hosts
        .map((host, seed) => [host, seed] as const)
        .filter(([host]) => !host.down)
        .map(([host, seed]) => [host.name, { logs: new Map(host.logs.map((log) => [log.log, simulated(log.behaviour, log.group, seed)])) }]),
    ),
    down: new Set(hosts.filter((host) => host.down).map((host) => host.name)),
  };
}
