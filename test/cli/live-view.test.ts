/** The live view's state over time, with a terminal that records frames: pause freezes everything shown. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveView } from '../../src/cli/live-view.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import { makeStyle } from '../../src/render/style.js';
import type { Terminal } from '../../src/render/terminal.js';
import { row, snapshotOf } from '../helpers/rows.js';

function recordingTerminal() {
  const frames: string[] = [];
  let onKey: (data: string) => void = () => undefined;
  const terminal = {
    startLive: (keys: (data: string) => void) => (onKey = keys),
    frame: (text: string) => frames.push(text),
    size: () => ({ width: 140, height: 20 }),
  } as unknown as Terminal;
  return { terminal, frames, press: (key: string) => onKey(key) };
}

test('paused, the header stays as it was: clock, total and its sparkline; unpaused, it catches up', () => {
  const { terminal, frames, press } = recordingTerminal();
  const view = new LiveView(terminal, makeStyle(false), DEFAULT_TREND, () => undefined);
  view.start();
  const at = (second: number, rate: number) => ({ ...snapshotOf([row({ host: 'a', rate, history: [rate] })], Date.UTC(2026, 11, 1, 8, 0, second)), historyLength: 60 });
  view.update(at(1, 10));
  view.update(at(2, 20));
  press(' ');
  const paused = frames.at(-1)!.split('\n')[0]!;
  view.update(at(3, 500));
  view.update(at(4, 900));
  assert.equal(frames.at(-1)!.split('\n')[0], paused, 'nothing in the header moved while paused');
  press(' ');
  assert.match(frames.at(-1)!.split('\n')[0]!, /total 900\/s/);
});
