/**
 * The remote side of pvlook: a small POSIX sh script sent on stdin to
 * `/bin/sh -s`, and the parser for what it prints.
 *
 * Why this shape:
 * - The command line sent over SSH is the constant `/bin/sh -s`, so the remote
 *   user's login shell (which may be csh or fish) never sees any data. Log
 *   paths reach sh only as single-quoted words inside the script.
 * - The script only stats the file and reads the bytes appended since the
 *   previous sample (`tail -c +N` seeks), so its cost does not grow with the
 *   size of the log.
 * - Every line it prints starts with a marker, so banners or rc-file chatter
 *   around it are ignored, and a closing `end` line proves the output is whole.
 */
import { shQuote, shUnquote } from './shell-quote.js';

export const PROBE_COMMAND = '/bin/sh -s';
const MARK = '@pvlook1';

/** One log to probe, with what pvlook saw of it last time (if anything). */
export interface ProbeRequest {
  path: string;
  /** inode and size of the previous sample; null on the first sample or after a failure */
  previous: { inode: string; offset: number } | null;
}

export type LogProbe =
  | { kind: 'ok'; inode: string; size: number; newLines: number | null }
  | { kind: 'missing' }
  | { kind: 'unreadable' };

export interface ProbeResult {
  /** remote wall clock in seconds, or null when the remote `date` lacks sub-second output */
  remoteTime: number | null;
  logs: LogProbe[];
}

const SCRIPT_BODY = `export LC_ALL=C
echo "${MARK} time $(date +%s.%N 2>/dev/null)"
probe() {
  if [ ! -e "$2" ]; then echo "${MARK} $1 missing"; return; fi
  if [ -d "$2" ] || [ ! -r "$2" ]; then echo "${MARK} $1 unreadable"; return; fi
  s=$(stat -L -c '%i %s' -- "$2" 2>/dev/null) || { echo "${MARK} $1 unreadable"; return; }
  set -- "$1" "$2" "$3" "$4" $s
  n=-
  if [ "$5" = "$3" ] && [ "$4" != - ] && [ "$6" -ge "$4" ]; then
    n=$(tail -c +$(($4 + 1)) -- "$2" 2>/dev/null | head -c $(($6 - $4)) | wc -l)
  fi
  echo "${MARK} $1 ok $5 $6 $n"
}
`;

/**
 * Build the script for one host. Arguments to `probe` are: index, quoted path,
 * previous inode, previous offset (`-` when unknown). Numbers come from our
 * own parser, the path is quoted: nothing from data is ever code.
 */
export function buildProbeScript(requests: readonly ProbeRequest[]): string {
  const calls = requests.map((request, index) => {
    const inode = request.previous ? checkedToken(request.previous.inode) : '-';
    const offset = request.previous ? String(Math.trunc(request.previous.offset)) : '-';
    return `probe ${index} ${shQuote(request.path)} ${inode} ${offset}`;
  });
  return `${SCRIPT_BODY}${calls.join('\n')}\necho "${MARK} end"\n`;
}

function checkedToken(inode: string): string {
  if (!/^\d+$/.test(inode)) throw new Error(`inode must be digits, got ${JSON.stringify(inode)}`);
  return inode;
}

/** Recover the requests from a script built by buildProbeScript (for simulated hosts). */
export function parseProbeScript(script: string): ProbeRequest[] {
  const requests: ProbeRequest[] = [];
  const call = /^probe (\d+) ((?:'[^']*'|\\')+) (\d+|-) (\d+|-)$/gm;
  for (const match of script.matchAll(call)) {
    const [, , word, inode, offset] = match as unknown as [string, string, string, string, string];
    requests.push({
      path: shUnquote(word),
      previous: inode === '-' || offset === '-' ? null : { inode, offset: Number(offset) },
    });
  }
  return requests;
}

export class ProbeOutputError extends Error {
  override name = 'ProbeOutputError';
}

/** Parse the marked lines of the script's output; everything else is ignored. */
export function parseProbeOutput(stdout: string, expected: number): ProbeResult {
  let remoteTime: number | null = null;
  let ended = false;
  const logs: (LogProbe | undefined)[] = new Array(expected).fill(undefined);
  for (const rawLine of stdout.split('\n')) {
    const fields = rawLine.trim().split(/\s+/);
    if (fields[0] !== MARK) continue;
    const [, what, kind, ...rest] = fields;
    if (what === 'time') {
      remoteTime = parseRemoteTime(kind);
    } else if (what === 'end') {
      ended = true;
    } else if (what !== undefined && /^\d+$/.test(what) && Number(what) < expected) {
      logs[Number(what)] = parseLogLine(kind, rest, rawLine);
    }
  }
  if (!ended) throw new ProbeOutputError('output ended early (no end marker)');
  const missingIndex = logs.findIndex((log) => log === undefined);
  if (missingIndex !== -1) throw new ProbeOutputError(`no result for log #${missingIndex}`);
  return { remoteTime, logs: logs as LogProbe[] };
}

function parseRemoteTime(text: string | undefined): number | null {
  // GNU date prints seconds.nanoseconds; others may print a literal "N".
  if (text === undefined || !/^\d+\.\d+$/.test(text)) return null;
  return Number(text);
}

function parseLogLine(kind: string | undefined, rest: string[], rawLine: string): LogProbe {
  if (kind === 'missing') return { kind: 'missing' };
  if (kind === 'unreadable') return { kind: 'unreadable' };
  const [inode, size, lines] = rest;
  if (kind === 'ok' && inode && /^\d+$/.test(inode) && size && /^\d+$/.test(size) && lines !== undefined) {
    if (lines === '-') return { kind: 'ok', inode, size: Number(size), newLines: null };
    if (/^\d+$/.test(lines)) return { kind: 'ok', inode, size: Number(size), newLines: Number(lines) };
  }
  throw new ProbeOutputError(`malformed line: ${JSON.stringify(rawLine.slice(0, 120))}`);
}
