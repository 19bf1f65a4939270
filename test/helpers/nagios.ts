/**
 * Read plugin output as Nagios does (Nagios Plugin Development Guidelines):
 * "SERVICE STATUS: text | perfdata", perfdata items 'label'=value[UOM];[warn];[crit];[min];[max],
 * labels single-quoted with '' for a quote, separated by spaces.
 */
export interface PerfItem {
  label: string;
  value: number | 'U';
  warn: string;
  crit: string;
  min: string;
  max: string;
}

export function parsePluginOutput(line: string): { service: string; state: string; text: string; perf: PerfItem[] } {
  const match = /^(\S+) (OK|WARNING|CRITICAL|UNKNOWN) - (.*?)(?: \| (.*))?$/.exec(line.trim());
  if (!match) throw new Error(`not plugin output: ${line}`);
  const [, service, state, text, perfText] = match as unknown as [string, string, string, string, string | undefined];
  const perf: PerfItem[] = [];
  const item = /'((?:[^']|'')*)'=(U|-?\d+(?:\.\d+)?)([a-zA-Z%]*);([^; ]*);([^; ]*);([^; ]*);([^; ]*)(?: |$)/gy;
  let rest = perfText ?? '';
  let found: RegExpExecArray | null;
  while (rest.length > 0 && (found = item.exec(rest)) !== null) {
    perf.push({ label: found[1]!.replaceAll("''", "'"), value: found[2] === 'U' ? 'U' : Number(found[2]), warn: found[4]!, crit: found[5]!, min: found[6]!, max: found[7]! });
    if (item.lastIndex >= rest.length) rest = '';
  }
  if (perfText && perf.length === 0) throw new Error(`bad perfdata: ${perfText}`);
  if (perfText && item.lastIndex !== 0 && item.lastIndex < perfText.length) throw new Error(`perfdata not fully parsed: ${perfText}`);
  return { service, state, text, perf };
}
