// When the page tries /events again after pvlook refused it for good (the
// EventSource closed: an HTTP error, which it cannot read). A refused token
// (401, or 429 from the throttle on wrong tokens) will not come right by
// itself: trying every few seconds with a stale cookie only feeds the
// throttle, so the wait doubles, and never undercuts the server's Retry-After.
// Pure, so the tests run it in Node.

export const FIRST_RETRY_MS = 5000;
export const LONGEST_RETRY_MS = 10 * 60_000;

/**
 * What the page does after the stream closed, from a probe's answer:
 * `status` the HTTP status of GET events (null when it could not be reached),
 * `retryAfter` its Retry-After header, `previousMs` the last wait (0 after a
 * stream that worked). Returns the wait and what to say.
 * @param {number | null} status
 * @param {string | null} retryAfter
 * @param {number} previousMs
 * @returns {{ waitMs: number, refused: boolean, message: string }}
 */
export function retryAfterClose(status, retryAfter, previousMs) {
  const doubled = previousMs > 0 ? Math.min(LONGEST_RETRY_MS, previousMs * 2) : FIRST_RETRY_MS;
  const refused = status === 401 || status === 429;
  const serverSeconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : 0;
  const waitMs = Math.max(doubled, serverSeconds * 1000);
  const next = `next try in ${Math.round(waitMs / 1000)}s`;
  if (refused) return { waitMs, refused, message: `token refused: reload with ?token=… · ${next}` };
  if (status === null) return { waitMs, refused, message: `pvlook not reachable · ${next}` };
  return { waitMs, refused, message: `${status === 200 ? 'stream closed' : `HTTP ${status}`} · ${next}` };
}
