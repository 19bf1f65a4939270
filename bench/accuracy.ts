/**
 * Rate error against writers of known rate, through the real sampler and SSH
 * transport against a real OpenSSH sshd on loopback (started here, as the
 * tests do). Each writer appends exactly `rate` lines per second. With
 * --jitter-ms J the server waits a random 0..J ms before running each probe,
 * as a slow or distant host would.
 *
 *   npm run bench:accuracy [-- --rates 10,100,1000 --ticks 15 --interval 1 --jitter-ms 200]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSshd } from '../test/helpers/sshd.js';
import { makeLog, plan, sampler, sshTransport } from '../test/helpers/fleet.js';
import { median, percentile, round } from './stats.js';

const { values } = parseArgs({
  options: { rates: { type: 'string', default: '10,100,1000' }, ticks: { type: 'string', default: '15' }, interval: { type: 'string', default: '1' }, 'jitter-ms': { type: 'string', default: '0' } },
});
const jitterMs = Number(values['jitter-ms']);
const rates = values.rates.split(',').map(Number);
const ticks = Number(values.ticks);
const intervalMs = Number(values.interval) * 1000;

// The delay happens on the server before the probe starts, like latency on the way there.
const jitter = jitterMs > 0 ? ['Match all', `  ForceCommand sleep "$(awk 'BEGIN { srand(); printf "%.3f", rand() * ${jitterMs / 1000} }')"; /bin/sh -c "$SSH_ORIGINAL_COMMAND"`] : [];
const sshd = await startSshd({ hostCount: rates.length, extraConfig: jitter });
const logs = rates.map((rate) => makeLog(sshd, `writer-${rate}.log`));
const writers = rates.map((rate, i) => spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(import.meta.dirname, 'writer.ts'), logs[i]!, String(rate)], { stdio: 'inherit' }));
const transport = sshTransport(sshd);
try {
  await new Promise((resolve) => setTimeout(resolve, 1500)); // let the writers start
  const s = sampler(rates.map((_, i) => plan(sshd.hosts[i]!, logs[i]!)), transport);
  const measured: number[][] = rates.map(() => []);
  const lines: number[] = rates.map(() => 0);
  const start = Date.now();
  for (let tick = 0; tick <= ticks; tick++) {
    const snapshot = await s.sampleByHand(start + (tick + 1) * intervalMs);
    snapshot.rows.forEach((row, i) => {
      if (row.rate !== null) {
        measured[i]!.push(row.rate);
        lines[i]! += row.lines ?? 0;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (tick + 1) * intervalMs - Date.now())));
  }
  const results = rates.map((rate, i) => {
    const errors = measured[i]!.map((value) => (Math.abs(value - rate) / rate) * 100);
    return {
      rate,
      samples: errors.length,
      median_rate: round(median(measured[i]!), 2),
      median_error_pct: round(median(errors), 2),
      p90_error_pct: round(percentile(errors, 90), 2),
      max_error_pct: round(Math.max(...errors), 2),
    };
  });
  console.log(JSON.stringify({ interval_s: intervalMs / 1000, ticks, jitter_ms: jitterMs, results }, null, 2));
} finally {
  writers.forEach((writer) => writer.kill());
  await transport.close();
  await sshd.stop();
}
