// The numbers of a section's healthy cells (rate, trend arrow, sparkline,
// pattern share), painted on one canvas laid over the section's grid. The
// cells themselves stay elements (name, state, focus, click, tooltip,
// aria-label) but their text no longer changes every tick: laying out 1,000
// changed lines cost the browser ~40 ms per update on the reference machine,
// painting them ~10 ms. Geometry is read from the laid-out cells only when
// the layout changed, never per tick.

const BLOCKS = '▁▂▃▄▅▆▇█';

export class CellCanvas {
  constructor() {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'numbers';
    this.canvas.setAttribute('aria-hidden', 'true');
    this.geometry = null;
  }

  /**
   * Read where the cells are (forces layout: call only after the layout changed).
   * `nameWidth` is the cells' name column in characters.
   */
  measure(grid, nameWidth) {
    const cells = grid.querySelectorAll('.cell');
    const first = cells[0];
    if (!first) {
      this.geometry = null;
      return;
    }
    let columns = 0;
    while (columns < cells.length && cells[columns].offsetTop === first.offsetTop) columns++;
    const style = getComputedStyle(first);
    const ratio = window.devicePixelRatio || 1;
    const width = grid.clientWidth;
    const height = grid.clientHeight;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    const context = this.canvas.getContext('2d');
    const font = `${style.fontSize} ${style.fontFamily}`;
    context.font = font;
    const metrics = context.measureText('0');
    // Where the browser puts the cells' own baseline: the font's box centred in the line.
    const baseline = (first.offsetHeight - (metrics.fontBoundingBoxAscent + metrics.fontBoundingBoxDescent)) / 2 + metrics.fontBoundingBoxAscent;
    this.geometry = {
      baseline,
      ratio,
      font,
      columns,
      x: first.offsetLeft + parseFloat(style.paddingLeft),
      y: first.offsetTop,
      columnStep: columns > 1 ? cells[1].offsetLeft - first.offsetLeft : first.offsetWidth,
      rowStep: cells[columns] ? cells[columns].offsetTop - first.offsetTop : first.offsetHeight,
      height: first.offsetHeight,
      ch: metrics.width,
      nameWidth,
    };
  }

  /** Paint the healthy cells of `shown` ([{ parts }], in grid order); the others show their own text. */
  paint(shown, spark, colors) {
    const g = this.geometry;
    if (!g) return;
    const context = this.canvas.getContext('2d');
    context.setTransform(g.ratio, 0, 0, g.ratio, 0, 0);
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    context.font = g.font;
    context.textBaseline = 'alphabetic';
    const barHeight = g.height * 0.7;
    const barWidth = Math.max(1, g.ch * 0.8);
    // All bars of the section as one path, filled once: far cheaper than a fill per bar.
    const bars = new Path2D();
    for (let i = 0; i < shown.length; i++) {
      const parts = shown[i];
      if (parts.state !== 'ok') continue;
      // The same columns as the cell's text would have (format.js cellText).
      const left = g.x + (i % g.columns) * g.columnStep + (g.nameWidth + 1) * g.ch;
      const top = g.y + Math.floor(i / g.columns) * g.rowStep;
      const baseline = top + g.baseline;
      context.fillStyle = colors.fg;
      context.fillText(`${parts.value.padStart(5)} ${parts.arrow}`, left, baseline);
      if (parts.extra) {
        context.fillStyle = colors.muted;
        context.fillText(parts.extra.padStart(5), left + 17 * g.ch, baseline);
      }
      const bottom = top + (g.height + barHeight) / 2;
      for (let k = 0; k < parts.spark.length; k++) {
        const level = BLOCKS.indexOf(parts.spark[k]);
        if (level < 0) continue;
        const h = Math.max(1, ((level + 1) / 8) * barHeight);
        bars.rect(left + (8 + k) * g.ch, bottom - h, barWidth, h);
      }
    }
    context.fillStyle = spark;
    context.fill(bars);
  }
}
