/**
 * What a simulated host's `/bin/sh -s` does with pvlook's input: the
 * launcher is answered with its ready line, the shell functions are ignored
 * (there is nothing to define), and each request line is answered from the
 * host's simulated logs, in the wire format's own words.
 */
import type { LogProbe } from '../core/probe-types.js';
import { decodeLauncher, decodeRequest, encodeAnswer, encodeReady } from '../probe/wire.js';
import type { SimulatedLog } from './simulated-log.js';

export interface SimulatedHost {
  /** log path → simulated log */
  logs: Map<string, SimulatedLog>;
}

export class SimulatedShell {
  private pending = '';

  /**
   * @param clock seconds since the simulation began
   * @param reply where the shell's stdout goes
   */
  constructor(
    private readonly host: SimulatedHost | undefined,
    private readonly clock: () => number,
    private readonly reply: (text: string) => void,
  ) {}

  /** Feed stdin; every complete request line is answered at once. */
  feed(text: string): void {
    this.pending += text;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      const launcher = decodeLauncher(line);
      if (launcher !== null) {
        this.reply(encodeReady(launcher));
        continue;
      }
      const request = line.startsWith('pvlook_begin ') ? decodeRequest(line) : null;
      if (request === null) continue;
      const t = this.clock();
      const logs = request.requests.map((log): LogProbe => this.host?.logs.get(log.path)?.probe(log, t) ?? { kind: 'missing' });
      this.reply(encodeAnswer(request.tag, { remoteTime: Date.now() / 1000, clock: 'wall', logs }));
    }
  }
}
