/**
 * Rotation through the real shell functions in a long-lived local shell (and
 * the stateless path), on each flavour of host userland: the held file is
 * read to its end, the new one from its first line when its birth time
 * proves it came after the previous reading, and a file truncated in place
 * is never read as growth. BusyBox's stat has no birth time: there a new
 * file is one unknown sample, never a guess.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHostSpec } from '../../src/core/host-spec.js';
import type { LogProbe, ProbeRequest, ProbeResult } from '../../src/core/probe-types.js';
import { askOnce, busyboxShell, HOST_SHELL, localProber, type ShellFlavour } from '../helpers/local-shell.js';
import { until } from '../helpers/until.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pvlook-rotation-'));
const host = parseHostSpec('local');
const forever = () => new AbortController().signal;
const lines = (count: number, tag = 'GET /') => Array.from({ length: count }, (_, i) => `${tag} ${i} 200\n`).join('');

/** This machine's uptime: the host's clock, for these local shells. */
const uptime = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);

/**
 * Wait until the host's clock is well past a reading: a file made sooner than
 * the clocks can tell apart from the reading is, rightly, not provably new.
 */
async function pastReading(result: ProbeResult): Promise<void> {
  const at = result.remoteTime ?? 0;
  await until(() => uptime() > at + 0.05);
}

/** What the sampler does between samples: the next request carries the last reading and when it was taken. */
function nextRequest(log: string, result: ProbeResult, patterns?: string[]): ProbeRequest {
  const probe = result.logs[0];
  const since = result.remoteTime !== null && result.clock ? { clock: result.clock, seconds: result.remoteTime } : undefined;
  return { path: log, previous: probe?.kind === 'ok' ? { fileId: probe.fileId, offset: probe.offset } : null, ...(since ? { since } : {}), ...(patterns ? { patterns } : {}) };
}

/** The count a probe gives, or why it gives none. */
const countOf = (probe: LogProbe | undefined) => (probe?.kind === 'ok' ? (probe.newLines ?? probe.reason) : probe?.kind === 'error' ? probe.message : probe?.kind);

for (const flavour of [HOST_SHELL, busyboxShell()] as ShellFlavour[]) {
  describe(flavour.name, () => {
    /** A long-lived shell sampling one log, each sample continuing from the one before. */
    function session(dir: string, log: string, patterns?: string[]) {
      const { prober } = localProber(dir, 'shell', undefined, flavour);
      let request: ProbeRequest = { path: log, previous: null, ...(patterns ? { patterns } : {}) };
      let last: ProbeResult | null = null;
      return {
        async sample() {
          last = await prober.sample(host, [request], forever());
          request = nextRequest(log, last, patterns);
          return last.logs[0];
        },
        /** wait until a file made now is provably newer than the last reading */
        settle: () => pastReading(last!),
        close: () => prober.close(),
      };
    }

    /** On a host with birth times the new file's lines count; without, the sample is unknown, once. */
    const exactOr = (count: number) => (flavour.birthTime ? count : 'rotated');

    test('rename and create (logrotate\'s default): the old file read to its end, the new one from its first line', async () => {
      const dir = tmp();
      const log = path.join(dir, 'access.log');
      writeFileSync(log, lines(50));
      const s = session(dir, log);
      try {
        assert.equal(countOf(await s.sample()), 'first');
        appendFileSync(log, lines(3));
        assert.equal(countOf(await s.sample()), 3);
        await s.settle();
        appendFileSync(log, lines(4));
        renameSync(log, `${log}.1`);
        // The writer goes on a moment in the old file before it reopens: those lines count too.
        appendFileSync(`${log}.1`, lines(2));
        writeFileSync(log, lines(5, 'new'));
        assert.equal(countOf(await s.sample()), exactOr(4 + 2 + 5));
        appendFileSync(log, lines(7));
        appendFileSync(`${log}.1`, lines(9));
        assert.equal(countOf(await s.sample()), 7, 'the old file is let go once drained');
      } finally {
        await s.close();
      }
    });

    test('a symbolic link re-pointed, and a hard link replaced, at a new file', async () => {
      const dir = tmp();
      const link = path.join(dir, 'current.log');
      writeFileSync(path.join(dir, 'a.log'), lines(10));
      symlinkSync('a.log', link);
      const s = session(dir, link);
      try {
        assert.equal(countOf(await s.sample()), 'first');
        await s.settle();
        appendFileSync(path.join(dir, 'a.log'), lines(6));
        writeFileSync(path.join(dir, 'b.log'), lines(8));
        symlinkSync('b.log', `${link}.new`);
        renameSync(`${link}.new`, link);
        assert.equal(countOf(await s.sample()), exactOr(14));
        appendFileSync(path.join(dir, 'b.log'), lines(1));
        assert.equal(countOf(await s.sample()), 1);
        // rotatelogs -L: a hard link to the current file, replaced at each turn.
        const hard = path.join(dir, 'hard.log');
        linkSync(path.join(dir, 'b.log'), hard);
        const h = session(dir, hard);
        try {
          assert.equal(countOf(await h.sample()), 'first');
          await h.settle();
          appendFileSync(path.join(dir, 'b.log'), lines(2));
          writeFileSync(path.join(dir, 'c.log'), lines(3));
          unlinkSync(hard);
          linkSync(path.join(dir, 'c.log'), hard);
          assert.equal(countOf(await h.sample()), exactOr(5));
        } finally {
          await h.close();
        }
      } finally {
        await s.close();
      }
    });

    test('pattern counts include the drained and the new lines', async () => {
      const dir = tmp();
      const log = path.join(dir, 'access.log');
      writeFileSync(log, '');
      const s = session(dir, log, [' 5[0-9][0-9]$']);
      try {
        await s.sample();
        await s.settle();
        appendFileSync(log, 'GET / 500\nGET / 200\n');
        renameSync(log, `${log}.1`);
        writeFileSync(log, 'GET / 503\nGET / 200\nGET / 502\n');
        const probe = await s.sample();
        if (flavour.birthTime) assert.deepEqual(probe?.kind === 'ok' && probe.newLines !== null && [probe.newLines, probe.matches, probe.switched], [5, [3], true]);
        else assert.equal(countOf(probe), 'rotated');
      } finally {
        await s.close();
      }
    });

    test('a file that existed before the previous reading, moved in, is not counted as new', async () => {
      const dir = tmp();
      const log = path.join(dir, 'access.log');
      writeFileSync(path.join(dir, 'elsewhere.log'), lines(1000));
      writeFileSync(log, lines(5));
      const s = session(dir, log);
      try {
        await s.sample();
        await s.settle();
        renameSync(path.join(dir, 'elsewhere.log'), log);
        assert.equal(countOf(await s.sample()), 'rotated');
      } finally {
        await s.close();
      }
    });

    test('copytruncate regrown past the old offset is unknown, not growth, once the log has shown it truncates in place', async () => {
      const dir = tmp();
      const log = path.join(dir, 'access.log');
      writeFileSync(log, lines(20));
      const s = session(dir, log);
      try {
        await s.sample();
        // The first truncation, seen as a smaller file: from now on every read is checked.
        truncateSync(log, 0);
        appendFileSync(log, lines(2));
        assert.equal(countOf(await s.sample()), 'truncated');
        appendFileSync(log, lines(3));
        assert.equal(countOf(await s.sample()), 3);
        for (let round = 0; round < 3; round++) {
          // Truncated, then regrown well past where pvlook was, before the next sample. (Where the new
          // content happens to end a line exactly at the old offset, this cannot be told from growth.)
          truncateSync(log, 0);
          appendFileSync(log, lines(40, `later, round ${round}:`));
          assert.equal(countOf(await s.sample()), 'truncated', `round ${round}`);
          appendFileSync(log, lines(4));
          assert.equal(countOf(await s.sample()), 4);
        }
      } finally {
        await s.close();
      }
    });

    test('stateless (exec mode, globs): copytruncate regrown past the offset is unknown, the first time too', () => {
      const dir = tmp();
      const log = path.join(dir, 'access.log');
      writeFileSync(log, lines(20));
      const first = askOnce(dir, [{ path: log, previous: null }], flavour);
      truncateSync(log, 0);
      appendFileSync(log, lines(50, 'later, and longer'));
      assert.equal(countOf(askOnce(dir, [nextRequest(log, first)], flavour).logs[0]), 'truncated');
    });

    test('a glob: a file renamed within it goes on, a new one counts from its first line, one gone with unread lines makes the sum unknown', async () => {
      const dir = tmp();
      mkdirSync(path.join(dir, 'logs'));
      const a = path.join(dir, 'logs', 'app.log');
      writeFileSync(a, lines(10));
      const glob = path.join(dir, 'logs', 'app.log*');
      const first = askOnce(dir, [{ path: glob, previous: null }], flavour);
      const filesOf = (result: ProbeResult) => {
        const probe = result.logs[0];
        assert.ok(probe?.kind === 'files', JSON.stringify(probe));
        return probe.files;
      };
      const known = (result: ProbeResult) =>
        filesOf(result).flatMap(({ path: file, probe }) => (probe.kind === 'ok' ? [{ path: file, fileId: probe.fileId, offset: probe.offset }] : []));
      const since = (result: ProbeResult) => ({ clock: result.clock!, seconds: result.remoteTime! });
      await pastReading(first);
      appendFileSync(a, lines(3));
      renameSync(a, `${a}.1`);
      appendFileSync(`${a}.1`, lines(1));
      writeFileSync(a, lines(6, 'new'));
      const second = askOnce(dir, [{ path: glob, previous: null, files: known(first), since: since(first) }], flavour);
      const counts = Object.fromEntries(filesOf(second).map(({ path: file, probe }) => [path.basename(file), countOf(probe)]));
      assert.deepEqual(counts, { 'app.log': flavour.birthTime ? 6 : 'first', 'app.log.1': 4 });
      // A file of the previous reading that is no longer matched: the shell cannot read it, the sum must not pretend.
      rmSync(`${a}.1`);
      const third = askOnce(dir, [{ path: glob, previous: null, files: known(second), since: since(second) }], flavour);
      assert.deepEqual(filesOf(third).map(({ path: file }) => path.basename(file)), ['app.log']);
    });
  });
}

test('the birth time is compared on the host\'s clock: a file born before the previous reading is not new, however recently it was written', async () => {
  const dir = tmp();
  const log = path.join(dir, 'access.log');
  writeFileSync(log, lines(5));
  const early = path.join(dir, 'early.log');
  writeFileSync(early, lines(2));
  const { prober } = localProber(dir);
  try {
    const first = await prober.sample(host, [{ path: log, previous: null }], forever());
    await pastReading(first);
    // Written after the reading, but born before it: its first lines may be anyone's.
    appendFileSync(early, lines(2));
    utimesSync(early, new Date(), new Date());
    renameSync(early, log);
    const second = await prober.sample(host, [nextRequest(log, first)], forever());
    assert.equal(countOf(second.logs[0]), 'rotated');
  } finally {
    await prober.close();
  }
});
