/**
 * Hourly log files named by a strftime template, evaluated on the host's own
 * clock: a real sshd whose `date` runs in a fake time that crosses an hour
 * boundary during the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { makeLog, plan, sampler, sshTransport } from '../helpers/fleet.js';
import { Schedule } from '../helpers/schedule.js';
import type { Snapshot } from '../../src/core/snapshot.js';

// The host's clock reaches 2030-01-01T00:00:00Z three seconds after pvlook first reads it,
// however long sshd and the connection took to start.
const BOUNDARY = Date.UTC(2030, 0, 1, 0, 0, 0) / 1000;
let sshd: Sshd;
let bin: string;
let writer: NodeJS.Timeout;
let before_: string;
let after_: string;

before(async () => {
  bin = mkdtempSync(path.join(os.tmpdir(), 'pvlook-fakedate-'));
  chmodSync(bin, 0o755);
  // The first call fixes the offset (in a directory the test user can write to); every call after it follows.
  const clock = path.join(bin, 'clock');
  mkdirSync(clock, { mode: 0o1777 });
  chmodSync(clock, 0o1777);
  writeFileSync(
    path.join(bin, 'date'),
    [
      '#!/bin/sh',
      `f=${clock}/offset`,
      `[ -s "$f" ] || awk -v b=${BOUNDARY} -v n="$(/bin/date +%s.%N)" 'BEGIN { printf "%.9f", b - n - 3 }' > "$f"`,
      `t=$(awk -v o="$(cat "$f")" -v n="$(/bin/date +%s.%N)" 'BEGIN { printf "%.9f", n + o }')`,
      'TZ=UTC exec /bin/date -d "@$t" "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  sshd = await startSshd({ hostCount: 1, extraConfig: ['Match all', `  ForceCommand PATH=${bin}:/usr/bin:/bin; export PATH; /bin/sh -c "$SSH_ORIGINAL_COMMAND"`] });
  before_ = makeLog(sshd, 'access.2029123123');
  after_ = makeLog(sshd, 'access.2030010100');
  // The last hour's file grows slowly, the new hour's fast: the rates tell which one was read. Both exist
  // from the start, so at the turn the new hour's file is not provably new: one baseline (hourly-turn.integration.test.ts
  // has the usual case, the new hour's file created at the turn, counted through).
  writer = setInterval(() => {
    appendFileSync(before_, 'x\n');
    appendFileSync(after_, 'y\n'.repeat(20));
  }, 10);
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
  rmSync(bin, { recursive: true, force: true });
});

test('a template follows the hour on the host\'s clock: the old file, one baseline at the turn, then the new file', async () => {
  // Every half second on the host's own schedule; each wait is for its next sample, so each snapshot is one sample.
  const schedule = new Schedule(sampler([plan('h1', path.join(sshd.logDir, 'access.%Y%m%d%H'))], sshTransport(sshd), 5000, 500)).run();
  const snapshots: Snapshot[] = [];
  try {
    for (let sample = 0; sample < 16; sample++) snapshots.push(await schedule.next());
    // Every rate, in order: the old hour's file (~100 lines/s), then the new one's (~2000 lines/s), nothing in between.
    // Samples without a rate (the first, the turn) are gaps in the history.
    const history = snapshots.at(-1)!.rows[0]!.history;
    const rates = history.filter((rate): rate is number => rate !== null);
    const shown = `history: ${history.map((r) => r?.toFixed(0) ?? '-').join(' ')}`;
    const turn = rates.findIndex((rate) => rate > 800);
    assert.ok(turn >= 1, shown);
    assert.ok(rates.slice(0, turn).every((rate) => rate < 400), shown);
    assert.ok(rates.length - turn >= 3 && rates.slice(turn).every((rate) => rate > 800), shown);
    const lastOldAt = history.findLastIndex((rate) => rate !== null && rate < 400);
    const firstNewAt = history.findIndex((rate) => rate !== null && rate > 800);
    assert.ok(history.slice(lastOldAt + 1, firstNewAt).includes(null), `the turn is a gap, not a rate: ${shown}`);
    // The rows answered in time: unknown only for the first sample and at the turn (a sample that answers
    // late on a loaded machine shows as stale instead, and its successor carries on from it).
    const answered = snapshots.map((snapshot) => snapshot.rows[0]!).filter((row) => row.status === 'ok').map((row) => row.rate);
    const firstNew = answered.findIndex((rate) => rate !== null && rate > 800);
    const lastOld = answered.findLastIndex((rate) => rate !== null && rate < 400);
    assert.ok(answered.every((rate, i) => rate !== null || i === 0 || (i > lastOld && i < firstNew)), `answered: ${answered.map((r) => r?.toFixed(0) ?? '-').join(' ')}`);
  } finally {
    await schedule.stop();
  }
});
