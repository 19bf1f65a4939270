/**
 * deploy/kubernetes: every object is valid against the Kubernetes (and
 * Prometheus Operator) JSON schemas shipped in npm packages, offline, with no
 * unknown field; the objects fit together (names, ports, mounts, replicas);
 * and the pods, given what the downward API gives them, take disjoint shards
 * that cover the example fleet, through pvlook's own resolver.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import { parseCommandLine, type CliArgs } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { repoRoot } from '../helpers/pvlook-command.js';
import { unknownFields } from '../helpers/strict-schema.js';

const folder = path.join(repoRoot, 'deploy/kubernetes');

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

function documents(file: string): KubeObject[] {
  return YAML.parseAllDocuments(readFileSync(path.join(folder, file), 'utf8'))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((doc): doc is KubeObject => doc !== null);
}

const models: Record<string, { new (data: never): { validate(): void } }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/StatefulSet': StatefulSet,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

const objects = [...documents('pvlook.yaml'), ...documents('podmonitor.yaml')];
const byKind = <T>(kind: string, name?: string) => objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name)) as unknown as T;

test('every object is valid against its schema, with no unknown field', () => {
  assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', 'PodMonitor', 'Secret', 'Secret', 'Service', 'StatefulSet']);
  for (const object of objects) {
    const Model = models[`${object.apiVersion}/${object.kind}`];
    assert.ok(Model, `a schema for ${object.apiVersion} ${object.kind}`);
    const model = new Model(object as never);
    assert.doesNotThrow(() => model.validate(), `${object.kind} ${object.metadata.name}`);
    assert.deepEqual(unknownFields(model), [], `${object.kind} ${object.metadata.name}: fields the schema does not know`);
  }
});

test('the schema check catches what it should: a wrong type, a missing field, a misspelt key', () => {
  const good = byKind<KubeObject>('StatefulSet');
  const broken = (edit: (copy: { spec: Record<string, unknown> }) => void) => {
    const copy = structuredClone(good) as unknown as { spec: Record<string, unknown> };
    edit(copy);
    return new StatefulSet(copy as never);
  };
  assert.throws(() => broken((s) => (s.spec.replicas = '3')).validate(), /replicas must be integer/);
  assert.throws(() => broken((s) => delete s.spec.selector).validate(), /selector/);
  assert.deepEqual(
    unknownFields(broken((s) => Object.assign((s.spec.template as { spec: IPodSpec }).spec.containers[0]!, { imagePullPolicyy: 'Always' }))),
    ['spec.template.spec.containers.0.imagePullPolicyy'],
  );
});

const statefulSet = byKind<{ metadata: { name: string }; spec: { replicas: number; serviceName: string; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: IPodSpec } } }>(
  'StatefulSet',
);
const pod = statefulSet.spec.template;
const container = pod.spec.containers[0] as IContainer;
const envOf = (name: string) => container.env?.find((e) => e.name === name);

test('the objects fit together: Service, selectors, ports, probes, scrape settings, volumes', () => {
  const service = byKind<{ metadata: { name: string }; spec: { clusterIP: string; selector: Record<string, string>; ports: { name: string; targetPort: string }[] } }>('Service');
  assert.equal(service.spec.clusterIP, 'None', 'headless');
  assert.equal(statefulSet.spec.serviceName, service.metadata.name);
  for (const selector of [service.spec.selector, statefulSet.spec.selector.matchLabels]) {
    for (const [key, value] of Object.entries(selector)) assert.equal(pod.metadata.labels[key], value, `the pods carry ${key}`);
  }
  const metrics = container.ports?.find((p) => p.name === 'metrics');
  assert.ok(metrics);
  assert.equal(service.spec.ports[0]?.targetPort, 'metrics');
  assert.equal(envOf('PVLOOK_LISTEN')?.value, `0.0.0.0:${metrics.containerPort}`, 'pvlook listens on the port the pod declares');
  assert.equal(pod.metadata.annotations['prometheus.io/port'], String(metrics.containerPort));
  assert.equal(pod.metadata.annotations['prometheus.io/path'], '/metrics');
  // /metrics beyond loopback wants the token: the probes knock on the port, and Prometheus sends the token from the same Secret.
  for (const probe of [container.readinessProbe, container.livenessProbe]) assert.equal(probe?.tcpSocket?.port, 'metrics');
  const podMonitor = byKind<{ spec: { jobLabel: string; selector: { matchLabels: Record<string, string> }; podMetricsEndpoints: { port: string; path: string; authorization?: { type: string; credentials: { name: string; key: string } } }[] } }>('PodMonitor');
  assert.equal(podMonitor.spec.podMetricsEndpoints[0]?.port, 'metrics');
  const tokenRef = envOf('PVLOOK_WEB_TOKEN')?.valueFrom?.secretKeyRef;
  assert.ok(tokenRef, 'pvlook gets its token from a Secret');
  assert.deepEqual(podMonitor.spec.podMetricsEndpoints[0]?.authorization, { type: 'Bearer', credentials: { name: tokenRef.name, key: tokenRef.key } });
  assert.ok(byKind<{ stringData: Record<string, string> }>('Secret', tokenRef.name).stringData[tokenRef.key], 'the token Secret is defined here');
  assert.equal(pod.metadata.labels[podMonitor.spec.jobLabel], 'pvlook', 'the job label is "pvlook", as PvlookShardDown expects');
  for (const [key, value] of Object.entries(podMonitor.spec.selector.matchLabels)) assert.equal(pod.metadata.labels[key], value);

  // Volumes name the ConfigMap and Secret defined here; the config and ssh_config point into the mounts.
  const configMap = byKind<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap');
  const secret = byKind<{ metadata: { name: string }; stringData: Record<string, string> }>('Secret', 'pvlook-ssh');
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  assert.equal(volumes.get('config')?.configMap?.name, configMap.metadata.name);
  assert.equal(volumes.get('ssh')?.secret?.secretName, secret.metadata.name);
  const mount = (name: string) => container.volumeMounts?.find((m) => m.name === name)?.mountPath;
  assert.deepEqual(container.args, ['--config', `${mount('config')}/pvlook.yaml`]);
  assert.ok(configMap.data['pvlook.yaml']?.includes(`sshConfig: ${mount('config')}/ssh_config`));
  const ssh = sshSettings(configMap.data.ssh_config!);
  assert.equal(ssh.get('identityfile'), `${mount('ssh')}/id_ed25519`);
  assert.equal(ssh.get('userknownhostsfile'), `${mount('ssh')}/known_hosts`);
  assert.equal(ssh.get('stricthostkeychecking'), 'true');
  assert.deepEqual(Object.keys(secret.stringData).sort(), ['id_ed25519', 'known_hosts']);
  assert.equal(envOf('HOME')?.value, mount('home'), 'a writable home on a read-only root');
  assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
  assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
});

/** The ConfigMap's ssh_config as OpenSSH reads it. */
function sshSettings(text: string): Map<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-k8s-ssh-'));
  try {
    writeFileSync(path.join(dir, 'ssh_config'), text);
    const result = spawnSync('ssh', ['-G', '-F', path.join(dir, 'ssh_config'), 'web001'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return new Map(result.stdout.split('\n').map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A pod's environment as the kubelet gives it, for the pod with this index. */
function podEnvironment(index: number, fieldPathValue: (fieldPath: string) => string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.fieldRef) env[variable.name] = fieldPathValue(variable.valueFrom.fieldRef.fieldPath);
    // A Secret's value, as kubectl create secret would fill it in.
    else if (variable.valueFrom?.secretKeyRef) env[variable.name] = 'a-token-from-the-secret-0123456789';
    else assert.fail(`${variable.name}: a source this test does not model`);
  }
  assert.ok(index >= 0);
  return env;
}

test('each pod takes its shard from its index, with no shell: the pods cover the fleet exactly once', async () => {
  assert.equal(container.command, undefined, "the image's own entry point, no shell wrapper");
  assert.ok(!(container.args ?? []).some((arg) => /\bsh\b|\$\(/.test(arg)), 'no shell, no variable expansion');
  assert.equal(envOf('PVLOOK_SHARD_ORDINAL')?.valueFrom?.fieldRef?.fieldPath, "metadata.labels['apps.kubernetes.io/pod-index']");
  assert.equal(Number(envOf('PVLOOK_SHARD_COUNT')?.value), statefulSet.spec.replicas, 'the shard count is the number of replicas');

  const configMap = byKind<{ data: Record<string, string> }>('ConfigMap');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-k8s-'));
  try {
    writeFileSync(path.join(dir, 'pvlook.yaml'), configMap.data['pvlook.yaml']!);
    const argv = (container.args ?? []).map((arg) => arg.replace('/etc/pvlook/', `${dir}/`));
    const parsed = parseCommandLine(argv, '0.0.0');
    assert.equal(parsed.kind, 'run');
    const args = (parsed as { args: CliArgs }).args;
    // The pod-index label, and (older clusters) the pod's name: the same shards.
    for (const source of ['label', 'name'] as const) {
      const parts: string[][] = [];
      for (let k = 0; k < statefulSet.spec.replicas; k++) {
        const env = podEnvironment(k, (fieldPath) => {
          if (source === 'name') return `${statefulSet.metadata.name}-${k}`;
          assert.equal(fieldPath, "metadata.labels['apps.kubernetes.io/pod-index']");
          return String(k);
        });
        const config = await resolveConfig(args, { env, cwd: dir, stdoutIsTTY: false });
        assert.equal(config.mode, 'watch');
        parts.push(config.hosts.map((host) => host.spec.label));
      }
      const all = parts.flat();
      assert.equal(new Set(all).size, all.length, `${source}: no host in two pods`);
      assert.equal(all.length, 340, `${source}: web[001-300] and api[01-40]`);
      assert.ok(parts.every((part) => part.length > 0));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
