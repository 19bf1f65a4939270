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
  /** file identity and size at the previous sample; null on the first sample or after a failure */
  previous: { fileId: string; offset: number } | null;
}

export type LogProbe =
  /** fileId is "inode:birth-time" (or just the inode where the birth time is unknown) */
  | { kind: 'ok'; fileId: string; size: number; newLines: number | null }
  | { kind: 'missing' }
  | { kind: 'unreadable' };

export interface ProbeResult {
  /** remote wall clock in seconds, or null when the remote `date` lacks sub-second output */
  remoteTime: number | null;
  logs: LogProbe[];
}

export interface ProbeOptions {
  /** seconds the line count may take on the host before it is abandoned (enforced with `timeout` where installed) */
  remoteTimeoutSeconds: number;
}

// The file identity is inode plus birth time, so a log deleted and recreated
// on the same inode is still seen as a new file. Older stat lacks %.9W.
// The count runs under `timeout` where the host has it: a stuck read (a hung
// NFS mount, a huge burst) must not pin the channel, and a count cut short is
// reported as unknown ("-"), never as a smaller number.
const SCRIPT_BODY = `export LC_ALL=C
T=
command -v timeout >/dev/null 2>&1 && T="timeout $PVLOOK_T"
echo "${MARK} time $(date +%s.%N 2>/dev/null)"
probe() {
  if [ ! -e "$2" ]; then echo "${MARK} $1 missing"; return; fi
  if [ -d "$2" ] || [ ! -r "$2" ]; then echo "${MARK} $1 unreadable"; return; fi
  s=$(stat -L -c '%i:%.9W %s' -- "$2" 2>/dev/null || stat -L -c '%i %s' -- "$2" 2>/dev/null) || { echo "${MARK} $1 unreadable"; return; }
  set -- "$1" "$2" "$3" "$4" $s
  n=-
  if [ "$5" = "$3" ] && [ "$4" != - ] && [ "$6" -ge "$4" ]; then
    n=$($T sh -c 'tail -c +"$1" -- "$2" | head -c "$3" | wc -l' pvlook $(($4 + 1)) "$2" $(($6 - $4))) || n=-
  fi
  echo "${MARK} $1 ok $5 $6 $n"
}
`;

/**
 * Build the script for one host. Arguments to `probe` are: index, quoted path,
 * quoted previous file identity, previous offset (`-` when unknown). The
 * offset is our own integer; everything else is quoted: data never becomes code.
 */
export function buildProbeScript(requests: readonly ProbeRequest[], options: ProbeOptions = { remoteTimeoutSeconds: 10 }): string {
  const calls = requests.map((request, index) => {
    const fileId = request.previous ? shQuote(request.previous.fileId) : '-';
    const offset = request.previous ? String(Math.max(0, Math.trunc(request.previous.offset))) : '-';
    return `probe ${index} ${shQuote(request.path)} ${fileId} ${offset}`;
  });
  const seconds = Math.max(1, Math.ceil(options.remoteTimeoutSeconds));
  return `PVLOOK_T=${seconds}\n${SCRIPT_BODY}${calls.join('\n')}\necho "${MARK} end"\n`;
}

/** Recover the requests from a script built by buildProbeScript (for simulated hosts). */
export function parseProbeScript(script: string): ProbeRequest[] {
  const requests: ProbeRequest[] = [];
  const word = "(?:'[^']*'|\\\\')+";
  const call = new RegExp(`^probe (\\d+) (${word}) (${word}|-) (\\d+|-)$`, 'gm');
  for (const match of script.matchAll(call)) {
    const [, , path, fileId, offset] = match as unknown as [string, string, string, string, string];
    requests.push({
      path: shUnquote(path),
      previous: fileId === '-' || offset === '-' ? null : { fileId: shUnquote(fileId), offset: Number(offset) },
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
  const [fileId, size, lines] = rest;
  if (kind === 'ok' && fileId && /^\d+(:[\d.?-]+)?$/.test(fileId) && size && /^\d+$/.test(size) && lines !== undefined) {
    if (lines === '-') return { kind: 'ok', fileId, size: Number(size), newLines: null };
    if (/^\d+$/.test(lines)) return { kind: 'ok', fileId, size: Number(size), newLines: Number(lines) };
  }
  throw new ProbeOutputError(`malformed line: ${JSON.stringify(rawLine.slice(0, 120))}`);
}
