/**
 * Read a running pvlook's NDJSON output until a line satisfies a condition:
 * tests wait for what they assert, not for a number of views that a busy
 * machine may not fill in time.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Resolve with every line read up to and including the first that satisfies
 * `done`; reject when the output ends first or after `limit` lines.
 */
export function jsonLinesUntil<T>(child: ChildProcess, done: (line: T) => boolean, limit = 200): Promise<T[]> {
  const lines: T[] = [];
  return new Promise((resolve, reject) => {
    const reader = createInterface({ input: child.stdout! });
    reader.on('line', (text) => {
      const line = JSON.parse(text) as T;
      lines.push(line);
      // Settle before closing: closing the reader emits its close event at once.
      if (done(line)) {
        resolve(lines);
        reader.close();
      } else if (lines.length >= limit) {
        reader.close();
      }
    });
    reader.once('close', () => reject(new Error(`output ended before the condition held; last line: ${JSON.stringify(lines.at(-1))}`)));
  });
}
