/**
 * The odd one out against real sshd: five hosts of a pool at 100 lines/s and
 * one at 20, one of them answering 10 % 5xx among peers at 0.1 %, and a group
 * of two. Counted in samples where a run counts samples (the sampler on its
 * own schedule, and `pvlook check`, which takes four), waited for as a
 * condition where pvlook runs on its own schedule (--watch --json, /metrics).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { DEFAULT_PEER_OPTIONS } from '../../src/core/peer-compare.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { FleetMetrics } from '../../src/export/fleet-metrics.js';
import { toJson, type JsonSnapshot } from '../../src/render/json.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { sshProber } from '../helpers/fleet.js';
import { Schedule } from '../helpers/schedule.js';
import { jsonLinesUntil } from '../helpers/json-lines.js';
import { startPeerPool, type PeerPool } from '../helpers/peer-pool.js';
import { spawnPvlook } from '../helpers/pvlook-command.js';
import { runCli } from '../helpers/run-cli.js';
import { until } from '../helpers/until.js';
import { freeLoopbackPort } from '../helpers/web-pvlook.js';

let pool: PeerPool;
before(async () => {
  pool = await startPeerPool();
});
after(async () => {
  await pool?.stop();
});

/** The slow host and the one answering errors, as every test here starts from. */
function oddTraffic(): void {
  for (const host of ['h1', 'h3', 'h4', 'h5', 'h7']) pool.set(host, 100);
  pool.set('h2', 100, 10);
  pool.set('h6', 20);
  pool.set('h8', 10);
}

type JsonHost = JsonSnapshot['hosts'][number];
const host = (snapshot: JsonSnapshot, name: string): JsonHost => snapshot.hosts.find((entry) => entry.host === name)!;
/** SIGTERM, and wait until it has exited: nothing of a test is left running. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The next samples of every host on the running schedule until `done`, whatever the machine's load: samples are counted, not seconds. */
async function samplesUntil(schedule: Schedule, done: (json: JsonSnapshot) => boolean, limit: number): Promise<{ taken: number; snapshot: Snapshot }> {
  for (let taken = 1; taken <= limit + 4; taken++) {
    const snapshot = await schedule.next();
    assert.equal(snapshot.total.ok, 8, `every host answers: ${JSON.stringify(snapshot.rows.map((row) => [row.host, row.status, row.error]))}`);
    if (done(toJson(snapshot))) return { taken, snapshot };
  }
  throw new Error(`not reached in ${limit + 4} samples`);
}

test('the slow host is odd within 4 samples in JSON and /metrics, the 5xx host odd by share, the pair never; back to 100 it stops within 4', async () => {
  oddTraffic();
  // Every host on its own 400 ms schedule, as a watch runs it; between waits the test does nothing that lets a sample go unseen.
  const schedule = new Schedule(new Sampler(pool.plans(), sshProber(pool.sshd), { parallel: 10, timeoutMs: 10_000, intervalMs: 400, trend: DEFAULT_TREND, peers: () => DEFAULT_PEER_OPTIONS, random: () => 0 })).run();
  const metrics = new FleetMetrics();
  try {
    const odd = await samplesUntil(schedule, (json) => host(json, 'h6').peer?.odd === true, 4);
    assert.ok(odd.taken <= 4, `odd after ${odd.taken} samples`);
    const json = toJson(odd.snapshot);
    const slow = host(json, 'h6').peer!;
    assert.equal(slow.side, 'low');
    assert.ok(slow.ratio !== null && slow.ratio > 0.1 && slow.ratio < 0.35, `ratio ${slow.ratio}`);
    assert.ok(slow.median !== null && slow.median > 70 && slow.median < 130, `median ${slow.median}`);
    assert.equal(slow.peers, 6);
    assert.match(slow.reason ?? '', /below 0\.5× its peers' median for 3 samples/);
    for (const name of ['h1', 'h3', 'h4', 'h5']) assert.equal(host(json, name).peer?.odd, false, `${name} is like its peers`);
    // The host answering 10 % 5xx: its rate is ordinary, its share is not. Its peers have almost none: no ratio, still odd.
    const failing = host(json, 'h2');
    assert.equal(failing.peer?.odd, false);
    assert.equal(failing.patterns?.errors?.peer?.odd, true);
    assert.equal(failing.patterns?.errors?.peer?.side, 'high');
    assert.equal(host(json, 'h1').patterns?.errors?.peer?.odd, false);
    assert.equal(json.total.odd, 2);
    // A group of two: never odd, and it says why.
    for (const name of ['h7', 'h8']) {
      const peer = host(json, name).peer!;
      assert.equal(peer.odd, false);
      assert.equal(peer.ratio, null);
      assert.equal(peer.reason, '2 logs of the group with a rate now; a comparison needs 3');
    }

    metrics.update(odd.snapshot);
    const text = await metrics.text();
    const ratio = Number(/^pvlook_log_peer_ratio\{host="h6",group="pool",log="access.log"\} (\S+)$/m.exec(text)?.[1]);
    assert.equal(ratio, odd.snapshot.rows.find((row) => row.host === 'h6')!.peer!.ratio, 'the same ratio as JSON, unrounded');
    assert.match(text, /^pvlook_log_peer_odd\{host="h6",group="pool",log="access.log"\} 1$/m);
    assert.match(text, /^pvlook_log_peer_odd\{host="h1",group="pool",log="access.log"\} 0$/m);
    assert.match(text, /^pvlook_log_pattern_peer_odd\{host="h2",group="pool",log="access.log",pattern="errors"\} 1$/m);
    assert.doesNotMatch(text, /^pvlook_log_peer_ratio\{host="h7"/m, 'no ratio for the pair: there is none that means something');
    assert.match(text, /^pvlook_log_peer_odd\{host="h7",group="pair",log="access.log"\} 0$/m);

    pool.set('h6', 100);
    const back = await samplesUntil(schedule, (snapshot) => host(snapshot, 'h6').peer?.odd === false, 4);
    assert.ok(back.taken <= 4, `still odd ${back.taken} samples after it came back`);
    metrics.update(back.snapshot);
    assert.match(await metrics.text(), /^pvlook_log_peer_odd\{host="h6",group="pool",log="access.log"\} 0$/m);
  } finally {
    await schedule.stop();
  }
});

test('pvlook check --peers: WARNING naming the slow host and its ratio, exit 1, in its four samples; CRITICAL below a chosen ratio', async () => {
  oddTraffic();
  const args = ['check', '--peers', '-n', '0.4', '-F', pool.sshd.sshConfig, '--config', pool.config];
  const warning = await runCli(args, { env: { HOME: pool.sshd.dir }, cwd: pool.sshd.dir });
  assert.equal(warning.code, 1, warning.stdout + warning.stderr);
  assert.match(warning.stdout, /^PVLOOK WARNING - 8 logs, /);
  assert.match(warning.stdout, /h6 \(pool\) WARNING: odd among peers: rate 0\.[1-3]\d*x its peers' median \([\d.]+\/s\)/);
  assert.match(warning.stdout, /h2 \(pool\) WARNING: odd among peers: errors \d+\.\d% of lines/);
  assert.doesNotMatch(warning.stdout, /h[13457] \(\w+\) WARNING/);

  const critical = await runCli([...args, '--peers-critical-below', '0.5', '--json'], { env: { HOME: pool.sshd.dir }, cwd: pool.sshd.dir });
  assert.equal(critical.code, 2, critical.stdout + critical.stderr);
  const result = JSON.parse(critical.stdout) as { state: string; hosts: { host: string; state: string; peer?: { odd: boolean; ratio: number | null } }[] };
  assert.equal(result.state, 'CRITICAL');
  const slow = result.hosts.find((entry) => entry.host === 'h6')!;
  assert.equal(slow.state, 'CRITICAL');
  assert.equal(slow.peer?.odd, true);
  assert.equal(result.hosts.find((entry) => entry.host === 'h2')!.state, 'WARNING', 'the 5xx host is odd, not below 0.5×');

  const without = await runCli(['check', '-n', '0.4', '-F', pool.sshd.sshConfig, '--config', pool.config], { env: { HOME: pool.sshd.dir }, cwd: pool.sshd.dir });
  assert.equal(without.code, 0, `without --peers a peer verdict is not a finding: ${without.stdout}`);
});

test('pvlook --watch --json: the stream carries each log\'s verdict and total.odd', async () => {
  oddTraffic();
  const child = spawnPvlook(['--watch', '--json', '-n', '0.4', '-F', pool.sshd.sshConfig, '--config', pool.config], { cwd: pool.sshd.dir, env: { PATH: process.env.PATH, HOME: pool.sshd.dir } });
  try {
    const lines = await jsonLinesUntil<JsonSnapshot>(child, (line) => host(line, 'h6').peer?.odd === true && host(line, 'h2').patterns?.errors?.peer?.odd === true);
    const last = lines.at(-1)!;
    assert.equal(last.total.odd, 2);
    assert.deepEqual(last.hosts.filter((entry) => entry.peer?.odd).map((entry) => entry.host), ['h6']);
    assert.match(host(last, 'h8').peer?.reason ?? '', /needs 3/);
  } finally {
    await stop(child);
  }
});

test('/metrics over HTTP while pvlook watches: pvlook_log_peer_ratio and pvlook_log_peer_odd, valid for promtool', async () => {
  oddTraffic();
  const port = await freeLoopbackPort();
  const child = spawnPvlook(['--listen', `127.0.0.1:${port}`, '-n', '0.4', '-F', pool.sshd.sshConfig, '--config', pool.config], { cwd: pool.sshd.dir, env: { PATH: process.env.PATH, HOME: pool.sshd.dir } });
  let text = '';
  try {
    const scrape = async () => {
      try {
        text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      } catch {
        text = '';
      }
    };
    let scraping = false;
    await until(() => {
      if (!scraping) {
        scraping = true;
        void scrape().finally(() => (scraping = false));
      }
      return /^pvlook_log_peer_odd\{host="h6",group="pool",log="access.log"\} 1$/m.test(text);
    }, 60_000);
    const ratio = Number(/^pvlook_log_peer_ratio\{host="h6",group="pool",log="access.log"\} (\S+)$/m.exec(text)?.[1]);
    assert.ok(ratio > 0.1 && ratio < 0.35, `ratio ${ratio}`);
    assert.match(text, /^# TYPE pvlook_log_peer_ratio gauge$/m);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text });
    if (check.error) throw new Error(`promtool is needed for this test (Debian: apt-get install prometheus): ${check.error.message}`);
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  } finally {
    await stop(child);
  }
});
