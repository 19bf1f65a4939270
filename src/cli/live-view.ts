/**
 * The interactive live view: holds what the person chose (sort, filter,
 * pause…) and the fleet's recent totals, and redraws a frame on every new
 * snapshot, key press and resize.
 */
import type { Snapshot } from '../core/snapshot.js';
import type { TrendOptions } from '../core/trend.js';
import { parseKeys } from '../render/keys.js';
import { renderFrame } from '../render/live-frame.js';
import type { Style } from '../render/style.js';
import type { Terminal } from '../render/terminal.js';
import { INITIAL_VIEW, onKey, type ViewState } from '../render/view-state.js';

export class LiveView {
  private view: ViewState = INITIAL_VIEW;
  private shown: Snapshot | null = null;
  private readonly totals: (number | null)[] = [];

  constructor(
    private readonly terminal: Terminal,
    private readonly style: Style,
    private readonly trend: TrendOptions,
    private readonly onQuit: () => void,
    private readonly title?: string,
  ) {}

  start(): void {
    this.terminal.startLive(
      (data) => this.keys(data),
      () => this.draw(),
    );
  }

  update(snapshot: Snapshot): void {
    // A minute of fleet totals for the header's sparkline and trend.
    this.totals.push(snapshot.total.ok > 0 ? snapshot.total.rate : null);
    const keep = Math.max(this.trend.window + 1, Math.ceil(60_000 / Math.max(1, snapshot.intervalMs)));
    if (this.totals.length > keep) this.totals.splice(0, this.totals.length - keep);
    if (!this.view.paused || this.shown === null) this.shown = snapshot;
    this.draw();
  }

  private keys(data: string): void {
    for (const key of parseKeys(data)) {
      const { state, quit } = onKey(this.view, key);
      if (quit) return this.onQuit();
      this.view = state;
    }
    this.draw();
  }

  private draw(): void {
    if (this.shown === null) return;
    const frame = renderFrame({
      snapshot: this.shown,
      totals: this.totals,
      view: this.view,
      size: this.terminal.size(),
      style: this.style,
      trend: this.trend,
      ...(this.title ? { title: this.title } : {}),
    });
    this.view = { ...this.view, page: frame.page };
    this.terminal.frame(frame.text);
  }
}
