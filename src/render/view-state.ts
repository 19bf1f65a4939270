/**
 * What the person looking at the live view has chosen: sort, filter, grouping,
 * pause, help, page. Keys change it through one pure function.
 */
import type { Key } from './keys.js';

export type SortKey = 'name' | 'rate' | 'change';

export interface ViewState {
  sort: SortKey;
  reverse: boolean;
  /** applied filter: hosts or groups containing this text */
  filter: string;
  /** the filter being typed after "/", or null */
  editing: string | null;
  grouped: boolean;
  /** logs odd among their peers before the others, whatever the sort */
  oddFirst: boolean;
  /** only logs odd among their peers */
  oddOnly: boolean;
  paused: boolean;
  help: boolean;
  page: number;
}

export const INITIAL_VIEW: ViewState = { sort: 'name', reverse: false, filter: '', editing: null, grouped: true, oddFirst: false, oddOnly: false, paused: false, help: false, page: 0 };

const NEXT_SORT: Record<SortKey, SortKey> = { name: 'rate', rate: 'change', change: 'name' };

export function onKey(state: ViewState, key: Key): { state: ViewState; quit: boolean } {
  const next = (changes: Partial<ViewState>) => ({ state: { ...state, ...changes }, quit: false });
  if (key === 'ctrl-c') return { state, quit: true };
  if (state.editing !== null) {
    if (key === 'enter') return next({ filter: state.editing.trim(), editing: null, page: 0 });
    if (key === 'escape') return next({ editing: null });
    if (key === 'backspace') return next({ editing: state.editing.slice(0, -1) });
    if (key.length === 1) return next({ editing: state.editing + key });
    return next({});
  }
  if (state.help) return key === 'q' ? { state, quit: true } : next({ help: false });
  switch (key) {
    case 'q':
    case 'Q':
      return { state, quit: true };
    case 's':
      return next({ sort: NEXT_SORT[state.sort], reverse: false, page: 0 });
    case 'r':
      return next({ reverse: !state.reverse, page: 0 });
    case '/':
      return next({ editing: state.filter });
    case 'escape':
      return next({ filter: '', page: 0 });
    case 'g':
      return next({ grouped: !state.grouped, page: 0 });
    case 'o':
      return next({ oddFirst: !state.oddFirst, page: 0 });
    case 'O':
      return next({ oddOnly: !state.oddOnly, page: 0 });
    case 'p':
    case ' ':
      return next({ paused: !state.paused });
    case '?':
    case 'h':
      return next({ help: true });
    case 'pagedown':
    case 'down':
    case 'right':
    case 'j':
      return next({ page: state.page + 1 });
    case 'pageup':
    case 'up':
    case 'left':
    case 'k':
      return next({ page: Math.max(0, state.page - 1) });
    case 'home':
      return next({ page: 0 });
    default:
      return next({});
  }
}
