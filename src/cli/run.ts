/**
 * Drive the sampler in one of the two modes and hand each snapshot to the
 * right renderer: a table or JSON once (snapshot), or every tick (watch).
 */
import type { Config } from '../config/config.js';
import type { Snapshot } from '../core/snapshot.js';
import { renderJsonLine } from '../render/json.js';
import { makeStyle } from '../render/style.js';
import { renderTable } from '../render/table.js';
import type { Terminal } from '../render/terminal.js';
import type { Sampler } from '../sampler/sampler.js';
import { ViewClock } from '../sampler/view-clock.js';
import type { LiveView } from './live-view.js';

export interface RunContext {
  config: Config;
  sampler: Sampler;
  terminal: Terminal;
  /** aborted by q, Ctrl-C, signals or a closed stdout */
  signal: AbortSignal;
  /** the interactive view, when watching on a terminal */
  live?: LiveView;
  /** called with every snapshot, e.g. to export metrics */
  onSnapshot?: (snapshot: Snapshot) => Promise<void>;
}

/** How long a run's final answer may wait beyond the samples it needs: a connect and a command may each time out on their own. */
export const patienceMs = (config: Pick<Config, 'timeoutMs'>) => 2 * config.timeoutMs + 1000;

/** Two samples of every host, one interval apart on each host's own clock, then one table or JSON object. */
export async function runSnapshot({ config, sampler, terminal, signal }: RunContext): Promise<Snapshot | null> {
  sampler.start(2);
  await sampler.waitForSamplesPatiently(2, Date.now() + config.intervalMs + patienceMs(config), patienceMs(config), signal);
  if (signal.aborted) return null;
  const snapshot = sampler.snapshot(0);
  terminal.print(config.json ? renderJsonLine(snapshot) : renderTable(snapshot, makeStyle(config.color, config.ascii)));
  return snapshot;
}

/** Show the fleet every interval until --count views, q, or a signal; hosts sample on their own schedules meanwhile. */
export async function runWatch({ config, sampler, terminal, signal, live, onSnapshot }: RunContext): Promise<Snapshot | null> {
  const style = makeStyle(config.color, config.ascii);
  // Exporting metrics or the web view from a service: no table per tick into its log.
  const silent = !terminal.isTTY && !config.json && (config.listen !== null || config.textfile !== null || config.web !== null);
  sampler.start();
  const clock = new ViewClock(sampler, config.intervalMs);
  let last: Snapshot | null = null;
  for (let shown = 0; config.count === null || shown < config.count; shown++) {
    await clock.next(signal);
    if (signal.aborted) break;
    const final = config.count !== null && shown + 1 >= config.count;
    // The last of --count views is the run's answer (and exit status): a slow host gets to answer, as in a snapshot.
    if (final) await sampler.settle(Date.now() + patienceMs(config), signal);
    if (signal.aborted || terminal.isClosed) break;
    // Hosts keep sampling meanwhile: a host busy for less than an interval is not late, even on the last view.
    const snapshot = sampler.snapshot();
    last = snapshot;
    await onSnapshot?.(snapshot);
    if (config.json) terminal.print(renderJsonLine(snapshot));
    else if (live) live.update(snapshot);
    else if (!silent) terminal.print(`${new Date(snapshot.time).toISOString()}\n${renderTable(snapshot, style)}\n`);
    clock.shown();
  }
  return last;
}

