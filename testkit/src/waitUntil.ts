// Waiting on the real clock for something a real process does (a server
// starting, a message arriving): polls a condition until it holds or a bound
// passes, so no test depends on a fixed sleep.

/** Resolves once `condition` holds; rejects naming `what` after `timeoutMs` (default 30 s). */
export const waitUntil = async (
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 20
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
