/**
 * An hourly template at its turn, counted exactly: a real sshd whose `date`
 * runs in a fake time that crosses an hour boundary during the test, and a
 * writer that, like an application logging to the hour's file, starts the
 * next hour's file at the turn. The previous hour's file is read to its end
 * and the new one from its first line: no sample without a rate.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { plan, sampler, sshTransport } from '../helpers/fleet.js';
import { Schedule } from '../helpers/schedule.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { until } from '../helpers/until.js';

// The host's clock reaches 2030-01-01T00:00:00Z 3.25 s after pvlook first reads it: a quarter
// second off the half-second schedule on which samples start, as an hour's turn is for any interval.
const BOUNDARY = Date.UTC(2030, 0, 1, 0, 0, 0) / 1000;
let sshd: Sshd;
let bin: string;
let offsetFile: string;

before(async () => {
  bin = mkdtempSync(path.join(os.tmpdir(), 'pvlook-fakedate-'));
  chmodSync(bin, 0o755);
  const clock = path.join(bin, 'clock');
  mkdirSync(clock, { mode: 0o1777 });
  chmodSync(clock, 0o1777);
  offsetFile = path.join(clock, 'offset');
  writeFileSync(
    path.join(bin, 'date'),
    [
      '#!/bin/sh',
      // Only the hour is faked: the wall clock that file times are on (which pvlook reads with +%s.%N) stays true.
      'case "$*" in +%s.%N) exec /bin/date "$@" ;; esac',
      `f=${offsetFile}`,
      `[ -s "$f" ] || awk -v b=${BOUNDARY} -v n="$(/bin/date +%s.%N)" 'BEGIN { printf "%.9f", b - n - 3.25 }' > "$f"`,
      `t=$(awk -v o="$(cat "$f")" -v n="$(/bin/date +%s.%N)" 'BEGIN { printf "%.9f", n + o }')`,
      'TZ=UTC exec /bin/date -d "@$t" "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  sshd = await startSshd({ hostCount: 1, extraConfig: ['Match all', `  ForceCommand PATH=${bin}:/usr/bin:/bin; export PATH; /bin/sh -c "$SSH_ORIGINAL_COMMAND"`] });
});
after(async () => {
  await sshd?.stop();
  rmSync(bin, { recursive: true, force: true });
});

test('at an hourly template\'s turn the last hour\'s file is read to its end and the new one from its first line: exact, no unknown sample', async () => {
  const name = (hour: string) => path.join(sshd.logDir, `turn.${hour}`);
  writeFileSync(name('2029123123'), '', { mode: 0o644 });
  // Every half second on the host's own schedule; each wait is for its next sample, so every sample is in exactly one snapshot.
  const schedule = new Schedule(sampler([plan('h1', path.join(sshd.logDir, 'turn.%Y%m%d%H'))], sshTransport(sshd), 5000, 500));
  let writer: NodeJS.Timeout | undefined;
  try {
    const snapshots: Snapshot[] = [];
    const tick = async () => {
      const snapshot = await schedule.next();
      snapshots.push(snapshot);
      return snapshot;
    };
    // The first sample alone, so that nothing is sampled unseen while the test reads the host's clock offset.
    const first = await schedule.step();
    snapshots.push(first);
    assert.equal(first.rows[0]?.status, 'ok');
    await until(() => existsSync(offsetFile) && readFileSync(offsetFile, 'utf8').length > 0);
    const offset = Number(readFileSync(offsetFile, 'utf8'));
    // The application writes to the hour's file by the host's (fake) clock, creating it at the turn.
    let written = 0;
    writer = setInterval(() => {
      const file = Date.now() / 1000 + offset < BOUNDARY ? name('2029123123') : name('2030010100');
      appendFileSync(file, 'GET /a 200\nGET /b 200\n', { mode: 0o644 });
      written += 2;
    }, 10);
    schedule.run();
    for (let round = 0; round < 14; round++) await tick();
    clearInterval(writer);
    writer = undefined;
    const final = written;
    for (let round = 0; round < 20 && (await tick()).rows[0]?.lines !== 0; round++);
    const shown = snapshots.map((snapshot) => (snapshot.rows[0]?.status !== 'ok' ? snapshot.rows[0]?.status : snapshot.rows[0].rate === null ? '-' : String(snapshot.rows[0].lines))).join(' ');
    assert.ok(existsSync(name('2030010100')), `the hour turned during the test: ${shown}`);
    const counted = snapshots.reduce((sum, snapshot) => sum + (snapshot.rows[0]?.lines ?? 0), 0);
    assert.equal(counted, final, shown);
    const firstAnswered = snapshots.findIndex((snapshot) => snapshot.rows[0]?.status === 'ok');
    const unknown = snapshots.slice(firstAnswered + 1).filter((snapshot) => snapshot.rows[0]?.status === 'ok' && snapshot.rows[0].rate === null);
    assert.deepEqual(unknown.length, 0, shown);
  } finally {
    if (writer) clearInterval(writer);
    await schedule.stop();
  }
});
