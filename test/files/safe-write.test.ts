import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendPrivateLine, replaceFile } from '../../src/files/safe-write.js';
import { MetricsExporter } from '../../src/export/exporter.js';
import { row, snapshotOf } from '../helpers/rows.js';

/** A folder anyone may write to, like a shared textfile collector folder. */
function sharedFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-shared-'));
  chmodSync(dir, 0o1777);
  return dir;
}

test('--textfile: links planted at the old temporary name or at the file itself are never written through', async () => {
  const dir = sharedFolder();
  const victim = path.join(mkdtempSync(path.join(os.tmpdir(), 'pvlook-victim-')), 'passwd');
  writeFileSync(victim, 'root:x:0:0\n');
  const target = path.join(dir, 'pvlook.prom');
  // What another user could plant, knowing pvlook's pid: the old name was <file>.<pid>.tmp.
  symlinkSync(victim, `${target}.${process.pid}.tmp`);
  const exporter = new MetricsExporter(target);
  await exporter.update(snapshotOf([row({ host: 'web01', rate: 5, lines: 5 })]));
  assert.equal(readFileSync(victim, 'utf8'), 'root:x:0:0\n');
  assert.match(readFileSync(target, 'utf8'), /pvlook_log_lines_per_second\{host="web01"/);
  assert.equal(lstatSync(target).isSymbolicLink(), false);

  // A link at the target itself is replaced, not followed.
  const linked = path.join(dir, 'linked.prom');
  symlinkSync(victim, linked);
  await replaceFile(linked, 'metrics\n');
  assert.equal(readFileSync(victim, 'utf8'), 'root:x:0:0\n');
  assert.equal(readFileSync(linked, 'utf8'), 'metrics\n');
  // No temporary file is left behind.
  assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp') && !name.includes(String(process.pid))), []);
});

test('a known_hosts line is appended only in a folder that is the user\'s own', () => {
  const own = mkdtempSync(path.join(os.tmpdir(), 'pvlook-ssh-'));
  const file = path.join(own, 'known_hosts');
  assert.equal(appendPrivateLine(file, 'h1 ssh-ed25519 AAAA'), true);
  assert.equal(appendPrivateLine(file, 'h2 ssh-ed25519 BBBB\n'), true);
  assert.equal(readFileSync(file, 'utf8'), 'h1 ssh-ed25519 AAAA\nh2 ssh-ed25519 BBBB\n');
  assert.equal(lstatSync(file).mode & 0o777, 0o600);
  // In a folder others may write, a link there could be anyone's.
  const shared = sharedFolder();
  assert.throws(() => appendPrivateLine(path.join(shared, 'known_hosts'), 'h1 ssh-ed25519 AAAA'), /folder .* is writable by others/);
  // A device takes nothing.
  assert.equal(appendPrivateLine('/dev/null', 'h1 ssh-ed25519 AAAA'), false);
});
