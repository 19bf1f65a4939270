// The numbers of a section's healthy cells (rate, trend arrow, sparkline,
// pattern share), painted on one canvas laid over the section's grid. The
// cells themselves stay elements (name, state, focus, click, tooltip,
// aria-label) but their text no longer changes every tick: laying out 1,000
// changed lines cost the browser ~40 ms per update on the reference machine,
// painting them ~10 ms. Geometry is read from the laid-out cells only when
// the layout changed, never per tick.

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
    // Bars and arrows as one path each, filled once, and the text in two passes by colour: far
    // cheaper than a fill and a colour change per cell. Arrows are drawn, not written: a glyph
    // from a fallback font costs each fillText a font lookup.
    const bars = new Path2D();
    const arrows = new Path2D();
    const size = g.ch * 0.8;
    const places = [];
    const ages = [];
    context.fillStyle = colors.fg;
    for (let i = 0; i < shown.length; i++) {
      const parts = shown[i];
      if (parts.state === 'failed' && parts.age) ages.push(parts, i);
      if (parts.state !== 'ok') continue;
      // The same columns as the cell's text would have (format.js cellText).
      const left = g.x + (i % g.columns) * g.columnStep + (g.nameWidth + 1) * g.ch;
      const top = g.y + Math.floor(i / g.columns) * g.rowStep;
      const baseline = top + g.baseline;
      context.fillText(parts.value.padStart(5), left, baseline);
      addArrow(arrows, parts.trend, left + 6 * g.ch + (g.ch - size) / 2, top + (g.height - size) / 2, size);
      if (parts.extra) places.push(parts.extra.padStart(5), left + 17 * g.ch, baseline);
      const bottom = top + (g.height + barHeight) / 2;
      const levels = parts.levels;
      const offset = 8 - levels.length;
      for (let k = 0; k < levels.length; k++) {
        const level = levels[k];
        if (level === null) continue;
        const h = Math.max(1, ((level + 1) / 8) * barHeight);
        bars.rect(left + (8 + offset + k) * g.ch, bottom - h, barWidth, h);
      }
    }
    context.fill(arrows);
    context.fillStyle = colors.muted;
    for (let i = 0; i < places.length; i += 3) context.fillText(places[i], places[i + 1], places[i + 2]);
    context.fillStyle = spark;
    context.fill(bars);
    // A failed cell's age, after its text (format.js failedText), in the cell's own bold red.
    if (ages.length > 0) {
      context.font = `700 ${g.font}`;
      context.fillStyle = colors.bad;
      for (let k = 0; k < ages.length; k += 2) {
        const parts = ages[k];
        const i = ages[k + 1];
        const left = g.x + (i % g.columns) * g.columnStep + (g.nameWidth + 4 + parts.status.length) * g.ch;
        context.fillText(parts.age, left, g.y + Math.floor(i / g.columns) * g.rowStep + g.baseline);
      }
      context.font = g.font;
    }
  }
}

/** ▲, ▼ or · in a box of `size` at (x, y), as a path. */
function addArrow(path, trend, x, y, size) {
  if (trend === 'up') {
    path.moveTo(x, y + size);
    path.lineTo(x + size / 2, y);
    path.lineTo(x + size, y + size);
    path.closePath();
  } else if (trend === 'down') {
    path.moveTo(x, y);
    path.lineTo(x + size, y);
    path.lineTo(x + size / 2, y + size);
    path.closePath();
  } else if (trend === 'flat') {
    const r = Math.max(0.75, size / 8);
    path.moveTo(x + size / 2 + r, y + size / 2);
    path.arc(x + size / 2, y + size / 2, r, 0, 2 * Math.PI);
  }
}
