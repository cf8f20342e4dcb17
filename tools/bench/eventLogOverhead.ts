/**
 * What the event log costs a streaming application: the streaming word count
 * of `streamingWordCount.ts` (flatMap -> map -> reduceByKey -> collect per
 * 100 ms batch, on the real clock) at a fixed input rate, run alternately
 * with `spark.eventLog.enabled` off and on in the same process. For each run,
 * the words processed per second of processing time (batch words / mean
 * processing delay); the closing line gives on / off. The event log must keep
 * the rate within 5% of the rate without it.
 *
 *   npm run build && npx tsx tools/bench/eventLogOverhead.ts [wordsPerSecond] [rounds]
 */
import { type RDD, SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const BATCH_MS = 100
const BATCHES = 30
const WORDS_PER_LINE = 10
const rate = Number(process.argv[2] ?? 2_000_000)
const rounds = Number(process.argv[3] ?? 4)

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

const wordsPerBatch = (rate * BATCH_MS) / 1000
const lines = Array.from({ length: BATCHES }, () => makeLines(wordsPerBatch))

/** Words per second of processing time over a run's batches (the first two, warming up, left out). */
const run = (eventLog: boolean) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-bench-events-"))
    const conf = eventLog ? { "spark.eventLog.enabled": "true", "spark.eventLog.dir": dir } : {}
    const sc = yield* SparkContext.make({ master: "local[1]", appName: "bench", conf })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
    const queue: Array<RDD.RDD<string>> = lines.map((batch) => sc.parallelize(batch, 1))
    const processing: Array<number> = []
    yield* ssc.addStreamingListener({
      onBatchCompleted: (batch) => {
        if (batch.processingDelay !== undefined && batch.numRecords > 0) processing.push(batch.processingDelay)
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
    const logged = eventLog ? fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)).size).reduce((a, b) => a + b, 0) : 0
    fs.rmSync(dir, { recursive: true, force: true })
    const measured = processing.slice(2)
    const mean = measured.reduce((a, b) => a + b, 0) / measured.length
    return { wordsPerSecond: (wordsPerBatch * 1000) / mean, logged }
  })))

const main = async () => {
  console.log(
    `event log overhead: streaming word count at ${rate} words/s, ${BATCHES} batches of ${BATCH_MS} ms, ${rounds} rounds, node ${process.version}`
  )
  const off: Array<number> = []
  const on: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    const a = await run(false)
    const b = await run(true)
    off.push(a.wordsPerSecond)
    on.push(b.wordsPerSecond)
    console.log(
      `round ${round + 1}: off ${(a.wordsPerSecond / 1e6).toFixed(2)}M words/s, on ${
        (b.wordsPerSecond / 1e6).toFixed(2)
      }M words/s (${b.logged} bytes logged)`
    )
  }
  const median = (values: Array<number>) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!
  const ratio = median(on) / median(off)
  console.log(`median: off ${(median(off) / 1e6).toFixed(2)}M, on ${(median(on) / 1e6).toFixed(2)}M words/s; on / off ${ratio.toFixed(3)}`)
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
