/**
 * The demo's simulated fleet: a few web and API servers with different
 * traffic shapes, so the live view has something to show with zero setup.
 */
import type { HostPlan } from '../config/config.js';
import { parseHostSpec } from '../core/host-spec.js';
import type { SimulatedHost } from './fleet-server.js';
import { SimulatedLog, type LogBehaviour } from './simulated-log.js';

const NGINX_LOG = '/var/log/nginx/access.log';
const API_LOG = '/srv/api/logs/access.log';

/** Smooth wobble in [-1, 1] so rates look alive without randomness. */
const wobble = (t: number, seed: number) => Math.sin(t * 0.7 + seed) * 0.6 + Math.sin(t * 2.3 + seed * 3) * 0.4;

interface DemoHost {
  name: string;
  logs: { group: string; log: string; behaviour: LogBehaviour }[];
}

const FLEET: DemoHost[] = [
  { name: 'web01', logs: [{ group: 'nginx', log: NGINX_LOG, behaviour: { rate: (t) => 120 + 12 * wobble(t, 1) } }] },
  {
    name: 'web02',
    logs: [
      { group: 'nginx', log: NGINX_LOG, behaviour: { rate: (t) => 100 + 60 * Math.sin(t / 8) } },
      { group: 'api', log: API_LOG, behaviour: { rate: (t) => 25 + 5 * wobble(t, 2) } },
    ],
  },
  { name: 'web03', logs: [{ group: 'nginx', log: NGINX_LOG, behaviour: { rate: () => 0 } }] },
  { name: 'web04', logs: [{ group: 'nginx', log: NGINX_LOG, behaviour: { rate: (t) => (t % 15 < 4 ? 450 : 60) + 8 * wobble(t, 4) } }] },
  { name: 'web05', logs: [{ group: 'nginx', log: NGINX_LOG, behaviour: { rate: (t) => 80 + 10 * wobble(t, 5), rotateEverySeconds: 12 } }] },
  { name: 'api01', logs: [{ group: 'api', log: API_LOG, behaviour: { rate: (t) => 300 + 30 * wobble(t, 6) } }] },
  { name: 'api02', logs: [{ group: 'api', log: API_LOG, behaviour: { rate: (t) => 280 - 200 * Math.max(0, Math.sin(t / 10)) } }] },
];

/** A host whose SSH port is closed, to show what a failure looks like. */
export const DEMO_DOWN_HOST = 'web06';

export function demoSimulation(): Map<string, SimulatedHost> {
  return new Map(FLEET.map((host) => [host.name, { logs: new Map(host.logs.map((log) => [log.log, new SimulatedLog(log.behaviour)])) }]));
}

export function demoPlans(): HostPlan[] {
  const plans = FLEET.map((host) => ({ spec: parseHostSpec(host.name), watches: host.logs.map(({ group, log }) => ({ group, log })) }));
  plans.push({ spec: parseHostSpec(DEMO_DOWN_HOST), watches: [{ group: 'nginx', log: NGINX_LOG }] });
  return plans;
}
