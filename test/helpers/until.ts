/** Wait for a condition, checking every few ms; a generous bound turns a hang into a failure, not a timing assertion. */
export async function until(condition: () => boolean, patienceMs = 30_000): Promise<void> {
  const giveUp = Date.now() + patienceMs;
  while (!condition()) {
    if (Date.now() > giveUp) throw new Error(`condition not met in ${patienceMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
