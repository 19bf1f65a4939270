/**
 * An access log that exists only as counters: lines grow at a rate that is a
 * function of time, and the file may rotate. It answers pvlook's requests the
 * way a host's shell would, so the demo and the benchmark exercise the same
 * sampler, wire format and SSH path as a real fleet.
 */
import type { LogProbe, ProbeRequest } from '../core/probe-types.js';

export interface LogBehaviour {
  /** lines per second at time t (seconds since the simulation began) */
  rate: (t: number) => number;
  /** start a new file (new fileId, empty) every this many seconds */
  rotateEverySeconds?: number;
  /** share (0–1) of new lines at time t that match a pattern, by the pattern's regex; other patterns match nothing */
  shares?: Readonly<Record<string, (t: number) => number>>;
}

const BYTES_PER_LINE = 180;
let nextInode = 1000;

export class SimulatedLog {
  private fileId = nextInode++;
  private lines = 0;
  private lastT = 0;
  private generation = 0;
  private readonly carried = new Map<string, number>();

  constructor(private readonly behaviour: LogBehaviour) {}

  /** Bring the counters up to time t (seconds since start) and answer one probe request as the host's shell would. */
  probe(request: ProbeRequest, t: number): LogProbe {
    this.advance(t);
    const fileId = String(this.fileId);
    const size = Math.floor(this.lines) * BYTES_PER_LINE;
    const previous = request.previous;
    if (previous === null) return { kind: 'ok', fileId, offset: size, newLines: null, reason: 'first' };
    if (previous.fileId !== fileId) return { kind: 'ok', fileId, offset: size, newLines: null, reason: 'rotated' };
    if (previous.offset > size) return { kind: 'ok', fileId, offset: size, newLines: null, reason: 'truncated' };
    const newLines = Math.floor((size - previous.offset) / BYTES_PER_LINE);
    const offset = previous.offset + newLines * BYTES_PER_LINE;
    if (!request.patterns?.length) return { kind: 'ok', fileId, offset, newLines };
    // As the real shell answers with patterns: one count per pattern, whole lines only.
    return { kind: 'ok', fileId, offset, newLines, matches: request.patterns.map((regex) => this.matching(regex, newLines, t)) };
  }

  /** Whole matching lines among `newLines`; the fraction left over is carried to the next sample so shares stay true. */
  private matching(regex: string, newLines: number, t: number): number {
    const share = Math.min(1, Math.max(0, this.behaviour.shares?.[regex]?.(t) ?? 0));
    const exact = (this.carried.get(regex) ?? 0) + newLines * share;
    const whole = Math.min(newLines, Math.floor(exact));
    this.carried.set(regex, exact - whole);
    return whole;
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
