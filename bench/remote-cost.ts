/**
 * What pvlook's shell functions cost per sample, on a 1 MiB and a 2 GiB log,
 * beside plain `wc -l`: in a long-lived shell that keeps the log open (the
 * default session) and in a fresh shell per sample (`--session exec`, or a
 * session's first sample). The functions run with the local /bin/sh exactly
 * as a host's sh runs them; CPU is the children's user+system time reported
 * by bash's `times`, so only the shell and what it runs are counted (not
 * sshd: `npm run bench:server` measures everything a server pays).
 *
 *   npm run bench:remote [-- --runs 5 --samples 20]
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SHELL_PRELUDE } from '../src/probe/shell-prelude.js';
import { encodeRequest, newTag } from '../src/probe/wire.js';
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

/** CPU seconds the children of one bash used to run `body`. */
function childCpu(body: string): number {
  const out = execFileSync('bash', ['-c', `${body} >/dev/null; times`]).toString();
  const line = out.trim().split('\n')[1] ?? '';
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

/** ms of CPU per sample, 100 new lines each time, on `file`. */
function measure(file: string): { session: number; exec: number; wc: number } {
  // The previous reading ended 100 lines before the end: each sample has 100 new lines to count.
  const fileId = execFileSync('stat', ['-L', '-c', '%i:%.9W', file]).toString().trim();
  const previous = () => ({ fileId, offset: statSync(file).size - 100 * LINE.length });
  appendFileSync(file, LINE.repeat(100));
  // One long-lived shell: the functions once, a first sample that opens the log, then `samples` requests.
  const sessionScript = path.join(dir, 'session.sh');
  const requests = Array.from({ length: samples + 1 }, () => encodeRequest(newTag(), [{ path: file, previous: previous() }]));
  // Between requests the log grows by 100 lines, written by the shell's own printf (a builtin: no process to count).
  const grow = `printf '%s\\n' "$pvlook_bench_lines" >> ${JSON.stringify(file)}\n`;
  const lines = `pvlook_bench_lines='${LINE.repeat(100).slice(0, -1)}'\n`;
  writeFileSync(sessionScript, SHELL_PRELUDE + lines + requests.join(grow));
  const opening = path.join(dir, 'opening.sh');
  writeFileSync(opening, SHELL_PRELUDE + lines + requests[0]);
  // A fresh shell per sample: the functions and one request each time.
  const execScript = path.join(dir, 'exec.sh');
  writeFileSync(execScript, SHELL_PRELUDE + encodeRequest(newTag(), [{ path: file, previous: previous() }]));
  const loop = (body: string) => `for i in $(seq ${samples}); do ${body}; done`;
  const session = median(Array.from({ length: runs }, () => childCpu(`/bin/sh -s < ${JSON.stringify(sessionScript)}`) - childCpu(`/bin/sh -s < ${JSON.stringify(opening)}`)));
  const exec = median(Array.from({ length: runs }, () => childCpu(loop(`/bin/sh -s < ${JSON.stringify(execScript)}`))));
  const wc = median(Array.from({ length: runs }, () => childCpu(loop(`wc -l ${JSON.stringify(file)}`))));
  return { session: (session / samples) * 1000, exec: (exec / samples) * 1000, wc: (wc / samples) * 1000 };
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
      session_1MiB: round(s.session),
      session_2GiB: round(b.session),
      exec_1MiB: round(s.exec),
      exec_2GiB: round(b.exec),
      wc_1MiB: round(s.wc),
      wc_2GiB: round(b.wc),
    },
    ratios: {
      session_2GiB_over_1MiB: round(b.session / s.session, 2),
      exec_over_session: round(s.exec / s.session, 1),
      wc_2GiB_over_session_2GiB: round(b.wc / b.session, 1),
    },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
}
