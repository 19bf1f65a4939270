/**
 * `npm run demo` shows the odd one out: in the shop pool, shop05's share of
 * 5xx rises for a while and pvlook calls it odd by share. Waited for in the
 * demo's own JSON stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { JsonSnapshot } from '../../src/render/json.js';
import { jsonLinesUntil } from '../helpers/json-lines.js';
import { repoRoot, spawnPvlook } from '../helpers/pvlook-command.js';

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

test('the demo fleet has a pool whose 5xx host pvlook calls odd by share, among peers that are not', async () => {
  const child = spawnPvlook(['demo', '--json', '-n', '0.5'], { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
  try {
    const shop = (line: JsonSnapshot, host: string) => line.hosts.find((entry) => entry.host === host);
    const lines = await jsonLinesUntil<JsonSnapshot>(child, (line) => shop(line, 'shop05')?.patterns?.['5xx']?.peer?.odd === true, 400);
    const last = lines.at(-1)!;
    assert.equal(shop(last, 'shop05')?.patterns?.['5xx']?.peer?.side, 'high');
    for (const host of ['shop01', 'shop02', 'shop04']) assert.equal(shop(last, host)?.peer?.odd, false, `${host} is like its peers`);
    assert.ok(last.total.odd >= 1);
  } finally {
    await stop(child);
  }
});
