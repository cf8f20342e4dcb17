// Polls a condition until it holds or a deadline passes; the failure names
// what it waited for and what it saw last, so a hung test says why.
export const waitUntil = async <A>(
  what: string,
  probe: () => Promise<A>,
  done: (value: A) => boolean,
  timeoutMs = 30_000
): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(value)}`)
    }
    // The poll interval only paces the probe; correctness never depends on it.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
