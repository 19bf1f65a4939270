/**
 * What kind of shell and tools a host has, asked through the same
 * `/bin/sh -s` pvlook samples with (after shell-prelude.ts, whose own
 * findings it reports: the clock and /dev/fd pvlook will actually use). This
 * module owns the format both ways: the request text, and the tagged answer
 * (decoded here, encoded here for simulated hosts and tests).
 *
 * The answer is one `@pvlook2 TAG key value` line per finding, ended by the
 * usual `@pvlook2 TAG end` line, so the host shell's framing (HostShell,
 * answerEnd) needs nothing new. Values are our own words, except the shell's
 * path and version, which are hex-encoded like every other host text.
 */
import { ProbeOutputError } from './wire.js';

/** Tools the sampling functions cannot do without (see shell-prelude.ts). */
export const REQUIRED_TOOLS = ['stat', 'tail', 'wc', 'od', 'tr'] as const;

export interface HostFlavour {
  /** the running sh's binary (/proc/$$/exe, else where /bin/sh leads) */
  shell: string;
  /** $BASH_VERSION, $KSH_VERSION or $ZSH_VERSION; empty for dash and BusyBox ash */
  shellVersion: string;
  /** the clock pvlook reads: /proc/uptime, date +%s.%N, or none */
  clock: 'up' | 'wall' | 'none';
  procUptime: boolean;
  /** /dev/fd works, so logs stay open between samples in a long-lived shell */
  devFd: boolean;
  /** date +%N prints nanoseconds (GNU date; many BusyBox builds do not) */
  dateNanoseconds: boolean;
  /** stat -c %W: a birth time, 0 (the file system keeps none), or no such format (BusyBox, old coreutils) */
  statBirth: 'yes' | 'zero' | 'no';
  timeout: boolean;
  /** needed for pattern counts only */
  awk: boolean;
  /** required tools that are missing or lack what pvlook uses (stat -c, tail -c) */
  missing: string[];
}

const MARK = '@pvlook2';

const FUNCTION = `pvlook_flavour() {
  pvlook_sh=$(readlink /proc/$$/exe 2>/dev/null) || pvlook_sh=
  [ -n "$pvlook_sh" ] || pvlook_sh=$(readlink -f /bin/sh 2>/dev/null) || pvlook_sh=
  echo "@pvlook2 $R sh $(pvlook_hex "\${pvlook_sh:-/bin/sh}")"
  echo "@pvlook2 $R version $(pvlook_hex "\${BASH_VERSION:-\${KSH_VERSION:-\${ZSH_VERSION:-}}}")"
  echo "@pvlook2 $R clock $pvlook_clock"
  if [ -r /proc/uptime ]; then echo "@pvlook2 $R uptime yes"; else echo "@pvlook2 $R uptime no"; fi
  if [ -n "$pvlook_fds" ]; then echo "@pvlook2 $R devfd yes"; else echo "@pvlook2 $R devfd no"; fi
  case $(date +%N 2>/dev/null) in
    [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) echo "@pvlook2 $R nanoseconds yes" ;;
    *) echo "@pvlook2 $R nanoseconds no" ;;
  esac
  case $(stat -L -c %W / 2>/dev/null) in
    0) echo "@pvlook2 $R birth zero" ;;
    [1-9]*[0-9] | [1-9]) echo "@pvlook2 $R birth yes" ;;
    *) echo "@pvlook2 $R birth no" ;;
  esac
  for pvlook_t in timeout awk; do
    if command -v $pvlook_t >/dev/null 2>&1; then echo "@pvlook2 $R $pvlook_t yes"; else echo "@pvlook2 $R $pvlook_t no"; fi
  done
  pvlook_m=
  for pvlook_t in ${REQUIRED_TOOLS.join(' ')}; do
    command -v $pvlook_t >/dev/null 2>&1 || pvlook_m="$pvlook_m,$pvlook_t"
  done
  case $(stat -L -c %s / 2>/dev/null) in [0-9]*) ;; *) pvlook_m="$pvlook_m,stat-c" ;; esac
  case $(echo xy | tail -c +2 2>/dev/null) in y) ;; *) pvlook_m="$pvlook_m,tail-c" ;; esac
  echo "@pvlook2 $R missing \${pvlook_m:-,}"
}
`;

/** The text to send: the function, then one request line calling it (R is the tag, as in every request). */
export function encodeFlavourRequest(tag: string): string {
  return `${FUNCTION}pvlook_begin ${tag}; pvlook_flavour; pvlook_end\n`;
}

/** Read the findings of the answer to `tag`; every other line is ignored. */
export function decodeFlavourAnswer(text: string, tag: string): HostFlavour {
  const values = new Map<string, string>();
  let ended = false;
  for (const line of text.split('\n')) {
    const [mark, lineTag, key, value, ...rest] = line.trim().split(/\s+/);
    if (mark !== MARK || lineTag !== tag || key === undefined) continue;
    if (key === 'end') {
      ended = true;
      break;
    }
    if (value !== undefined && rest.length === 0) values.set(key, value);
  }
  if (!ended) throw new ProbeOutputError('the answer ended early (no end line)');
  const word = (key: string, allowed: readonly string[]): string => {
    const value = values.get(key);
    if (value === undefined || !allowed.includes(value)) throw new ProbeOutputError(`no valid "${key}" in the answer`);
    return value;
  };
  const yes = (key: string) => word(key, ['yes', 'no']) === 'yes';
  const hex = (key: string) => {
    const value = values.get(key) ?? '';
    if (!/^([0-9a-f]{2})*$/.test(value)) throw new ProbeOutputError(`no valid "${key}" in the answer`);
    return Buffer.from(value, 'hex').toString('utf8');
  };
  const missing = values.get('missing') ?? '';
  if (!/^[a-z,-]+$/.test(missing)) throw new ProbeOutputError('no valid "missing" in the answer');
  return {
    shell: hex('sh'),
    shellVersion: hex('version'),
    clock: word('clock', ['up', 'wall', 'none']) as HostFlavour['clock'],
    procUptime: yes('uptime'),
    devFd: yes('devfd'),
    dateNanoseconds: yes('nanoseconds'),
    statBirth: word('birth', ['yes', 'zero', 'no']) as HostFlavour['statBirth'],
    timeout: yes('timeout'),
    awk: yes('awk'),
    missing: missing.split(',').filter(Boolean),
  };
}

/** The answer as the shell function prints it (simulated hosts and tests). */
export function encodeFlavourAnswer(tag: string, flavour: HostFlavour): string {
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const hex = (text: string) => Buffer.from(text).toString('hex');
  const lines: [string, string][] = [
    ['sh', hex(flavour.shell)],
    ['version', hex(flavour.shellVersion)],
    ['clock', flavour.clock],
    ['uptime', yesNo(flavour.procUptime)],
    ['devfd', yesNo(flavour.devFd)],
    ['nanoseconds', yesNo(flavour.dateNanoseconds)],
    ['birth', flavour.statBirth],
    ['timeout', yesNo(flavour.timeout)],
    ['awk', yesNo(flavour.awk)],
    ['missing', flavour.missing.length > 0 ? flavour.missing.join(',') : ','],
    ['end', ''],
  ];
  return lines.map(([key, value]) => `${MARK} ${tag} ${key}${value ? ` ${value}` : ''}`).join('\n') + '\n';
}
