/**
 * The scale-out story end to end: three pvlook shards (--shard i/3, and the
 * StatefulSet's ordinal forms) over 33 real-sshd hosts, each on its own
 * loopback address, scraped by a real Prometheus running deploy/'s scrape
 * config and rules. Each host is in exactly one shard; the fleet total in
 * Prometheus matches the shards; every recording rule and dashboard query
 * answers with the labels it promises; a host whose sshd stops raises
 * PvlookHostDown and clears it when it comes back; a stopped shard raises
 * PvlookShardDown.
 *
 * Only the intervals are changed from deploy/: scrapes and evaluations every
 * second, and the alerts' `for` durations shortened (their real values are
 * tested by promtool in prometheus-rules.integration.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { inShard } from '../../src/core/shard.js';
import { eventually } from '../helpers/eventually.js';
import { joinedSshConfig } from '../helpers/joined-ssh-config.js';
import { startPrometheus, type Prometheus, type PromSample } from '../helpers/prometheus.js';
import { repoRoot } from '../helpers/pvlook-command.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { startPvlook, type RunningPvlook } from '../helpers/web-pvlook.js';
import { makeLog } from '../helpers/fleet.js';
import { parseExposition, type ExposedSample } from '../helpers/exposition.js';
import { dashboardQueries } from '../helpers/dashboard.js';

const deploy = path.join(repoRoot, 'deploy');
const WEB_RATE = 100;
const API_RATE = 50;
/** one line in ten is a 5xx, for the error share */
const ERROR_EVERY = 10;
const webHosts = Array.from({ length: 20 }, (_, i) => `web${String(i + 1).padStart(2, '0')}`);
const apiHosts = Array.from({ length: 13 }, (_, i) => `api${String(i + 1).padStart(2, '0')}`);
const fleet = [...webHosts, ...apiHosts];
/** the host on a server of its own, stopped and started alone */
const lonely = 'api13';

/** OpenSSH's sshd listens on at most 16 addresses: two servers hold the 32 others */
const fleetSshds: Sshd[] = [];
let lonelySshd: Sshd;
let dir: string;
let prometheus: Prometheus | undefined;
const shards: RunningPvlook[] = [];
/** host:port of each shard's /metrics, in shard order */
const targets: string[] = [];
/** what the shards require on /metrics, as deployed */
const TOKEN = 'scale-out-test-token-0123456789';
const writers: NodeJS.Timeout[] = [];

/** Appends lines at exactly `perSecond` on average by the wall clock, whatever the timer's jitter. */
function steadyWriter(file: string, perSecond: number): NodeJS.Timeout {
  const start = Date.now();
  let written = 0;
  return setInterval(() => {
    const due = Math.floor(((Date.now() - start) / 1000) * perSecond);
    let text = '';
    for (let k = written; k < due; k++) text += k % ERROR_EVERY === 0 ? 'GET /x HTTP/1.1" 503 0\n' : 'GET /x HTTP/1.1" 200 512\n';
    if (text !== '') appendFileSync(file, text);
    written = due;
  }, 20);
}

/** The shard deploy/'s example gives a host: the same hash pvlook uses. */
const shardOf = (host: string) => [1, 2, 3].find((index) => inShard(host, { index, count: 3 })) as number;

before(async () => {
  // 33 consecutive loopback addresses, one per host.
  const first = 2 + Math.floor(Math.random() * 200);
  fleetSshds.push(await startSshd({ hostCount: 16, firstAddress: first }), await startSshd({ hostCount: 16, firstAddress: first + 16 }));
  lonelySshd = await startSshd({ hostCount: 1, firstAddress: first + 32 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-scale-out-'));
  // Every server is this machine: one log per group serves all its hosts.
  const webLog = makeLog(fleetSshds[0]!, 'web.log');
  const apiLog = makeLog(fleetSshds[0]!, 'api.log');
  writers.push(steadyWriter(webLog, WEB_RATE), steadyWriter(apiLog, API_RATE));
  const sshConfig = joinedSshConfig(dir, 'fleet', [
    ...fleet.filter((host) => host !== lonely).map((host, i) => [host, fleetSshds[Math.floor(i / 16)]!, i % 16] as [string, Sshd, number]),
    [lonely, lonelySshd, 0],
  ]);
  const config = path.join(dir, 'pvlook.yaml');
  const errors = '" 5[0-9][0-9] ';
  writeFileSync(
    config,
    YAML.stringify({
      interval: 1,
      sshConfig,
      groups: {
        web: { log: webLog, patterns: { errors }, hosts: webHosts },
        api: { log: apiLog, patterns: { errors }, hosts: apiHosts },
      },
    }),
  );
  // Shard 1 as systemd's pvlook@1 says it, 2 and 3 as StatefulSet pods do (ordinal, or the pod's name).
  const ways: { args: string[]; env: Record<string, string> }[] = [
    { args: ['--shard', '1/3'], env: {} },
    { args: [], env: { PVLOOK_SHARD_ORDINAL: '1', PVLOOK_SHARD_COUNT: '3' } },
    { args: [], env: { PVLOOK_SHARD_ORDINAL: 'pvlook-2', PVLOOK_SHARD_COUNT: '3' } },
  ];
  for (const way of ways) {
    const shard = await startPvlook(['--config', config, '--listen', '127.0.0.1:0', ...way.args], {
      cwd: dir,
      env: { HOME: dir, PVLOOK_WEB_TOKEN: TOKEN, ...way.env },
      ready: /serving Prometheus metrics at (\S+)/,
    });
    shards.push(shard);
    targets.push(new URL(shard.url).host);
  }

  // deploy/'s Prometheus config, pointed at these shards, with 1 s intervals.
  const example = YAML.parse(readFileSync(path.join(deploy, 'prometheus/prometheus.yml'), 'utf8')) as PromConfig;
  example.global = { ...example.global, scrape_interval: '1s', evaluation_interval: '1s' };
  const job = example.scrape_configs.find((c) => c.job_name === 'pvlook');
  assert.ok(job, 'the example scrapes a job named pvlook');
  job.scrape_timeout = '1s';
  assert.deepEqual(
    job.static_configs.map((c) => c.labels?.shard),
    ['1/3', '2/3', '3/3'],
    'one target per shard, labelled with its shard',
  );
  job.static_configs.forEach((c, i) => (c.targets = [targets[i]!]));
  // The example sends the token pvlook requires, from a file: the test's own.
  assert.ok(job.authorization?.credentials_file, 'the example scrapes with the token');
  writeFileSync(path.join(dir, 'pvlook.token'), `${TOKEN}\n`, { mode: 0o600 });
  job.authorization = { credentials_file: path.join(dir, 'pvlook.token') };
  const rules = YAML.parse(readFileSync(path.join(deploy, 'prometheus/pvlook-rules.yml'), 'utf8')) as RuleFile;
  for (const rule of rules.groups.flatMap((group) => group.rules)) if (rule.alert !== undefined) rule.for = '3s';
  writeFileSync(path.join(dir, 'pvlook-rules.yml'), YAML.stringify(rules));
  example.rule_files = [path.join(dir, 'pvlook-rules.yml')];
  writeFileSync(path.join(dir, 'prometheus.yml'), YAML.stringify(example));
  prometheus = await startPrometheus(path.join(dir, 'prometheus.yml'));
});

after(async () => {
  writers.forEach(clearInterval);
  await Promise.all(shards.map((shard) => shard.stop()));
  await prometheus?.stop();
  for (const sshd of fleetSshds) await sshd.stop();
  await lonelySshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface PromConfig {
  global?: Record<string, string>;
  rule_files: string[];
  scrape_configs: { job_name: string; scrape_timeout?: string; authorization?: { credentials_file?: string }; static_configs: { targets: string[]; labels?: Record<string, string> }[] }[];
}
interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string; for?: string }[] }[];
}

async function scrape(target: string): Promise<ExposedSample[]> {
  return parseExposition(await (await fetch(`http://${target}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text());
}

const hostsOf = (samples: readonly PromSample[]) => samples.map((s) => s.metric.host ?? '').sort();

test('three shards cover the fleet exactly once, in Prometheus and at each shard', async () => {
  const prom = prometheus!;
  // Every host answering, as Prometheus sees it.
  await eventually(() => prom.query('pvlook_host_up == 1'), (up) => up.length === fleet.length, { patienceMs: 120_000, what: 'every host up in Prometheus' });

  const up = await prom.query('pvlook_host_up');
  assert.deepEqual(hostsOf(up), [...fleet].sort(), 'every host has one series, none twice');
  for (const sample of up) {
    const expected = shardOf(sample.metric.host!);
    assert.equal(sample.metric.shard, `${expected}/3`, `${sample.metric.host} is in its own shard`);
    assert.equal(sample.metric.instance, targets[expected - 1]);
  }
  const lines = await prom.query('count by (host) (count by (host, instance) (pvlook_log_lines_total))');
  assert.deepEqual(hostsOf(lines), [...fleet].sort());
  assert.ok(lines.every((s) => s.value === 1), 'each host\'s lines come from one shard only');

  // What each shard itself serves: disjoint parts, together the fleet, none empty.
  const parts = await Promise.all(targets.map(async (target) => [...new Set((await scrape(target)).filter((s) => s.name === 'pvlook_host_up').map((s) => s.labels.host!))]));
  assert.deepEqual(parts.flat().sort(), [...fleet].sort());
  parts.forEach((part, i) => {
    assert.ok(part.length > 0, `shard ${i + 1} has hosts`);
    assert.ok(part.every((host) => shardOf(host) === i + 1));
  });
});

/** What the shards themselves serve, summed: their line counters, their rates, and how many rates. */
async function shardTotals(): Promise<{ at: number; lines: number; rates: number; rows: number }> {
  const samples = (await Promise.all(targets.map(scrape))).flat();
  const sum = (name: string) => samples.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0);
  return { at: Date.now(), lines: sum('pvlook_log_lines_total'), rates: sum('pvlook_log_lines_per_second'), rows: samples.filter((s) => s.name === 'pvlook_log_lines_per_second').length };
}

test('the fleet total in Prometheus equals the sum of what the shards report, within 2 %', async (t) => {
  const prom = prometheus!;
  const truth = webHosts.length * WEB_RATE + apiHosts.length * API_RATE;
  const start = await shardTotals();
  // rate()'s window must be full before it reads the whole minute: until
  // then it averages a younger series over the whole window. At one scrape
  // a second, a full minute holds about 60 samples of every series (fewer
  // if a scrape of a busy shard timed out).
  await eventually(
    () => prom.query('min(count_over_time(pvlook_log_lines_total[1m]))'),
    (count) => (count[0]?.value ?? 0) >= 50,
    { patienceMs: 240_000, everyMs: 1000, what: 'a minute of samples of every series' },
  );
  // Like with like: Prometheus's rate of the counters against the shards' own
  // counters, read straight from them over about the same minute.
  const seen = await eventually(
    async () => {
      const [total] = await prom.query('fleet:pvlook_log_lines:rate1m');
      const now = await shardTotals();
      return { prometheus: total?.value ?? NaN, shards: (now.lines - start.lines) / ((now.at - start.at) / 1000), gauges: now.rates, rows: now.rows };
    },
    (seen) => Math.abs(seen.prometheus - seen.shards) <= 0.02 * seen.shards,
    { patienceMs: 120_000, everyMs: 1000, what: 'fleet:pvlook_log_lines:rate1m within 2 % of the sum of the shards' },
  );
  t.diagnostic(`fleet lines/s: Prometheus ${seen.prometheus.toFixed(1)}, shards' counters ${seen.shards.toFixed(1)}, shards' rates ${seen.gauges.toFixed(1)} (${seen.rows} logs), written ${truth}`);
  // All are also the truth, the writers' rates, known exactly, within 5 %.
  for (const [what, value] of Object.entries({ prometheus: seen.prometheus, counters: seen.shards })) {
    assert.ok(Math.abs(value - truth) <= 0.05 * truth, `${what} ${value} vs ${truth} lines/s written`);
  }
});

/** The labels each recording rule's series carry; every rule of deploy/ must be listed. */
const RECORDED: Record<string, string[]> = {
  'group:pvlook_log_lines:rate1m': ['group'],
  'group:pvlook_log_lines:rate5m': ['group'],
  'fleet:pvlook_log_lines:rate1m': [],
  'host:pvlook_log_lines:rate1m': ['group', 'host'],
  'group:pvlook_log_error_lines:ratio_rate5m': ['group'],
  'fleet:pvlook_hosts_down:count': [],
};

test('a stopped host raises PvlookHostDown; meanwhile every rule and dashboard query answers with its labels; back, it clears', async () => {
  const prom = prometheus!;
  await eventually(() => prom.query('pvlook_host_up == 1'), (up) => up.length === fleet.length, { patienceMs: 120_000, what: 'every host up' });
  lonelySshd.signal('SIGKILL');
  const firing = await eventually(
    () => prom.alerts(),
    (alerts) => alerts.some((a) => a.labels.alertname === 'PvlookHostDown' && a.labels.host === lonely && a.state === 'firing'),
    { patienceMs: 120_000, what: `PvlookHostDown firing for ${lonely}` },
  );
  const alert = firing.find((a) => a.labels.alertname === 'PvlookHostDown' && a.labels.host === lonely)!;
  assert.equal(alert.labels.severity, 'warning');
  assert.equal(alert.labels.instance, targets[shardOf(lonely) - 1]);
  assert.equal(alert.annotations.summary, `pvlook cannot sample ${lonely}`);

  // While it is down, every recording rule and every dashboard query has data.
  const rules = await prom.rules();
  const recorded = rules.filter((rule) => rule.type === 'recording');
  assert.deepEqual(recorded.map((rule) => rule.name).sort(), Object.keys(RECORDED).sort(), 'the test knows every recording rule');
  for (const rule of rules) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError ?? ''}`);
  for (const [name, labels] of Object.entries(RECORDED)) {
    const samples = await eventually(() => prom.query(name), (s) => s.length > 0, { what: `${name} has data` });
    for (const sample of samples) assert.deepEqual(Object.keys(sample.metric).sort(), ['__name__', ...labels].sort(), name);
  }
  assert.deepEqual((await prom.query('group:pvlook_log_lines:rate1m')).map((s) => s.metric.group).sort(), ['api', 'web']);
  // (A running host may be late for a moment on a loaded machine, and count as not answering: wait for the stopped one alone.)
  await eventually(() => prom.query('fleet:pvlook_hosts_down:count'), (count) => count[0]?.value === 1, { what: 'one host down' });
  for (const share of await prom.query('group:pvlook_log_error_lines:ratio_rate5m')) {
    assert.ok(Math.abs(share.value - 1 / ERROR_EVERY) < 0.02, `${share.metric.group}: error share ${share.value}`);
  }

  const dashboard = JSON.parse(readFileSync(path.join(deploy, 'grafana/pvlook-dashboard.json'), 'utf8')) as unknown;
  for (const query of dashboardQueries(dashboard)) {
    // The group variable at "All".
    const expr = query.expr.replaceAll('$group', '.*');
    const samples = await eventually(() => prom.query(expr), (s) => s.length > 0, { what: `${query.title}: ${expr} has data` });
    for (const label of query.legendLabels) {
      assert.ok(samples.every((s) => s.metric[label] !== undefined), `${query.title}: every series has the label ${label} its legend shows`);
    }
  }
  await eventually(() => prom.query('pvlook_host_up == 0'), (down) => hostsOf(down).join() === lonely, { what: 'the hosts-down table lists the stopped host' });

  await lonelySshd.restart();
  await eventually(
    async () => ({ alerts: await prom.alerts(), up: await prom.query(`pvlook_host_up{host="${lonely}"}`) }),
    ({ alerts, up }) => up[0]?.value === 1 && !alerts.some((a) => a.labels.alertname === 'PvlookHostDown' && a.labels.host === lonely),
    { patienceMs: 180_000, what: `PvlookHostDown resolved for ${lonely}` },
  );
});

test('a stopped shard raises PvlookShardDown', async () => {
  const prom = prometheus!;
  const stopped = shards[2]!;
  assert.equal(await stopped.stop(), 143, 'SIGTERM ends a shard with 128+15');
  const alerts = await eventually(
    () => prom.alerts(),
    (alerts) => alerts.some((a) => a.labels.alertname === 'PvlookShardDown' && a.labels.instance === targets[2] && a.state === 'firing'),
    { patienceMs: 120_000, what: 'PvlookShardDown firing' },
  );
  // (Only the stopped shard's alert is asserted: on a loaded machine a running shard may miss a 1-s scrape too.)
  const fired = alerts.filter((a) => a.labels.alertname === 'PvlookShardDown' && a.state === 'firing');
  assert.ok(
    fired.some((a) => a.labels.instance === targets[2] && a.labels.shard === '3/3' && a.labels.severity === 'critical'),
    JSON.stringify(fired),
  );
});
