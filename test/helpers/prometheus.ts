/**
 * A real Prometheus (Debian's prometheus package) on loopback with a
 * temporary data folder, and its HTTP API: instant queries, rules, alerts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from './web-pvlook.js';
import { eventually } from './eventually.js';

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

export interface PromRule {
  name: string;
  type: 'recording' | 'alerting';
  query: string;
  health: string;
  lastError?: string;
}

export interface Prometheus {
  url: string;
  /** an instant query's vector (a scalar comes back as one sample without labels) */
  query(expr: string): Promise<PromSample[]>;
  rules(): Promise<PromRule[]>;
  alerts(): Promise<PromAlert[]>;
  log(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(configFile: string): Promise<Prometheus> {
  const data = await mkdtemp(path.join(os.tmpdir(), 'pvlook-prometheus-'));
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn('prometheus', [`--config.file=${configFile}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`prometheus is needed for this test (Debian: apt-get install prometheus): ${error.message}`)));
  });
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await spawned;
  const api = async <T>(route: string): Promise<T> => {
    const response = await fetch(`${url}/api/v1/${route}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${route}: ${body.error ?? response.status}`);
    return body.data;
  };
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${log}`);
      return (await fetch(`${url}/-/ready`)).ok;
    },
    (ok) => ok,
    { what: 'Prometheus ready' },
  );
  return {
    url,
    query: async (expr) => {
      const data = await api<{ resultType: string; result: unknown }>(`query?query=${encodeURIComponent(expr)}`);
      if (data.resultType === 'scalar') return [{ metric: {}, value: Number((data.result as [number, string])[1]) }];
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
    },
    rules: async () => (await api<{ groups: { rules: PromRule[] }[] }>('rules')).groups.flatMap((group) => group.rules),
    alerts: async () => (await api<{ alerts: PromAlert[] }>('alerts')).alerts,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(data, { recursive: true, force: true });
    },
  };
}
