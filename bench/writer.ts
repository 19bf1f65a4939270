/**
 * Append lines to a file at a known rate until killed: after t seconds exactly
 * floor(rate × t) lines have been written, so the long-run rate is exact.
 *   tsx bench/writer.ts <file> <lines-per-second>
 */
import { appendFileSync } from 'node:fs';

const [file, rateText] = process.argv.slice(2);
const rate = Number(rateText);
if (!file || !(rate > 0)) throw new Error('usage: writer.ts <file> <lines-per-second>');
const LINE = '198.51.100.9 - - [25/Nov/2026:08:00:00 +0000] "GET /api HTTP/1.1" 200 512\n';
const start = process.hrtime.bigint();
let written = 0;
setInterval(() => {
  const due = Math.floor((rate * Number(process.hrtime.bigint() - start)) / 1e9);
  if (due > written) {
    appendFileSync(file, LINE.repeat(due - written));
    written = due;
  }
}, 2);
