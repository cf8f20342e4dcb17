/**
 * The fastest honest single-threaded tokenizing the word-count benchmarks
 * compare with: one `charCodeAt` scan, each word sliced into a `Map`. Shared
 * by the batch benchmark's per-core limit loop and the streaming benchmark's
 * scan loop; `scanTokens` is the same scan as a flatMap function (one array
 * of words per line), for the engine and the loop shaped like its job.
 */

/**
 * The words of `line` by one `charCodeAt` scan. It refers to nothing outside
 * itself, so it ships to executors as source text.
 */
export const scanTokens = (line: string): Array<string> => {
  const out: Array<string> = []
  let from = 0
  for (let i = 0; i <= line.length; i++) {
    if (i === line.length || line.charCodeAt(i) === 32) {
      if (i > from) out.push(line.slice(from, i))
      from = i + 1
    }
  }
  return out
}

/** Counts the space- or newline-separated words of `text` into `counts` (the last word needs no separator); returns how many. */
export const scanWords = (text: string, counts: Map<string, number>): number => {
  let words = 0
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 32 || c === 10) {
      if (i > start) {
        const word = text.slice(start, i)
        counts.set(word, (counts.get(word) ?? 0) + 1)
        words++
      }
      start = i + 1
    }
  }
  if (text.length > start) {
    const word = text.slice(start)
    counts.set(word, (counts.get(word) ?? 0) + 1)
    words++
  }
  return words
}

/** Counts the words of a batch of lines with `scanWords`; returns how many. */
export const scanLines = (lines: ReadonlyArray<string>): number => {
  const counts = new Map<string, number>()
  let words = 0
  for (const line of lines) words += scanWords(line, counts)
  return words
}
