/**
 * pvlook's wire format, both directions, in one place: the request line a
 * host's shell runs (after the functions of shell-prelude.ts are defined) and
 * the tagged answer it prints. The client encodes requests and decodes
 * answers; simulated hosts (the demo, the benchmark, tests) decode requests
 * and encode answers with the same functions.
 *
 * A request is one line:
 *   pvlook_begin TAG; pvlook_log OUT SLOT 'path' 'file-id' OFFSET SINCE 'patterns'; …; pvlook_end
 * and its answer is every line starting with "@pvlook2 TAG", up to
 * "@pvlook2 TAG end". TAG is fresh and random for every request, so a late
 * answer is never taken for the next one, and neither banners, rc-file chatter
 * nor anything in a log (no log text is ever printed) can end an answer early
 * or fake a number.
 */
import { randomBytes } from 'node:crypto';
import { shQuote, shUnquote } from '../core/shell-quote.js';
import type { BaselineReason, HostTime, LogProbe, ProbeRequest, ProbeResult, RemoteClock } from '../core/probe-types.js';
import { SHELL_COMMAND } from '../core/shell-command.js';
import { hasControlCharacters } from '../core/control-characters.js';

const MARK = '@pvlook2';

/**
 * The first line a host's shell is sent, alone: it prints a ready line, then
 * runs pvlook's shell below a `dd` that forwards the channel's input (read and
 * written as it comes: BusyBox's cat may wait for more with sendfile). When
 * that input ends (pvlook hung up or gave up on the shell, the connection
 * dropped) or the shell ends, the whole process group is killed: nothing a
 * sample started (a read stuck on a file swapped for a FIFO, a broken tool)
 * outlives the session, whichever client, with or without sudo (the group
 * is the session sshd started, or the one sudo's command runs in). The rest
 * is sent after the ready line, so the first shell, which may read ahead,
 * has nothing of it to swallow.
 */
export function encodeLauncher(tag: string): string {
  return `echo ${MARK} ${tag} ready; { dd bs=65536 2>/dev/null; kill -s KILL 0; } | { ${SHELL_COMMAND}; kill -s KILL 0; }\n`;
}

/** The tag of a launcher line (simulated hosts), or null for any other line. */
export function decodeLauncher(line: string): string | null {
  const match = new RegExp(`^echo ${MARK} ([0-9a-f]+) ready; `).exec(line);
  return match ? match[1]! : null;
}

/** The ready line a launcher prints (simulated hosts). */
export function encodeReady(tag: string): string {
  return `${MARK} ${tag} ready\n`;
}

/** Where the ready line for `tag` ends in `text`, or -1 while it has not come. */
export function readyEnd(text: string, tag: string): number {
  const ready = encodeReady(tag);
  const at = text.indexOf(ready);
  return at === -1 ? -1 : at + ready.length;
}
/** Logs that keep an open descriptor in a long-lived shell: fds 3..8 (single digits, all any sh can redirect; 9 is for opening). */
export const HELD_SLOTS = 6;

export class ProbeOutputError extends Error {
  override name = 'ProbeOutputError';
}

/** Random bytes drawn in bulk: a tag per sample is the hot path. */
let pool = Buffer.alloc(0);
let used = 0;

/** A fresh tag for one request: 64 random bits, hex. */
export function newTag(): string {
  if (used + 8 > pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  used += 8;
  return pool.toString('hex', used - 8, used);
}

/** A log path with * ? or [ names several files. */
export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

// ---------------------------------------------------------------- requests

/**
 * The request line for one sample. Paths, identities and patterns are single
 * quoted (data never becomes code); indexes, slots and offsets are our own
 * integers. Throws only on input the config step already refuses (a NUL byte,
 * a pattern with control characters); glob files whose names cannot be sent
 * back are left out (they start a new baseline instead).
 */
export function encodeRequest(tag: string, requests: readonly ProbeRequest[]): string {
  let slot = 0;
  const calls = requests.map((request, index) => {
    const patterns = shQuote(request.patterns && request.patterns.length > 0 ? awkValue(request.patterns) : '');
    const since = sinceWord(request.since);
    if (isGlob(request.path)) {
      const known = (request.files ?? []).filter((file) => !file.path.includes('\0')).map((file) => `${shQuote(file.path)} ${shQuote(file.fileId)} ${offsetWord(file.offset)}`);
      return ['pvlook_glob', index, shQuote(request.path), patterns, since, ...known].join(' ');
    }
    const held = slot < HELD_SLOTS ? String(slot++) : '-';
    const fileId = request.previous ? shQuote(request.previous.fileId) : '-';
    const offset = request.previous ? offsetWord(request.previous.offset) : '-';
    return [request.path.includes('%') ? 'pvlook_tpl' : 'pvlook_log', index, held, shQuote(request.path), fileId, offset, since, patterns].join(' ');
  });
  return [`pvlook_begin ${tag}`, ...calls, 'pvlook_end'].join('; ') + '\n';
}

/** Recover the tag and requests from a request line (simulated hosts); null for any other line. */
export function decodeRequest(line: string): { tag: string; requests: ProbeRequest[] } | null {
  const calls = splitCalls(line.trim());
  const [begin, ...rest] = calls;
  if (begin?.[0] !== 'pvlook_begin' || begin[1] === undefined || rest.at(-1)?.[0] !== 'pvlook_end') return null;
  const requests: ProbeRequest[] = [];
  for (const call of rest.slice(0, -1)) {
    const [name, , ...args] = call;
    if (name === 'pvlook_glob') {
      const [path = '', patterns = '', since = '-', ...known] = args;
      const files = [];
      for (let i = 0; i + 2 < known.length; i += 3) files.push({ path: known[i]!, fileId: known[i + 1]!, offset: Number(known[i + 2]) });
      requests.push({ path, previous: null, ...sinceOf(since), ...patternsOf(patterns), ...(files.length > 0 ? { files } : {}) });
    } else if (name === 'pvlook_log' || name === 'pvlook_tpl') {
      const [, path = '', fileId = '-', offset = '-', since = '-', patterns = ''] = args;
      requests.push({ path, previous: fileId === '-' || offset === '-' ? null : { fileId, offset: Number(offset) }, ...sinceOf(since), ...patternsOf(patterns) });
    } else {
      return null;
    }
  }
  return { tag: begin[1], requests };
}

/** `up:765.23`, `wall:1796167064.585681114`, or `-`: a bare word of our own digits. */
function sinceWord(since: HostTime | undefined): string {
  if (!since || !Number.isFinite(since.seconds) || since.seconds < 0) return '-';
  return `${since.clock}:${since.seconds.toFixed(since.clock === 'up' ? 2 : 9)}`;
}

function sinceOf(word: string): { since?: HostTime } {
  const match = /^(up|wall):(\d+\.\d+)$/.exec(word);
  return match ? { since: { clock: match[1] as RemoteClock, seconds: Number(match[2]) } } : {};
}

function offsetWord(offset: number): string {
  return String(Math.max(0, Math.trunc(offset)));
}

/** awk -v processes backslash escapes in the value: double them so awk sees each pattern as written. */
function awkValue(patterns: readonly string[]): string {
  for (const pattern of patterns) {
    if (hasControlCharacters(pattern)) throw new Error(`a pattern cannot contain control characters: ${JSON.stringify(pattern)}`);
  }
  return patterns.map((pattern) => pattern.replaceAll('\\', '\\\\')).join('\x1f');
}

function patternsOf(value: string): { patterns?: string[] } {
  return value === '' ? {} : { patterns: value.split('\x1f').map((pattern) => pattern.replaceAll('\\\\', '\\')) };
}

/** Split a request line into calls of words, undoing our own quoting (bare words, '…' and \'). */
function splitCalls(line: string): string[][] {
  const calls: string[][] = [[]];
  const token = /\s*(?:(;)|((?:'[^']*'|\\')+)|([^\s;']+))/y;
  let match: RegExpExecArray | null;
  while (token.lastIndex < line.length && (match = token.exec(line)) !== null) {
    if (match[1]) calls.push([]);
    else calls.at(-1)!.push(match[2] !== undefined ? shUnquote(match[2]) : match[3]!);
  }
  return calls.filter((call) => call.length > 0);
}

// ---------------------------------------------------------------- answers

/** The answer as the shell functions print it (simulated hosts). */
export function encodeAnswer(tag: string, result: ProbeResult): string {
  const prefix = `${MARK} ${tag}`;
  const time = result.remoteTime === null || result.clock === null ? 'none -' : `${result.clock} ${result.remoteTime.toFixed(result.clock === 'up' ? 2 : 9)}`;
  const lines = [`${prefix} time ${time}`];
  result.logs.forEach((log, index) => {
    if (log.kind === 'files') {
      for (const file of log.files) lines.push(`${prefix} ${index} f ${Buffer.from(file.path).toString('hex')} ${logWords(file.probe)}`);
      if (log.files.length === 0) lines.push(`${prefix} ${index} missing`);
      lines.push(`${prefix} ${index} glob`);
    } else {
      lines.push(`${prefix} ${index} ${logWords(log)}`);
    }
  });
  lines.push(`${prefix} end`);
  return lines.join('\n') + '\n';
}

function logWords(log: LogProbe): string {
  switch (log.kind) {
    case 'ok':
      return log.newLines === null ? `ok ${log.fileId} ${log.offset} ${log.reason}` : [log.switched ? 'switched' : 'ok', log.fileId, log.offset, log.newLines, ...(log.matches ?? [])].join(' ');
    case 'error':
      return `error ${Buffer.from(log.message).toString('hex')}`;
    case 'files':
      throw new Error('a glob cannot match a glob');
    default:
      return log.kind;
  }
}

/** Where the answer to `tag` ends in `text` (just past its end line), or -1 while it is incomplete. */
export function answerEnd(text: string, tag: string): number {
  const end = `${MARK} ${tag} end\n`;
  const at = text.indexOf(end);
  return at === -1 ? -1 : at + end.length;
}

/** Read the answer to `tag` out of the shell's output; every other line is ignored. */
export function decodeAnswer(text: string, tag: string, expected: number): ProbeResult {
  let remoteTime: number | null = null;
  let clock: RemoteClock | null = null;
  let resolution = 0;
  let ended = false;
  const logs: (LogProbe | undefined)[] = new Array<LogProbe | undefined>(expected).fill(undefined);
  const globs = new Map<number, { path: string; probe: LogProbe }[]>();
  for (const rawLine of text.split('\n')) {
    const fields = rawLine.trim().split(/\s+/);
    if (fields[0] !== MARK || fields[1] !== tag) continue;
    const [, , what, kind, ...rest] = fields;
    if (what === 'time') {
      [remoteTime, clock] = parseTime(kind, rest[0]);
      resolution = remoteTime === null ? 0 : 10 ** -(rest[0]!.length - rest[0]!.indexOf('.') - 1);
    } else if (what === 'end') {
      ended = true;
      break;
    } else if (what !== undefined && /^\d+$/.test(what) && Number(what) < expected) {
      const index = Number(what);
      if (kind === 'f') {
        // One file a glob matched: "<index> f <hex path> <kind> …".
        const [hex, fileKind, ...fileRest] = rest;
        if (hex === undefined || !/^([0-9a-f]{2})+$/.test(hex)) throw malformed(rawLine);
        const files = globs.get(index) ?? [];
        const path = Buffer.from(hex, 'hex').toString('utf8');
        const probe = parseLog(fileKind, fileRest, rawLine);
        // A glob's row is one: an error in it says which file.
        files.push({ path, probe: probe.kind === 'error' && probe.message.startsWith(NOT_REGULAR) ? { ...probe, message: `${probe.message}: ${path}` } : probe });
        globs.set(index, files);
      } else if (kind === 'glob') {
        const files = globs.get(index) ?? [];
        const fileError = files.find((file) => file.probe.kind === 'error');
        logs[index] = fileError ? fileError.probe : files.length === 0 ? { kind: 'missing' } : { kind: 'files', files };
      } else {
        logs[index] = parseLog(kind, rest, rawLine);
      }
    }
  }
  if (!ended) throw new ProbeOutputError('the answer ended early (no end line)');
  const missingIndex = logs.findIndex((log) => log === undefined);
  if (missingIndex !== -1) throw new ProbeOutputError(`no result for log #${missingIndex}`);
  return { remoteTime, clock, ...(resolution > 0 ? { resolution } : {}), logs: logs as LogProbe[] };
}

function parseTime(clock: string | undefined, value: string | undefined): [number | null, RemoteClock | null] {
  if ((clock === 'up' || clock === 'wall') && value !== undefined && /^\d+\.\d+$/.test(value)) return [Number(value), clock];
  return [null, null];
}

/** What a row says when the host has not got a tool the functions need (`lacks stat tail`). */
export function missingTools(tools: readonly string[]): string {
  return `${MISSING_TOOLS}${tools.join(', ')} (pvlook uses stat, tail and wc; awk for patterns; od and tr for globs; date for % templates)`;
}

/** The start of every missing-tool message, so a row can tell it from a count that failed. */
export const MISSING_TOOLS = 'the host has no ';

/** The start of every not-a-regular-file message: shown as it is, like a missing tool. */
export const NOT_REGULAR = 'not a regular file';
const SPECIAL: Record<string, string> = { fifo: 'a FIFO', chardev: 'a character device', blockdev: 'a block device', socket: 'a socket', other: 'neither a file nor a folder' };

/** Counts and offsets: digits, and few enough that they stay exact numbers (a hostile host could send 400). */
const NUMBER = /^\d{1,15}$/;
const REASONS: readonly string[] = ['first', 'rotated', 'truncated', 'partial'] satisfies BaselineReason[];

function parseLog(kind: string | undefined, rest: string[], rawLine: string): LogProbe {
  if (kind === 'missing' && rest.length === 0) return { kind: 'missing' };
  if (kind === 'lacks' && rest.length > 0 && rest.every((tool) => /^[a-z]+$/.test(tool))) return { kind: 'error', message: missingTools(rest) };
  if (kind === 'unreadable' && rest.length === 0) return { kind: 'unreadable' };
  if (kind === 'special' && rest.length === 1 && Object.hasOwn(SPECIAL, rest[0]!)) {
    return { kind: 'error', message: `${NOT_REGULAR} (${SPECIAL[rest[0]!]}; pvlook reads only regular files)` };
  }
  if (kind === 'error' && rest.length <= 1) return { kind: 'error', message: Buffer.from(rest[0] ?? '', 'hex').toString('utf8').trim() };
  const [fileId, offset, count, ...matches] = rest;
  if ((kind === 'ok' || kind === 'switched') && fileId && /^\d+(:[\d.?-]+)?$/.test(fileId) && offset && NUMBER.test(offset) && count !== undefined) {
    if (kind === 'ok' && REASONS.includes(count) && matches.length === 0) return { kind: 'ok', fileId, offset: Number(offset), newLines: null, reason: count as BaselineReason };
    if (NUMBER.test(count) && matches.every((match) => NUMBER.test(match))) {
      return { kind: 'ok', fileId, offset: Number(offset), newLines: Number(count), ...(matches.length > 0 ? { matches: matches.map(Number) } : {}), ...(kind === 'switched' ? { switched: true as const } : {}) };
    }
  }
  throw malformed(rawLine);
}

function malformed(rawLine: string): ProbeOutputError {
  return new ProbeOutputError(`malformed line: ${JSON.stringify(rawLine.slice(0, 120))}`);
}
