// A small line chart on a canvas: one or more series over the same time
// slots, scaled to the largest value; NaN (a failed sample) breaks the line
// instead of dropping it to zero, as everywhere in pvlook.

/**
 * @param canvas the canvas; it is sized to its CSS box times the device pixel ratio
 * @param series [{ values: number[], color: string, fill?: boolean }]
 * @param options { label?: (max) => string, text: string, grid: string }
 */
export function drawChart(canvas, series, options) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, width, height);
  let max = 0;
  let length = 0;
  for (const { values } of series) {
    length = Math.max(length, values.length);
    for (const value of values) if (Number.isFinite(value) && value > max) max = value;
  }
  const top = 2 * ratio;
  const bottom = height - 2 * ratio;
  const y = (value) => bottom - (max > 0 ? (value / max) * (bottom - top) : 0);
  const x = (i) => (length <= 1 ? width : (i / (length - 1)) * width);
  context.strokeStyle = options.grid;
  context.lineWidth = ratio;
  context.beginPath();
  context.moveTo(0, bottom);
  context.lineTo(width, bottom);
  context.stroke();
  for (const { values, color, fill } of series) {
    context.strokeStyle = color;
    context.fillStyle = color;
    context.lineWidth = 1.5 * ratio;
    let start = -1;
    const flush = (end) => {
      if (start < 0) return;
      context.beginPath();
      context.moveTo(x(start), y(values[start]));
      for (let i = start + 1; i < end; i++) context.lineTo(x(i), y(values[i]));
      if (end - start === 1) context.lineTo(x(start) + ratio, y(values[start]));
      context.stroke();
      if (fill) {
        context.lineTo(x(end - 1), bottom);
        context.lineTo(x(start), bottom);
        context.globalAlpha = 0.15;
        context.fill();
        context.globalAlpha = 1;
      }
      start = -1;
    };
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(values[i])) {
        if (start < 0) start = i;
      } else flush(i);
    }
    flush(values.length);
  }
  // How many known values the first series drew: what a test can read of a canvas. A property,
  // not an attribute: changing an attribute every tick would make the browser restyle.
  canvas.pointsDrawn = series[0]?.values.filter(Number.isFinite).length ?? 0;
  if (options.label && max > 0) {
    context.fillStyle = options.text;
    context.font = `${11 * ratio}px ui-monospace, "DejaVu Sans Mono", monospace`;
    context.textBaseline = 'top';
    context.fillText(options.label(max), 4 * ratio, top);
  }
}
