/**
 * An access log that exists only as counters: lines grow at a rate that is a
 * function of time, and the file may rotate. It answers pvlook's probe the way
 * the real script would, so the demo and the benchmark exercise the same
 * sampler and SSH path as a real fleet.
 */
import type { LogProbe, ProbeRequest } from '../core/probe.js';

export interface LogBehaviour {
  /** lines per second at time t (seconds since the simulation began) */
  rate: (t: number) => number;
  /** start a new file (new fileId, empty) every this many seconds */
  rotateEverySeconds?: number;
}

const BYTES_PER_LINE = 180;
let nextInode = 1000;

export class SimulatedLog {
  private fileId = nextInode++;
  private lines = 0;
  private lastT = 0;
  private generation = 0;

  constructor(private readonly behaviour: LogBehaviour) {}

  /** Bring the counters up to time t (seconds since start) and answer one probe request. */
  probe(request: ProbeRequest, t: number): LogProbe {
    this.advance(t);
    const size = Math.floor(this.lines) * BYTES_PER_LINE;
    const previous = request.previous;
    const continues = previous !== null && previous.fileId === String(this.fileId) && previous.offset <= size;
    const newLines = continues ? Math.floor((size - previous.offset) / BYTES_PER_LINE) : null;
    return { kind: 'ok', fileId: String(this.fileId), size, newLines };
  }

  private advance(t: number): void {
    const { rotateEverySeconds } = this.behaviour;
    if (rotateEverySeconds) {
      const generation = Math.floor(t / rotateEverySeconds);
      if (generation !== this.generation) {
        this.generation = generation;
        this.fileId = nextInode++;
        this.lines = 0;
      }
    }
    if (t > this.lastT) {
      this.lines += Math.max(0, this.behaviour.rate(t)) * (t - this.lastT);
      this.lastT = t;
    }
  }
}

/** Render probe results exactly as the remote script prints them. */
export function formatProbeOutput(remoteSeconds: number, logs: readonly LogProbe[]): string {
  const lines = [`@pvlook1 time ${remoteSeconds.toFixed(9)}`];
  logs.forEach((log, index) => {
    if (log.kind === 'ok') lines.push(`@pvlook1 ${index} ok ${log.fileId} ${log.size} ${log.newLines ?? '-'}`);
    else lines.push(`@pvlook1 ${index} ${log.kind}`);
  });
  lines.push('@pvlook1 end');
  return lines.join('\n') + '\n';
}
