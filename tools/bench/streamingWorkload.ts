/**
 * The streaming word-count workload the streaming benchmarks share: seeded
 * lines of words, the sustained-rate test, the engine's pipeline
 * (flatMap -> map -> reduceByKey -> collect per 100 ms batch) and the rate
 * search. Used by streamingWordCount.ts and uiOverhead.ts; the end-to-end
 * latency runs are in streamingLatency.ts. The web UI is off unless `conf`
 * turns it on (uiOverhead.ts measures its cost).
 */
import { type RDD, SparkContext } from "@tspark/core"
import { type DStream, StreamingContext } from "@tspark/streaming"
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

export type Conf = Readonly<Record<string, string | number | boolean>>

/** The engine's word count of `lines`, one output per batch, split into the context's default parallelism. */
export const engineWordCount = (lines: DStream.DStream<string>, partitions: number, output: (total: number) => void) =>
  lines
    .flatMap((line) => line.split(" "))
    .map((word) => [word, 1] as const)
    .reduceByKey((a, b) => a + b, partitions)
    .foreachRDD((rdd) => rdd.collect().pipe(Effect.map((counts) => output(counts.reduce((sum, [, n]) => sum + n, 0)))))

/**
 * Where a batch's lines are when its batch starts: in the driver (queue RDDs
 * of parallelized lines, shipped with each task), or already in the
 * executors' memory (the same RDDs cached and computed before the stream
 * starts, so each batch's tasks read their partition where it is, as they
 * read a receiver's blocks: no record goes through the driver). The cached
 * lines are held as objects (MEMORY_ONLY): unlike a receiver's serialized
 * blocks, reading them decodes nothing, so this side is an upper bound.
 */
export type Input = "driver" | "executors"

/**
 * The engine's per-batch delays at `rate` words/s over `batches` batches: a
 * StreamingContext on the real clock over `sc` counting a queue of pre-built
 * batches, each split into the context's default parallelism (one partition
 * on `local[1]`, one per executor on `local-cluster[2,1,mem]`). `total`
 * counts the wait for an earlier batch against a batch; `processing` is its
 * own work. Stops the StreamingContext, not `sc`.
 */
const delaysOn = (sc: SparkContext.SparkContext, rate: number, batches: number, input: Input = "driver") =>
  Effect.scoped(Effect.gen(function*() {
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
    const partitions = sc.defaultParallelism
    const queue: Array<RDD.RDD<string>> = Array.from(
      { length: batches },
      () => sc.parallelize(makeLines((rate * BATCH_MS) / 1000), partitions)
    )
    if (input === "executors") {
      // Placed before the stream starts (not timed): each batch's lines wait in the executors' memory, as received blocks would.
      for (const rdd of queue) yield* rdd.cache().count()
      yield* Effect.addFinalizer(() => Effect.sync(() => queue.forEach((rdd) => rdd.unpersist())))
    }
    const total: Array<number> = []
    const processing: Array<number> = []
    yield* ssc.addStreamingListener({
      onBatchCompleted: (batch) => {
        if (batch.totalDelay === undefined || batch.processingDelay === undefined || total.length >= batches) return
        total.push(batch.totalDelay)
        processing.push(batch.processingDelay)
      }
    })
    engineWordCount(ssc.queueStream(queue, true), partitions, () => undefined)
    yield* ssc.start()
    yield* ssc.awaitCompletedBatches(batches)
    yield* ssc.waitForListeners()
    yield* ssc.stop({ stopSparkContext: false })
    return { total, processing }
  }))

const makeContext = (master: string, conf: Conf) =>
  SparkContext.make({ master, appName: "bench", conf: { "spark.ui.enabled": false, ...conf } })

/** `delaysOn` a SparkContext of its own on `master` (the web UI off unless `conf` turns it on). */
export const engineDelays = (rate: number, conf: Conf = {}, batches = BATCHES, master = "local[1]") =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(makeContext(master, conf), (sc) => delaysOn(sc, rate, batches))))

/** Whether the engine sustains `rate`: its total delays (see `engineDelays`) pass `sustained`. */
export const engineSustains = async (rate: number, conf: Conf = {}, master = "local[1]") =>
  sustained((await engineDelays(rate, conf, BATCHES, master)).total)

/**
 * Runs `f` with one SparkContext on `master` kept for all its probes (each a
 * StreamingContext of its own), so executors start and warm up once rather
 * than per probe; `f` gets the context and a `sustains` test on it; `input`
 * says where each batch's lines wait (`Input`).
 */
export const withEngine = <A>(
  master: string,
  f: (sc: SparkContext.SparkContext, sustains: (rate: number) => Promise<boolean>) => Promise<A>,
  input: Input = "driver"
): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const sc = yield* makeContext(master, {})
    return yield* Effect.promise(() =>
      f(sc, (rate) => Effect.runPromise(delaysOn(sc, rate, BATCHES, input)).then((delays) => sustained(delays.total)))
    )
  })))

/**
 * The largest rate `sustains` holds, printed under `name`: from 100k words/s,
 * doubling while it holds (or halving until it does, down to 1k), then six
 * bisections. 0 when not even 1k words/s holds.
 */
export const search = async (name: string, sustains: (rate: number) => Promise<boolean>) => {
  let low = 100_000
  let high = low
  if (await sustains(low)) {
    while (await sustains(high *= 2)) {
      low = high
      if (high > 200_000_000) break
    }
  } else {
    do {
      high = low
      low = Math.round(low / 2)
    } while (low >= 1_000 && !(await sustains(low)))
    if (low < 1_000) low = 0
  }
  for (let i = 0; i < 6 && low > 0; i++) {
    const mid = Math.round((low + high) / 2)
    if (await sustains(mid)) low = mid
    else high = mid
  }
  console.log(`${name.padEnd(18)} ${(low / 1e6).toFixed(2).padStart(6)}M words/s sustained in ${BATCH_MS} ms batches`)
  return low
}
