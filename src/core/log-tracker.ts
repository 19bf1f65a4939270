/**
 * What pvlook remembers about one log on one host between samples, and how a
 * new probe result turns into a rate. Pure: time comes in as arguments.
 */
import type { BaselineReason, HostTime, LogProbe, ProbeRequest } from './probe-types.js';
import { secondsBetween, type ReadingTime } from './reading-time.js';

export interface Reading {
  fileId: string;
  offset: number;
  time: ReadingTime;
}

export interface LogMemory {
  /** the last good reading: where to continue counting from */
  last: Reading | null;
  /** for a glob: the last good reading of each file it matched, by path */
  files?: Record<string, Reading>;
  /** for a glob: each matched file's recent rates, by path, like `history` */
  fileHistories?: Record<string, (number | null)[]>;
  /** recent rates, oldest first, null for a sample without one (baseline, failure); bounded by the caller's window */
  history: (number | null)[];
}

/** For a glob, what each file it matched gave. */
export type FileOutcomes = { path: string; outcome: LogOutcome }[];

export type LogOutcome =
  /** a rate over the interval since the previous reading; with patterns, how many new lines matched each */
  | { kind: 'rate'; rate: number; lines: number; seconds: number; matches?: number[]; files?: FileOutcomes }
  /** a first reading, or one after rotation/truncation/a clock jump: nothing to compare yet */
  | { kind: 'baseline'; reason: BaselineReason | 'clock'; files?: FileOutcomes }
  | { kind: 'missing' }
  | { kind: 'unreadable' }
  /** the host's tools refused to count (e.g. awk rejected a pattern), in their words */
  | { kind: 'error'; message: string };

export const EMPTY_MEMORY: LogMemory = { last: null, history: [] };

export function probeRequestFor(path: string, memory: LogMemory, patterns: readonly string[] = []): ProbeRequest {
  const readings = Object.entries(memory.files ?? {});
  const files = readings.map(([file, reading]) => ({ path: file, fileId: reading.fileId, offset: reading.offset }));
  const since = hostTimeOf(memory.last ?? globReading(memory));
  return {
    path,
    previous: memory.last ? { fileId: memory.last.fileId, offset: memory.last.offset } : null,
    ...(since ? { since } : {}),
    ...(patterns.length > 0 ? { patterns } : {}),
    ...(files.length > 0 ? { files } : {}),
  };
}

/** The host's own time of a reading, when it told one: a new file is new if it was born after it. */
function hostTimeOf(reading: Reading | null): HostTime | undefined {
  const { remote, clock } = reading?.time ?? {};
  return remote !== undefined && remote !== null && clock ? { clock, seconds: remote } : undefined;
}

/** A glob's previous reading: its files were all read in the same sample, so any of them tells when. */
function globReading(memory: LogMemory): Reading | null {
  return Object.values(memory.files ?? {})[0] ?? null;
}

/**
 * Fold one probe into the memory.
 * @param time when the reading was taken
 * @param historyLength how many rates to keep
 */
export function advance(memory: LogMemory, probe: LogProbe, time: ReadingTime, historyLength: number): { memory: LogMemory; outcome: LogOutcome } {
  if (probe.kind === 'files') return advanceGlob(memory, probe.files, time, historyLength);
  if (probe.kind !== 'ok') {
    // The log is gone, unreadable or uncountable: start again from scratch when it returns.
    return { memory: forget(memory, historyLength), outcome: probe.kind === 'error' ? { kind: 'error', message: probe.message } : { kind: probe.kind } };
  }
  const previous = memory.last;
  const last = { fileId: probe.fileId, offset: probe.offset, time };
  // A sample without a rate is a gap in the history: how long a log has been unknown is what decides
  // whether the fleet total may still carry its last rate (core/carry.ts).
  const baseline = (reason: BaselineReason | 'clock') => ({
    memory: { last, history: pushBounded(memory.history, null, historyLength) },
    outcome: { kind: 'baseline', reason } as const,
  });
  // The host decides rotation and truncation (it holds the file); a count needs our own previous reading too.
  if (probe.newLines === null) return baseline(probe.reason);
  if (previous === null) return baseline('first');
  // Another file is a rotation, unless the host counted across it (drained the old one, read the new one from its start).
  if (previous.fileId !== probe.fileId && !probe.switched) return baseline('rotated');
  const seconds = secondsBetween(previous.time, time);
  // A clock that stood still, went backwards or jumped gives no honest rate.
  if (seconds === null) return baseline('clock');
  const rate = probe.newLines / seconds;
  return {
    memory: { last, history: pushBounded(memory.history, rate, historyLength) },
    outcome: { kind: 'rate', rate, lines: probe.newLines, seconds, ...(probe.matches ? { matches: probe.matches } : {}) },
  };
}

/**
 * A glob's files each advance on their own; the glob's rate is their sum, and
 * only when every file has a rate and every file of the previous reading was
 * read again: a file that is unknown, rotated or unreadable this sample, or
 * one gone with lines nobody read, would make the sum too small, so the sum
 * is unknown instead. The host knows the files by identity, so one renamed
 * within the glob goes on from its previous reading under its new name, and
 * one the host proved new (born after the previous reading) counts from its
 * first line, over the interval since that reading.
 */
function advanceGlob(memory: LogMemory, probes: { path: string; probe: LogProbe }[], time: ReadingTime, historyLength: number): { memory: LogMemory; outcome: LogOutcome } {
  const previousReadings = Object.values(memory.files ?? {});
  const byId = new Map(previousReadings.map((reading) => [reading.fileId, reading]));
  const since = globReading(memory);
  const previousOf = (path: string, probe: LogProbe): Reading | null => {
    const own = memory.files?.[path] ?? null;
    if (probe.kind !== 'ok' || own?.fileId === probe.fileId) return own;
    const renamed = byId.get(probe.fileId);
    if (renamed) return renamed;
    return probe.newLines !== null && probe.switched && since ? { fileId: probe.fileId, offset: 0, time: since.time } : own;
  };
  const results = probes.map(({ path, probe }) => ({
    path,
    ...advance({ last: previousOf(path, probe), history: memory.fileHistories?.[path] ?? [] }, probe, time, historyLength),
  }));
  const readAgain = new Set(probes.map(({ probe }) => (probe.kind === 'ok' ? probe.fileId : '')));
  const unread = previousReadings.some((reading) => !readAgain.has(reading.fileId));
  const files: Record<string, Reading> = {};
  const fileHistories: Record<string, (number | null)[]> = {};
  for (const result of results) {
    if (result.memory.last) files[result.path] = result.memory.last;
    // Files no longer matched are forgotten with their histories.
    fileHistories[result.path] = result.memory.history;
  }
  const outcomes: FileOutcomes = results.map(({ path, outcome }) => ({ path, outcome }));
  const failed = results.find(({ outcome }) => outcome.kind === 'unreadable' || outcome.kind === 'error');
  if (failed) return { memory: { last: null, history: pushBounded(memory.history, null, historyLength), files, fileHistories }, outcome: failed.outcome };
  const rates = results.map(({ outcome }) => outcome).filter((outcome): outcome is Extract<LogOutcome, { kind: 'rate' }> => outcome.kind === 'rate');
  if (rates.length !== results.length || rates.length === 0 || unread) {
    return {
      memory: { last: null, history: pushBounded(memory.history, null, historyLength), files, fileHistories },
      outcome: { kind: 'baseline', reason: memory.files ? 'rotated' : 'first', files: outcomes },
    };
  }
  const rate = rates.reduce((sum, outcome) => sum + outcome.rate, 0);
  const lines = rates.reduce((sum, outcome) => sum + outcome.lines, 0);
  const matches = rates[0]!.matches ? rates[0]!.matches.map((_, i) => rates.reduce((sum, outcome) => sum + (outcome.matches?.[i] ?? 0), 0)) : undefined;
  return {
    memory: { last: null, history: pushBounded(memory.history, rate, historyLength), files, fileHistories },
    outcome: { kind: 'rate', rate, lines, seconds: rates[0]!.seconds, ...(matches ? { matches } : {}), files: outcomes },
  };
}

/** Record a failed sample as a gap, and forget the position so the next reading is a baseline. */
export function forget(memory: LogMemory, historyLength: number): LogMemory {
  const forgotten: LogMemory = { last: null, history: pushBounded(memory.history, null, historyLength) };
  // A glob's files keep their histories, each with the gap, so split rows know how long they have been unknown.
  if (memory.fileHistories) {
    forgotten.fileHistories = Object.fromEntries(Object.entries(memory.fileHistories).map(([path, history]) => [path, pushBounded(history, null, historyLength)]));
  }
  return forgotten;
}

/** A copy with `item` appended, at most `limit` long: one array per sample, not two (this runs for every log of every host). */
function pushBounded<T>(items: readonly T[], item: T, limit: number): T[] {
  const next = items.slice(Math.max(0, items.length + 1 - limit));
  next.push(item);
  return next;
}
