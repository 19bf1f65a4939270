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

  /** Bring the counters up to time t (seconds since start) and answer one probe request. */
  probe(request: ProbeRequest, t: number): LogProbe {
    this.advance(t);
    const size = Math.floor(this.lines) * BYTES_PER_LINE;
    const previous = request.previous;
    const continues = previous !== null && previous.fileId === String(this.fileId) && previous.offset <= size;
    const newLines = continues ? Math.floor((size - previous.offset) / BYTES_PER_LINE) : null;
    const probe = { kind: 'ok', fileId: String(this.fileId), size, newLines } as const;
    if (!request.patterns?.length || newLines === null) return probe;
    // As the real script answers with patterns: whole lines up to `next`, then one count per pattern.
    const matches = request.patterns.map((regex) => this.matching(regex, newLines, t));
    return { ...probe, next: newLines * BYTES_PER_LINE, matches };
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

/** Render probe results exactly as the remote script prints them. */
export function formatProbeOutput(remoteSeconds: number, logs: readonly LogProbe[]): string {
  const lines = [`@pvlook1 time ${remoteSeconds.toFixed(9)}`];
  logs.forEach((log, index) => {
    if (log.kind === 'ok' && log.matches && log.newLines !== null) lines.push(`@pvlook1 ${index} ok ${log.fileId} ${log.size} ${log.newLines} ${log.next ?? 0} ${log.matches.join(' ')}`);
    else if (log.kind === 'ok') lines.push(`@pvlook1 ${index} ok ${log.fileId} ${log.size} ${log.newLines ?? '-'}`);
    else lines.push(`@pvlook1 ${index} ${log.kind}`);
  });
  lines.push('@pvlook1 end');
  return lines.join('\n') + '\n';
}
