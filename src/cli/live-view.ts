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
  /** the totals as they were when the shown snapshot arrived (frozen while paused) */
  private shownTotals: (number | null)[] = [];
  /** the newest snapshot, shown or not */
  private latest: Snapshot | null = null;

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
    // An unknown total is a gap in the header's sparkline, never a zero it would rise from.
    this.totals.push(snapshot.total.rate);
    // As long as a row's history: the header's sparkline has the rows' scale.
    const keep = snapshot.historyLength ?? Math.max(this.trend.window + 1, Math.ceil(60_000 / Math.max(1, snapshot.intervalMs)));
    if (this.totals.length > keep) this.totals.splice(0, this.totals.length - keep);
    this.latest = snapshot;
    // Paused, everything on screen stays as it was: the snapshot and the header's history with it.
    if (!this.view.paused || this.shown === null) this.showLatest();
    this.draw();
  }

  private keys(data: string): void {
    for (const key of parseKeys(data)) {
      const { state, quit } = onKey(this.view, key);
      if (quit) return this.onQuit();
      this.view = state;
    }
    // Unpaused, the view catches up at once.
    if (!this.view.paused) this.showLatest();
    this.draw();
  }

  private showLatest(): void {
    if (this.latest === null) return;
    this.shown = this.latest;
    this.shownTotals = [...this.totals];
  }

  private draw(): void {
    if (this.shown === null) return;
    const frame = renderFrame({
      snapshot: this.shown,
      totals: this.shownTotals,
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
