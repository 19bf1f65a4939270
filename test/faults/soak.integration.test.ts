/**
 * Soak in compressed time: thousands of ticks back to back against a real
 * sshd. Open file descriptors, SSH connections and channels, and heap must
 * stay flat. The figures are printed as test diagnostics.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog, plan, sampler, sshTransport } from '../helpers/fleet.js';
import { Schedule } from '../helpers/schedule.js';

const TICKS = Number(process.env.PVLOOK_SOAK_TICKS ?? 3000);

let sshd: Sshd;
before(async () => {
  sshd = await startSshd({ hostCount: 2 });
});
after(async () => {
  await sshd?.stop();
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function measure() {
  gc();
  return { fds: readdirSync('/proc/self/fd').length, heapMb: process.memoryUsage().heapUsed / 2 ** 20, rssMb: process.memoryUsage().rss / 2 ** 20 };
}

test(`${TICKS} ticks back to back: fds, connections, channels and memory stay flat`, async (t) => {
  const log = makeLog(sshd, 'soak.log');
  const transport = sshTransport(sshd);
  try {
    const s = new Schedule(sampler([plan('h1', log), plan('h2', log)], transport));
    let warm = measure();
    let rated = 0;
    for (let tick = 1; tick <= TICKS; tick++) {
      appendLines(log, 3);
      const snapshot = await s.step();
      assert.deepEqual(snapshot.rows.map((row) => row.status), ['ok', 'ok'], `tick ${tick}: ${snapshot.rows.map((row) => row.error).join(', ')}`);
      if (tick > 1) {
        assert.deepEqual(snapshot.rows.map((row) => row.lines), [3, 3]);
        rated++;
      }
      if (tick === 100) warm = measure();
    }
    const end = measure();
    const stats = transport.stats();
    t.diagnostic(`ticks ${TICKS}; fds ${warm.fds} -> ${end.fds}; heap ${warm.heapMb.toFixed(1)} -> ${end.heapMb.toFixed(1)} MB; rss ${warm.rssMb.toFixed(1)} -> ${end.rssMb.toFixed(1)} MB; connections ${stats.connections}; open channels ${stats.channels}`);
    assert.equal(rated, TICKS - 1);
    // One connection and one long-lived shell per host, however many samples.
    assert.deepEqual(stats, { connections: 2, channels: 2 });
    assert.ok(end.fds <= warm.fds + 2, `fds grew ${warm.fds} -> ${end.fds}`);
    assert.ok(end.heapMb - warm.heapMb < 8, `heap grew ${warm.heapMb.toFixed(1)} -> ${end.heapMb.toFixed(1)} MB`);
  } finally {
    await transport.close();
  }
});
