/**
 * A log writer as daemons are: it holds its log open for appending, writes
 * lines at a steady rate, reopens the path on SIGHUP (what logrotate's
 * `create` mode signals for, saying so on stderr), and on SIGTERM stops and prints on stderr how
 * many lines it wrote. Lines carry a sequence number, so their lengths vary
 * like real ones. With `-` for the file it writes to stdout (a web server's
 * piped logger).
 * With `paused` it writes nothing until SIGUSR1.
 *   tsx test/helpers/log-writer.ts <file> <lines-per-second> [paused]
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const [file, rateText, paused] = process.argv.slice(2);
const rate = Number(rateText);
if (!file || !(rate > 0)) throw new Error('usage: log-writer.ts <file> <lines-per-second>');
// '-' writes to stdout, for a piped logger.
let fd = file === '-' ? 1 : openSync(file, 'a');
/** All of it: a pipe (stdout) may take part of a write, or none for a moment. */
function writeAll(bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
let start = process.hrtime.bigint();
let written = 0;
let timer: NodeJS.Timeout | undefined;
const write = () => {
  const due = Math.floor((rate * Number(process.hrtime.bigint() - start)) / 1e9);
  let text = '';
  for (let n = written; n < due; n++) text += `198.51.100.${n % 250} - - "GET /item/${n} HTTP/1.1" 200 ${(n * 7919) % 100_000}\n`;
  if (text) writeAll(Buffer.from(text));
  written = due;
};
const begin = () => {
  start = process.hrtime.bigint();
  timer = setInterval(write, 5);
};
// A signal handler alone does not keep node running while it waits.
const alive = setInterval(() => undefined, 60_000);
if (paused === 'paused') process.once('SIGUSR1', begin);
else begin();
process.on('SIGHUP', () => {
  closeSync(fd);
  fd = openSync(file, 'a');
  process.stderr.write('reopened\n');
});
process.on('SIGTERM', () => {
  clearInterval(timer);
  clearInterval(alive);
  if (fd !== 1) closeSync(fd);
  process.stderr.write(`${written}\n`, () => process.exit(0));
});
process.stderr.write(`ready ${process.pid}\n`);
