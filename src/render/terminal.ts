/**
 * The only module that writes to the terminal. Plain output is just lines;
 * the live view uses the alternate screen, a hidden cursor and raw keys, and
 * one idempotent restore() puts everything back however pvlook ends.
 */
import type { Readable, Writable } from 'node:stream';
import { fit } from './text.js';

const ESC = '\u001b[';
const ALT_SCREEN_ON = `${ESC}?1049h`;
const ALT_SCREEN_OFF = `${ESC}?1049l`;
const CURSOR_HIDE = `${ESC}?25l`;
const CURSOR_SHOW = `${ESC}?25h`;
const SYNC_BEGIN = `${ESC}?2026h`;
const SYNC_END = `${ESC}?2026l`;
const HOME = `${ESC}H`;
const CLEAR_LINE_END = `${ESC}K`;
const CLEAR_BELOW = `${ESC}J`;

export type OutputStream = Writable & { isTTY?: boolean; columns?: number; rows?: number };
export type InputStream = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export class Terminal {
  private live = false;
  private keyListener: ((data: Buffer | string) => void) | null = null;
  private closed = false;
  private onResize: () => void = () => undefined;
  private readonly redraw = () => {
    if (this.live) this.onResize();
  };

  constructor(
    private readonly out: OutputStream,
    private readonly input: InputStream | null,
  ) {
    // A closed pipe (pvlook --json | head) is an ending, not a crash.
    out.on('error', () => {
      this.closed = true;
    });
  }

  get isTTY(): boolean {
    return this.out.isTTY === true;
  }

  /** True once the reader went away (EPIPE): stop producing output. */
  get isClosed(): boolean {
    return this.closed || this.out.destroyed;
  }

  print(text: string): void {
    if (!this.isClosed) this.out.write(text.endsWith('\n') ? text : text + '\n');
  }

  /** Rows and columns, as the terminal says now. */
  size(): { width: number; height: number } {
    return { width: Math.max(1, this.out.columns ?? 80), height: Math.max(1, this.out.rows ?? 24) };
  }

  /** Enter the live view: alternate screen, no cursor, keys one at a time, a callback on resize. */
  startLive(onKey: (key: string) => void, onResize: () => void): void {
    this.onResize = onResize;
    if (this.live) return;
    this.live = true;
    this.out.write(ALT_SCREEN_ON + CURSOR_HIDE);
    this.out.on('resize', this.redraw);
    if (this.input?.isTTY && this.input.setRawMode) {
      this.input.setRawMode(true);
      this.keyListener = (data) => onKey(data.toString());
      this.input.on('data', this.keyListener);
      this.input.resume();
    }
  }

  /** Redraw the whole frame in place, clipped to the screen so it never scrolls or wraps; again on resize. */
  frame(text: string): void {
    if (this.isClosed) return;
    const rows = Math.max(1, this.out.rows ?? 24);
    const columns = Math.max(1, this.out.columns ?? 80);
    let lines = text.split('\n');
    // Frames are drawn to the size already; this only catches a resize racing a draw, in ASCII, which reads in either mode.
    if (lines.length > rows) lines = [...lines.slice(0, rows - 1), `... ${lines.length - rows + 1} more lines (enlarge the terminal)`];
    // Cut lines that are too wide (fit pads too, which is harmless before a clear-to-end).
    const body = lines.map((line) => fit(line, columns, 'left', 'end', '...') + CLEAR_LINE_END).join('\n');
    this.out.write(SYNC_BEGIN + HOME + body + CLEAR_BELOW + SYNC_END);
  }

  /** Put the terminal back as it was. Safe to call any number of times, from any exit path. */
  restore(): void {
    if (!this.live) return;
    this.live = false;
    this.out.off('resize', this.redraw);
    if (this.keyListener && this.input) {
      this.input.off('data', this.keyListener);
      this.input.setRawMode?.(false);
      this.input.pause();
      this.keyListener = null;
    }
    if (!this.isClosed) this.out.write(CURSOR_SHOW + ALT_SCREEN_OFF);
  }
}
