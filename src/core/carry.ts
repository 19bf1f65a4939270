/**
 * An honest total. A log whose rate is unknown for a sample (its file rotated,
 * an hourly template turned to a new file, the host reconnected, or the host
 * is briefly late or failing) did not stop receiving lines: counting it as
 * nothing would show a traffic drop that did not happen, for the whole fleet
 * at every turn of an hourly template. So for a short while the fleet and
 * group totals carry the log's last known rate, and say how many logs they
 * carried. A log unknown for longer drops out of the totals (and, if it is
 * failing, is counted as failed, as it is from the start).
 *
 * A carried rate is never shown as the log's own: its row still reads unknown.
 */
/** What of a snapshot row decides its carried rate (a Row has these; carry does not import the snapshot). */
interface CarryFacts {
  rate: number | null;
  history: readonly (number | null)[];
  status: string;
  age: number | null;
}

/** At most this many samples in a row without a rate: one rotation or hour turn is one, a reconnect two. */
export const CARRY_SAMPLES = 3;
/** And only while the host answered within this many seconds: a host that is down is soon counted as such. */
export const CARRY_SECONDS = 5;

/**
 * The last known rate a row without a rate carries into totals, or null when
 * it has none recent enough (or has a rate of its own).
 */
export function carriedRate(row: CarryFacts): number | null {
  if (row.rate !== null) return null;
  if (row.age === null || row.age > CARRY_SECONDS) return null;
  // The sample a stale host is still working on is unknown too, though not yet in its history.
  let unknown = row.status === 'stale' ? 1 : 0;
  for (let i = row.history.length - 1; i >= 0; i--) {
    const rate = row.history[i];
    if (rate !== null && rate !== undefined) return unknown <= CARRY_SAMPLES ? rate : null;
    unknown++;
    if (unknown > CARRY_SAMPLES) return null;
  }
  return null;
}

/** What a row counts for in a total: its own rate, else a carried one, else nothing. */
export function rateForTotal(row: CarryFacts): { rate: number; carried: boolean } | null {
  if (row.rate !== null) return { rate: row.rate, carried: false };
  const carried = carriedRate(row);
  return carried === null ? null : { rate: carried, carried: true };
}
