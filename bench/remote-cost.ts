/**
 * Remote CPU per sample: pvlook's probe script vs plain `wc -l`, on a 1 MiB
 * and a 2 GiB log. The script is run with the local /bin/sh exactly as the
 * remote sh runs it; CPU is the children's user+system time reported by
 * bash's `times`, so only the sampled commands are counted.
 *
 *   npm run bench:remote [-- --runs 5 --samples 20 --keep]
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, openSync, closeSync, writeSync, statSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildProbeScript } from '../src/core/probe.js';
import { median, round } from './stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, samples: { type: 'string', default: '20' }, dir: { type: 'string' } } });
const runs = Number(values.runs);
const samples = Number(values.samples);
const dir = values.dir ?? mkdtempSync(path.join(os.tmpdir(), 'pvlook-bench-'));

const LINE = '203.0.113.7 - - [25/Nov/2026:08:00:00 +0000] "GET /index.html HTTP/1.1" 200 5120 "-" "Mozilla/5.0"\n';

function makeLog(name: string, bytes: number): string {
  const file = path.join(dir, name);
  const chunk = Buffer.from(LINE.repeat(Math.ceil((1 << 20) / LINE.length)));
  const fd = openSync(file, 'w');
  for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
  return file;
}

/** CPU seconds the children of one bash used to run `body` `samples` times. */
function childCpu(body: string): number {
  const out = execFileSync('bash', ['-c', `for i in $(seq ${samples}); do ${body}; done >/dev/null; times`]).toString();
  const line = out.trim().split('\n')[1] ?? '';
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

function measure(file: string): { probe: number; wc: number } {
  // Steady state: 100 lines appended since the previous sample.
  appendFileSync(file, LINE.repeat(100));
  const size = statSync(file).size;
  const previous = { fileId: String(statSync(file).ino), offset: size - 100 * LINE.length };
  const script = path.join(dir, 'probe.sh');
  writeFileSync(script, buildProbeScript([{ path: file, previous }]));
  const probe = median(Array.from({ length: runs }, () => childCpu(`/bin/sh -s < ${JSON.stringify(script)}`)));
  const wc = median(Array.from({ length: runs }, () => childCpu(`wc -l ${JSON.stringify(file)}`)));
  return { probe: (probe / samples) * 1000, wc: (wc / samples) * 1000 };
}

try {
  const small = makeLog('small.log', 1 << 20);
  const big = makeLog('big.log', 2 * 1024 ** 3);
  execFileSync('cat', [big], { stdio: ['ignore', 'ignore', 'ignore'] }); // warm the page cache, as a busy log is
  const s = measure(small);
  const b = measure(big);
  const result = {
    machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`,
    runs,
    samples_per_run: samples,
    cpu_ms_per_sample: {
      probe_1MiB: round(s.probe),
      probe_2GiB: round(b.probe),
      wc_1MiB: round(s.wc),
      wc_2GiB: round(b.wc),
    },
    ratios: {
      probe_2GiB_over_1MiB: round(b.probe / s.probe, 2),
      wc_2GiB_over_probe_2GiB: round(b.wc / b.probe, 1),
    },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
}
