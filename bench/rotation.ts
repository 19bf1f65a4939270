/**
 * What pvlook counts through rotation, against a web server under real load:
 * an HTTP server whose access log is piped to Apache's rotatelogs, which
 * starts a new time-stamped file every few seconds, keeps a hard link (-L) at
 * the current one and re-points a symbolic link at it (its -p hook); `ab`
 * sends the requests. pvlook samples both links once a second through a real
 * sshd; the exported pvlook_log_lines_total is compared with the lines the
 * server wrote.
 *
 *   npm run bench:rotation [-- --requests 7680 --period 3 --concurrency 2]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSshd } from '../test/helpers/sshd.js';
import { plan, sampler, sshTransport } from '../test/helpers/fleet.js';
import { rotatelogsLinks } from '../test/helpers/rotatelogs-links.js';
import { FleetMetrics } from '../src/export/fleet-metrics.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '7680' }, period: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '2' } } });
const requests = Number(values.requests);

const sshd = await startSshd({ hostCount: 1 });
const logs = path.join(sshd.dir, 'www');
mkdirSync(logs, { mode: 0o755 });
const { symlink, hardlink, command } = rotatelogsLinks(logs, { symlink: 'access.log', hardlink: 'access.hard' });

const [rotatelogs, ...rotatelogsArgs] = command(Number(values.period));
const logger = spawn(rotatelogs!, rotatelogsArgs, { stdio: ['pipe', 'ignore', 'inherit'] });
let written = 0;
const server = createServer((request, response) => {
  // A little work per request, so ab's load lasts several rotations.
  setTimeout(() => {
    response.end('ok\n');
    logger.stdin.write(`127.0.0.1 - - [${new Date().toISOString()}] "${request.method} ${request.url} HTTP/1.1" 200 3 "-" "ApacheBench"\n`);
    written++;
  }, 4);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;

const transport = sshTransport(sshd);
const metrics = new FleetMetrics();
const s = sampler([plan('h1', symlink, hardlink)], transport);
const unknown = [0, 0];
let samples = 0;
let running = true;
const start = Date.now();
const sampling = (async () => {
  for (let tick = 1; running; tick++) {
    const snapshot = await s.sampleByHand(start + tick * 1000);
    metrics.update(snapshot);
    if (tick > 1) {
      samples++;
      snapshot.rows.forEach((row, i) => {
        if (row.status !== 'ok' || row.rate === null) unknown[i]!++;
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + tick * 1000 - Date.now())));
  }
})();
try {
  await new Promise((resolve) => setTimeout(resolve, 2500)); // pvlook's baseline first
  // ab asks this process's server: it must run beside it, not block it.
  const ab = spawn('ab', ['-q', '-n', String(requests), '-c', values.concurrency, `http://127.0.0.1:${port}/`], { stdio: 'ignore' });
  const status = await new Promise((resolve) => ab.once('exit', resolve));
  if (status !== 0) throw new Error(`ab exited with ${String(status)}`);
  await new Promise((resolve) => setTimeout(resolve, 3000)); // the last lines are read
  running = false;
  await sampling;
  const exported = (await metrics.text())
    .split('\n')
    .filter((line) => line.startsWith('pvlook_log_lines_total{'))
    .map((line) => ({ log: /log="([^"]*)"/.exec(line)?.[1], lines: Number(line.split(' ').at(-1)) }));
  const files = readdirSync(logs).filter((name) => /^access\.\d+$/.test(name)).length;
  console.log(
    JSON.stringify(
      {
        requests,
        lines_written: written,
        rotations: files - 1,
        samples,
        links: exported.map(({ log, lines }, i) => ({
          link: log === symlink ? 'symbolic (-p hook)' : 'hard (-L)',
          lines_counted: lines,
          seen_pct: Math.round((lines / written) * 1000) / 10,
          unknown_samples: unknown[i],
        })),
      },
      null,
      2,
    ),
  );
} finally {
  running = false;
  server.close();
  logger.stdin.end();
  logger.kill();
  await transport.close();
  await sshd.stop();
}
