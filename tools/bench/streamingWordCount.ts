/**
 * Streaming word count benchmark: the largest input rate (words/s) whose
 * per-batch processing stays under a 100 ms batch, for
 *   - the engine: a StreamingContext on the real clock, a queue input of
 *     pre-built batches, flatMap -> map -> reduceByKey -> collect per batch;
 *   - a hand-written loop counting each batch's words into a Map;
 *   - RxJS: bufferTime(100) and a reduce of each buffer into a Map.
 * Each rate is tried over several batches; a rate is sustained when the
 * slowest batch but one finishes within the batch interval. A binary search
 * finds the largest sustained rate of each.
 *
 *   npm run bench:streaming
 */
import { bufferTime, Subject } from "rxjs"
import { BATCH_MS, BATCHES, engineSustains, makeLines, search, sustained } from "./streamingWorkload.js"

const countLoop = (lines: ReadonlyArray<string>) => {
  const counts = new Map<string, number>()
  for (const line of lines) for (const word of line.split(" ")) counts.set(word, (counts.get(word) ?? 0) + 1)
  return counts
}

const loopSustains = async (rate: number) => {
  const batches = Array.from({ length: BATCHES }, () => makeLines((rate * BATCH_MS) / 1000))
  const times = batches.map((lines) => {
    const start = performance.now()
    countLoop(lines)
    return performance.now() - start
  })
  return sustained(times)
}

const rxjsSustains = (rate: number) =>
  new Promise<boolean>((resolve) => {
    const batches = Array.from({ length: BATCHES }, () => makeLines((rate * BATCH_MS) / 1000))
    const subject = new Subject<string>()
    const times: Array<number> = []
    let pushTime = 0
    const subscription = subject.pipe(bufferTime(BATCH_MS)).subscribe((buffer) => {
      if (buffer.length === 0) return
      const start = performance.now()
      buffer.reduce((counts, line) => {
        for (const word of line.split(" ")) counts.set(word, (counts.get(word) ?? 0) + 1)
        return counts
      }, new Map<string, number>())
      // Buffers need not line up with the feeder's batches: scale to one batch's worth of lines.
      times.push(((pushTime + performance.now() - start) * batches[0]!.length) / buffer.length)
      if (times.length === BATCHES) {
        subscription.unsubscribe()
        resolve(sustained(times))
      }
    })
    let i = 0
    const feed = () => {
      if (i >= batches.length) return
      const pushStart = performance.now()
      for (const line of batches[i++]!) subject.next(line)
      pushTime = performance.now() - pushStart
      setTimeout(feed, BATCH_MS)
    }
    feed()
  })

const main = async () => {
  console.log(`streaming word count, ${BATCH_MS} ms batches, ${BATCHES} batches per probe, node ${process.version}`)
  const loop = await search("hand-written loop", loopSustains)
  const rx = await search("rxjs bufferTime", rxjsSustains)
  const engine = await search("tspark engine", engineSustains)
  console.log(`engine / rxjs ${(engine / rx).toFixed(2)}x, engine / loop ${(engine / loop).toFixed(2)}x`)
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
