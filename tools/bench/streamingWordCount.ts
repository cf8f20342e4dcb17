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
import { SparkContext, type RDD } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { bufferTime, Subject } from "rxjs"

const BATCH_MS = 100
const BATCHES = 8
const WORDS_PER_LINE = 10

let seed = 11
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296
const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${"xyz".slice(0, i % 3)}`)
const makeLines = (words: number): Array<string> => {
  const lines: Array<string> = []
  for (let n = 0; n < words; n += WORDS_PER_LINE) {
    const line: Array<string> = []
    for (let i = 0; i < WORDS_PER_LINE; i++) line.push(vocabulary[Math.floor(random() * random() * vocabulary.length)]!)
    lines.push(line.join(" "))
  }
  return lines
}

/** p(BATCHES-1 of BATCHES): tolerate one outlier batch (a GC pause). */
const sustained = (times: Array<number>) => [...times].sort((a, b) => a - b)[times.length - 2]! < BATCH_MS

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

const engineSustains = (rate: number) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master: "local[1]", appName: "bench" })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
    const queue: Array<RDD.RDD<string>> = Array.from({ length: BATCHES }, () => sc.parallelize(makeLines((rate * BATCH_MS) / 1000), 1))
    const delays: Array<number> = []
    yield* ssc.addStreamingListener({
      onBatchCompleted: (batch) => {
        if (batch.numRecords >= 0 && batch.totalDelay !== undefined && delays.length < BATCHES) delays.push(batch.totalDelay)
      }
    })
    ssc.queueStream(queue, true)
      .flatMap((line) => line.split(" "))
      .map((word) => [word, 1] as const)
      .reduceByKey((a, b) => a + b, 1)
      .foreachRDD((rdd) => rdd.collect())
    yield* ssc.start()
    yield* ssc.awaitCompletedBatches(BATCHES)
    yield* ssc.waitForListeners()
    yield* ssc.stop({ stopSparkContext: true })
    // Total delay (scheduling + processing): a batch that waits for the previous one counts against it.
    return sustained(delays)
  })))

const search = async (name: string, sustains: (rate: number) => Promise<boolean>) => {
  let low = 100_000
  let high = 100_000
  while (await sustains(high)) {
    low = high
    high *= 2
    if (high > 200_000_000) break
  }
  for (let i = 0; i < 6; i++) {
    const mid = Math.round((low + high) / 2)
    if (await sustains(mid)) low = mid
    else high = mid
  }
  console.log(`${name.padEnd(18)} ${(low / 1e6).toFixed(2).padStart(6)}M words/s sustained in ${BATCH_MS} ms batches`)
  return low
}

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
