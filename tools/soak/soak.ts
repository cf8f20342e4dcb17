/**
 * Real-clock soak of a streaming application: `local[2]`, queue input,
 * 100 ms batches, a 1 s window and `updateStateByKey` over 1,000 keys, with a
 * checkpoint directory. Every 10 s it prints RSS, heap used (after a forced
 * GC when node runs with --expose-gc), blocks known to the BlockManagerMaster,
 * registered shuffles, RDDs held by the DStreams, the checkpoint directory's
 * bytes and files, and the scheduling delay p50/p99 of the batches completed
 * in that interval.
 *
 *   npm run soak -- --minutes 10 [--records 1000] [--keys 1000] [--memory-mb 64]
 *
 * `--memory-mb` sets `spark.executor.memory` (the block store gets its
 * storage fraction), to watch the store's limit being honoured.
 */
import { type RDD, SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  const value = i < 0 ? undefined : Number(process.argv[i + 1])
  return value === undefined || !Number.isFinite(value) ? fallback : value
}
const MINUTES = arg("minutes", 5)
const RECORDS = arg("records", 1000)
const KEYS = arg("keys", 1000)
const BATCH_MS = 100
const MEMORY_MB = arg("memory-mb", 0)
const REPORT_MS = 10_000

const dirStats = (dir: string): { bytes: number; files: number } => {
  let bytes = 0
  let files = 0
  const walk = (d: string) => {
    let entries: Array<fs.Dirent>
    try {
      entries = fs.readdirSync(d, { withFileTypes: true })
    } catch {
      return // removed while walking
    }
    for (const e of entries) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else {
        try {
          bytes += fs.statSync(p).size
          files++
        } catch {
          // removed while walking
        }
      }
    }
  }
  walk(dir)
  return { bytes, files }
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

const mb = (n: number) => (n / 1024 / 1024).toFixed(0)

const main = Effect.scoped(Effect.gen(function*() {
  const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-soak-"))
  const sc = yield* SparkContext.make({
    master: "local[2]",
    appName: "tspark-soak",
    ...(MEMORY_MB > 0 ? { conf: { "spark.executor.memory": `${MEMORY_MB}m` } } : {})
  })
  const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
  yield* ssc.checkpoint(checkpointDir)
  const queue: Array<RDD.RDD<number>> = []
  let next = 0
  const input = ssc.queueStream(queue, true)
  const pairs = input.map((n) => [n % 1000, 1] as [number, number])
  const windowed = pairs.reduceByKeyAndWindow((a, b) => a + b, "1 second", "100 millis")
  const state = pairs.updateStateByKey((values: Array<number>, total: number | undefined) => {
    let sum = total ?? 0
    for (const v of values) sum += v
    return sum
  })
  let lastWindow = 0
  let lastState = 0
  windowed.foreachRDD((rdd) => Effect.map(rdd.count(), (n) => void (lastWindow = n)))
  state.foreachRDD((rdd) => Effect.map(rdd.count(), (n) => void (lastState = n)))
  const delays: Array<number> = []
  let completed = 0
  yield* ssc.addStreamingListener({
    onBatchCompleted: (b) => {
      completed++
      if (b.schedulingDelay !== undefined) delays.push(b.schedulingDelay)
    }
  })
  // The producer keeps a few batches queued ahead, so input never runs dry.
  const feed = setInterval(() => {
    while (queue.length < 3) {
      const data = new Array<number>(RECORDS)
      for (let i = 0; i < RECORDS; i++) data[i] = next++ % KEYS
      queue.push(sc.parallelize(data, 2))
    }
  }, BATCH_MS / 2)
  const gc = (globalThis as { gc?: () => void }).gc
  const t0 = Date.now()
  console.log(
    `soak: ${MINUTES} min, ${RECORDS} records/batch over ${KEYS} keys, checkpoint ${checkpointDir}${
      gc === undefined ? " (no --expose-gc: heap is not after GC)" : ""
    }`
  )
  if (MEMORY_MB > 0) console.log(`block store limit: ${mb(sc.blockManager.maxMemory)} MB`)
  console.log("t(s)  rss(MB) heap(MB) blocks memMB shuffles rdds ckptMB ckptFiles batches p50(ms) p99(ms) window state")
  const report = () => {
    gc?.()
    const mem = process.memoryUsage()
    const ckpt = dirStats(checkpointDir)
    const rdds = ssc.graph.rememberedRDDs().length
    const sorted = delays.splice(0).sort((a, b) => a - b)
    console.log([
      ((Date.now() - t0) / 1000).toFixed(0).padStart(4),
      mb(mem.rss).padStart(7),
      mb(mem.heapUsed).padStart(8),
      String(sc.blockManagerMaster.blockCount).padStart(6),
      mb(sc.blockManager.memoryUsed).padStart(5),
      String(sc.mapOutputTracker.shuffleCount).padStart(8),
      String(rdds).padStart(4),
      (ckpt.bytes / 1024 / 1024).toFixed(1).padStart(6),
      String(ckpt.files).padStart(9),
      String(completed).padStart(7),
      String(percentile(sorted, 50)).padStart(7),
      String(percentile(sorted, 99)).padStart(7),
      String(lastWindow).padStart(6),
      String(lastState).padStart(5)
    ].join(" "))
  }
  const reporter = setInterval(report, REPORT_MS)
  yield* ssc.start()
  yield* Effect.sleep(`${MINUTES} minutes`)
  clearInterval(reporter)
  clearInterval(feed)
  const stopStart = Date.now()
  yield* ssc.stop({ stopSparkContext: true })
  console.log(`stopped in ${Date.now() - stopStart} ms`)
  fs.rmSync(checkpointDir, { recursive: true, force: true })
}))

void Effect.runPromise(main).then(() => process.exit(0), (error: unknown) => {
  console.error(error)
  process.exit(1)
})
