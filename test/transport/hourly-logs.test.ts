/**
 * Hourly log files named by a strftime template, evaluated on the host's own
 * clock: a real sshd whose `date` runs in a fake time that crosses an hour
 * boundary during the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { makeLog, plan, sampler, sshTransport } from '../helpers/fleet.js';
import { Ticker } from '../helpers/ticker.js';

// The host's clock reaches 2030-01-01T00:00:00Z two seconds after the test starts.
const BOUNDARY = Date.UTC(2030, 0, 1, 0, 0, 0) / 1000;
let sshd: Sshd;
let bin: string;
let writer: NodeJS.Timeout;
let before_: string;
let after_: string;

before(async () => {
  bin = mkdtempSync(path.join(os.tmpdir(), 'pvlook-fakedate-'));
  chmodSync(bin, 0o755);
  const offset = BOUNDARY - (Date.now() / 1000 + 2);
  writeFileSync(
    path.join(bin, 'date'),
    `#!/bin/sh\nt=$(awk -v o=${offset.toFixed(3)} -v n="$(/bin/date +%s.%N)" 'BEGIN { printf "%.9f", n + o }')\nTZ=UTC exec /bin/date -d "@$t" "$@"\n`,
    { mode: 0o755 },
  );
  sshd = await startSshd({ hostCount: 1, extraConfig: ['Match all', `  ForceCommand PATH=${bin}:/usr/bin:/bin; export PATH; /bin/sh -c "$SSH_ORIGINAL_COMMAND"`] });
  before_ = makeLog(sshd, 'access.2029123123');
  after_ = makeLog(sshd, 'access.2030010100');
  // The last hour's file grows slowly, the new hour's fast: the rates tell which one was read.
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
  const transport = sshTransport(sshd);
  try {
    const ticker = new Ticker(sampler([plan('h1', path.join(sshd.logDir, 'access.%Y%m%d%H'))], transport), 400);
    const rates: (number | null)[] = [];
    for (let tick = 0; tick < 12; tick++) rates.push((await ticker.tick()).rows[0]!.rate);
    // Before the turn: ~100 lines/s; after: ~2000 lines/s; exactly one unknown in between.
    const turn = rates.findIndex((rate, i) => i > 0 && rate === null);
    assert.ok(turn > 1, `rates: ${rates.map((r) => r?.toFixed(0)).join(' ')}`);
    assert.ok(rates.slice(1, turn).every((rate) => rate !== null && rate < 400), `before: ${rates.slice(1, turn)}`);
    assert.ok(rates.slice(turn + 1).length >= 3 && rates.slice(turn + 1).every((rate) => rate !== null && rate > 800), `after: ${rates.slice(turn + 1)}`);
  } finally {
    await transport.close();
  }
});
