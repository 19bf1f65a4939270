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
  /** for a glob: what each file it matched last time was, by path */
  files?: readonly { path: string; fileId: string; offset: number }[];
  /** POSIX extended regular expressions to count matching lines of, among the new ones */
  patterns?: readonly string[];
}

export type LogProbe =
  /**
   * fileId is "inode:birth-time" (or just the inode where the birth time is unknown).
   * With patterns, only whole lines are counted: `next` is where the next count
   * starts (after the last newline) and `matches` has one count per pattern.
   */
  | { kind: 'ok'; fileId: string; size: number; newLines: number | null; next?: number; matches?: number[] }
  | { kind: 'missing' }
  | { kind: 'unreadable' }
  /** a glob: every file it matched, each probed on its own */
  | { kind: 'files'; files: { path: string; probe: LogProbe }[] };

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
// With patterns, awk counts whole lines only (one still being written is left
// for the next sample): a marker is appended after the data, and the answer is
// "lines bytes count1 count2…", bytes ending at the last newline. Patterns
// reach awk as one -v value (never as program text), split on \037.
// A path with % in it is a strftime template (access_log.%Y%m%d%H), filled in
// by the host's own date (probet), so hourly files are followed without a
// symlink; a new hour is a new file, so that sample starts a new baseline.
// A path with * ? or [ is a glob (probeglob): expanded by the host's sh with
// IFS empty, so it is only matched against file names, never split or run;
// each match is probed on its own, named in hex (names may hold newlines),
// with its own previous identity and offset looked up from the arguments.
const SCRIPT_BODY = String.raw`export LC_ALL=C
T=
command -v timeout >/dev/null 2>&1 && T="timeout $PVLOOK_T"
COUNT_MATCHES='BEGIN { np = split(pats, pat, "\037") }
/\001PVLOOK\002$/ { done = 1; exit }
{ n++; bytes += length($0) + 1; for (i = 1; i <= np; i++) if ($0 ~ pat[i]) c[i]++ }
END {
  if (!done) { print "-"; exit }
  out = (n + 0) " " (bytes + 0)
  for (i = 1; i <= np; i++) out = out " " (c[i] + 0)
  print out
}'
echo "${MARK} time $(date +%s.%N 2>/dev/null)"
probe() {
  m=$#
  p=$5
  if [ ! -e "$2" ]; then echo "${MARK} $1 missing"; return; fi
  if [ -d "$2" ] || [ ! -r "$2" ]; then echo "${MARK} $1 unreadable"; return; fi
  s=$(stat -L -c '%i:%.9W %s' -- "$2" 2>/dev/null || stat -L -c '%i %s' -- "$2" 2>/dev/null) || { echo "${MARK} $1 unreadable"; return; }
  set -- "$1" "$2" "$3" "$4" $s
  n=-
  if [ "$5" = "$3" ] && [ "$4" != - ] && [ "$6" -ge "$4" ]; then
    if [ "$m" -gt 4 ]; then
      n=$($T sh -c '{ tail -c +"$1" -- "$2" | head -c "$3"; printf "\001PVLOOK\002\n"; } | awk -v pats="$4" "$5"' pvlook $(($4 + 1)) "$2" $(($6 - $4)) "$p" "$COUNT_MATCHES") || n=-
    else
      n=$($T sh -c 'tail -c +"$1" -- "$2" | head -c "$3" | wc -l' pvlook $(($4 + 1)) "$2" $(($6 - $4))) || n=-
    fi
  fi
  echo "${MARK} $1 ok $5 $6 $n"
}
probet() {
  i=$1
  f=$(date "+$2")
  shift 2
  probe "$i" "$f" "$@"
}
lookup() {
  t=$1
  shift
  while [ $# -ge 3 ]; do
    if [ "$1" = "$t" ]; then echo "$2 $3"; return; fi
    shift 3
  done
  echo "- -"
}
probeglob() {
  i=$1
  g=$2
  pp=$3
  shift 3
  case $g in *%*) g=$(date "+$g") ;; esac
  found=
  o=$IFS
  IFS=
  for f in $g; do
    IFS=$o
    [ -e "$f" ] || continue
    found=1
    h=$(printf '%s' "$f" | od -An -v -tx1 | tr -d ' \n')
    read -r fid off <<END_OF_STATE
$(lookup "$f" "$@")
END_OF_STATE
    if [ -n "$pp" ]; then probe "$i f $h" "$f" "$fid" "$off" "$pp"; else probe "$i f $h" "$f" "$fid" "$off"; fi
  done
  IFS=$o
  [ -n "$found" ] || echo "${MARK} $i missing"
  echo "${MARK} $i glob"
}
`;

/**
 * Build the script for one host. Arguments to `probe` are: index, quoted path,
 * quoted previous file identity, previous offset (`-` when unknown), and the
 * quoted patterns if any. The offset is our own integer; everything else is
 * quoted: data never becomes code.
 */
export function buildProbeScript(requests: readonly ProbeRequest[], options: ProbeOptions = { remoteTimeoutSeconds: 10 }): string {
  const calls = requests.map((request, index) => {
    const fileId = request.previous ? shQuote(request.previous.fileId) : '-';
    const offset = request.previous ? String(Math.max(0, Math.trunc(request.previous.offset))) : '-';
    const patterns = request.patterns && request.patterns.length > 0 ? shQuote(awkValue(request.patterns)) : '';
    if (isGlob(request.path)) {
      const known = (request.files ?? []).map((file) => `${shQuote(file.path)} ${shQuote(file.fileId)} ${Math.max(0, Math.trunc(file.offset))}`);
      return [`probeglob ${index} ${shQuote(request.path)}`, patterns || "''", ...known].join(' ');
    }
    const command = request.path.includes('%') ? 'probet' : 'probe';
    return `${command} ${index} ${shQuote(request.path)} ${fileId} ${offset}${patterns ? ` ${patterns}` : ''}`;
  });
  const seconds = Math.max(1, Math.ceil(options.remoteTimeoutSeconds));
  return `PVLOOK_T=${seconds}\n${SCRIPT_BODY}${calls.join('\n')}\necho "${MARK} end"\n`;
}

/** Patterns travel as one line-free value, split on \x1f: control characters (tab aside) cannot be in one. */
export function hasControlCharacters(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 && char !== '\t');
}

/** A log path with * ? or [ names several files. */
export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** awk -v processes backslash escapes in the value: double them so awk sees each pattern as written. */
function awkValue(patterns: readonly string[]): string {
  for (const pattern of patterns) {
    if (hasControlCharacters(pattern)) throw new Error(`a pattern cannot contain control characters: ${JSON.stringify(pattern)}`);
  }
  return patterns.map((pattern) => pattern.replaceAll('\\', '\\\\')).join('\x1f');
}

function fromAwkValue(value: string): string[] {
  return value.split('\x1f').map((pattern) => pattern.replaceAll('\\\\', '\\'));
}

/** Recover the requests from a script built by buildProbeScript (for simulated hosts). */
export function parseProbeScript(script: string): ProbeRequest[] {
  const requests: ProbeRequest[] = [];
  const word = "(?:'[^']*'|\\\\')+";
  const call = new RegExp(`^probet? (\\d+) (${word}) (${word}|-) (\\d+|-)(?: (${word}))?$`, 'gm');
  for (const match of script.matchAll(call)) {
    const [, , path, fileId, offset, patterns] = match as unknown as [string, string, string, string, string, string | undefined];
    requests.push({
      path: shUnquote(path),
      previous: fileId === '-' || offset === '-' ? null : { fileId: shUnquote(fileId), offset: Number(offset) },
      ...(patterns !== undefined ? { patterns: fromAwkValue(shUnquote(patterns)) } : {}),
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
  const globs = new Map<number, { path: string; probe: LogProbe }[]>();
  for (const rawLine of stdout.split('\n')) {
    const fields = rawLine.trim().split(/\s+/);
    if (fields[0] !== MARK) continue;
    const [, what, kind, ...rest] = fields;
    if (what === 'time') {
      remoteTime = parseRemoteTime(kind);
    } else if (what === 'end') {
      ended = true;
    } else if (what !== undefined && /^\d+$/.test(what) && Number(what) < expected) {
      const index = Number(what);
      if (kind === 'f') {
        // One file a glob matched: "<index> f <hex path> <kind> …".
        const [hex, fileKind, ...fileRest] = rest;
        if (hex === undefined || !/^([0-9a-f]{2})+$/.test(hex)) throw new ProbeOutputError(`malformed line: ${JSON.stringify(rawLine.slice(0, 120))}`);
        const files = globs.get(index) ?? [];
        files.push({ path: Buffer.from(hex, 'hex').toString('utf8'), probe: parseLogLine(fileKind, fileRest, rawLine) });
        globs.set(index, files);
      } else if (kind === 'glob') {
        const files = globs.get(index) ?? [];
        logs[index] = files.length === 0 ? { kind: 'missing' } : { kind: 'files', files };
      } else {
        logs[index] = parseLogLine(kind, rest, rawLine);
      }
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
  const [fileId, size, lines, bytes, ...counts] = rest;
  if (kind === 'ok' && fileId && /^\d+(:[\d.?-]+)?$/.test(fileId) && size && /^\d+$/.test(size) && lines !== undefined) {
    if (lines === '-' && bytes === undefined) return { kind: 'ok', fileId, size: Number(size), newLines: null };
    if (/^\d+$/.test(lines) && bytes === undefined) return { kind: 'ok', fileId, size: Number(size), newLines: Number(lines) };
    // With patterns: lines, bytes up to the last newline, then one count per pattern.
    if (/^\d+$/.test(lines) && bytes !== undefined && /^\d+$/.test(bytes) && counts.every((count) => /^\d+$/.test(count))) {
      return { kind: 'ok', fileId, size: Number(size), newLines: Number(lines), next: Number(bytes), matches: counts.map(Number) };
    }
  }
  throw new ProbeOutputError(`malformed line: ${JSON.stringify(rawLine.slice(0, 120))}`);
}
