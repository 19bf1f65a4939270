/**
 * Wait for an asynchronous condition (an HTTP answer, a query result), asking
 * again every `everyMs` once the previous answer is in; a generous bound
 * turns a hang into a failure, never a timing assertion. The failure says
 * what the last answer was.
 */
export async function eventually<T>(
  ask: () => Promise<T>,
  holds: (answer: T) => boolean,
  { patienceMs = 60_000, everyMs = 250, what = 'condition' }: { patienceMs?: number; everyMs?: number; what?: string } = {},
): Promise<T> {
  const giveUp = Date.now() + patienceMs;
  for (;;) {
    let seen: string;
    try {
      const answer = await ask();
      if (holds(answer)) return answer;
      seen = JSON.stringify(answer);
    } catch (error) {
      seen = String(error);
    }
    if (Date.now() > giveUp) {
      throw new Error(`${what}: not met in ${patienceMs / 1000} s; last answer: ${seen.slice(0, 2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
