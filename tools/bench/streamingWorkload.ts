/**
 * The streaming word-count workload the streaming benchmarks share: seeded
 * lines of words, the sustained-rate test, the engine's pipeline
 * (flatMap -> map -> reduceByKey -> collect per 100 ms batch) and the rate
 * search. Used by streamingWordCount.ts and uiOverhead.ts.
 */
import { type RDD, SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"

export const BATCH_MS = 100
export const BATCHES = 8
const WORDS_PER_LINE = 10

let seed = 11
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296
const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${"xyz".slice(0, i % 3)}`)
export const makeLines = (words: number): Array<string> => {
  const lines: Array<string> = []
  for (let n = 0; n < words; n += WORDS_PER_LINE) {
    const line: Array<string> = []
    for (let i = 0; i < WORDS_PER_LINE; i++) line.push(vocabulary[Math.floor(random() * random() * vocabulary.length)]!)
    lines.push(line.join(" "))
  }
  return lines
}

/** p(BATCHES-1 of BATCHES): tolerate one outlier batch (a GC pause). */
export const sustained = (times: Array<number>) => [...times].sort((a, b) => a - b)[times.length - 2]! < BATCH_MS

/**
 * The engine's per-batch delays at `rate` words/s over `batches` batches: a
 * StreamingContext on the real clock (`local[1]` unless `conf` says
 * otherwise) counting a queue of pre-built batches. `total` counts the wait
 * for an earlier batch against a batch; `processing` is its own work.
 */
export const engineDelays = (
  rate: number,
  conf: Readonly<Record<string, string | number | boolean>> = {},
  batches = BATCHES
) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master: "local[1]", appName: "bench", conf })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
    const queue: Array<RDD.RDD<string>> = Array.from({ length: batches }, () => sc.parallelize(makeLines((rate * BATCH_MS) / 1000), 1))
    const total: Array<number> = []
    const processing: Array<number> = []
    yield* ssc.addStreamingListener({
      onBatchCompleted: (batch) => {
        if (batch.totalDelay === undefined || batch.processingDelay === undefined || total.length >= batches) return
        total.push(batch.totalDelay)
        processing.push(batch.processingDelay)
      }
    })
    ssc.queueStream(queue, true)
      .flatMap((line) => line.split(" "))
      .map((word) => [word, 1] as const)
      .reduceByKey((a, b) => a + b, 1)
      .foreachRDD((rdd) => rdd.collect())
    yield* ssc.start()
    yield* ssc.awaitCompletedBatches(batches)
    yield* ssc.waitForListeners()
    yield* ssc.stop({ stopSparkContext: true })
    return { total, processing }
  })))

/** Whether the engine sustains `rate`: its total delays (see `engineDelays`) pass `sustained`. */
export const engineSustains = async (rate: number, conf: Readonly<Record<string, string | number | boolean>> = {}) =>
  sustained((await engineDelays(rate, conf)).total)

/** The largest rate `sustains` holds (doubling, then six halvings), printed under `name`. */
export const search = async (name: string, sustains: (rate: number) => Promise<boolean>) => {
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
