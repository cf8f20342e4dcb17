/**
 * Restart time with unprocessed data in the receiver write-ahead log: a
 * `socketTextStream` application (local[2], the log on) receives about
 * 256 MB of lines whose batches never complete (its output hangs), and is
 * stopped abruptly: every block is in `<checkpointDir>/receivedData` and
 * allocated to a pending batch in the block tracker's log. A new
 * SparkContext then recovers with `StreamingContext.getOrCreate` (no block
 * manager holds the blocks any more: the batches read them from the log).
 * Prints the time from the restart (a new SparkContext) to the first
 * recovered batch's completion and to the last one's, and the log's size.
 *
 *   npm run bench:wal-recovery                   # ~256 MB
 *   npm run bench:wal-recovery -- --lines 10000000
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Deferred, Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { argument, startServer } from "./receivingEngine.js"

// The line server's lines are 10 words, about 49 bytes: 5.3M lines are about 256 MB.
const LINES = argument("--lines", 5_300_000)
const BATCH_MS = 2000

const sizeOf = (dir: string): number =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, entry) => sum + (entry.isDirectory() ? sizeOf(path.join(dir, entry.name)) : fs.statSync(path.join(dir, entry.name)).size),
    0
  )

const context = () =>
  SparkContext.make({
    master: "local[2]",
    appName: "bench wal recovery",
    conf: {
      "spark.executor.memory": "4g",
      "spark.streaming.blockInterval": "200ms",
      "spark.streaming.receiver.writeAheadLog.enable": "true",
      "spark.streaming.receiverRestartDelay": "60s"
    }
  })

const application =
  (sc: SparkContext.SparkContext, checkpointDir: string, port: number, output: (n: number) => Effect.Effect<void>) => () =>
    Effect.gen(function*() {
      const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
      yield* ssc.checkpoint(checkpointDir)
      ssc.socketTextStream("127.0.0.1", port).foreachRDD((rdd) => Effect.flatMap(rdd.count(), output))
      return ssc
    })

const program = Effect.gen(function*() {
  const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-bench-wal-recovery-"))
  const server = yield* Effect.promise(() => startServer(LINES))

  // The first run: every batch hangs in its output, so nothing received is processed.
  yield* Effect.scoped(Effect.gen(function*() {
    const sc = yield* context()
    const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(sc, checkpointDir, server.port, () => Effect.never))
    let allocated = 0
    const all = yield* Deferred.make<void>()
    yield* ssc.addStreamingListener({
      onBatchSubmitted: (batch) => {
        allocated += batch.numRecords
        if (allocated >= LINES) Deferred.doneUnsafe(all, Effect.void)
      }
    })
    yield* ssc.start()
    yield* Deferred.await(all).pipe(Effect.timeout("120 seconds"))
    // The batch that took the last blocks has its metadata checkpoint written once it is generated.
    yield* Effect.sleep("1 second")
    yield* ssc.stop({ stopGracefully: false })
  }))
  server.stop()
  const logBytes = sizeOf(path.join(checkpointDir, "receivedData"))

  // The restart: a new SparkContext recovers, and the pending batches read their blocks from the log.
  const result = yield* Effect.scoped(Effect.gen(function*() {
    // The restart's clock starts before the new SparkContext does.
    const start = performance.now()
    const sc = yield* context()
    let counted = 0
    let first: number | undefined
    const done = yield* Deferred.make<number>()
    const output = (n: number) =>
      Effect.sync(() => {
        counted += n
        if (n > 0 && first === undefined) first = performance.now() - start
        if (counted >= LINES) Deferred.doneUnsafe(done, Effect.succeed(performance.now() - start))
      })
    const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(sc, checkpointDir, 1, output))
    yield* ssc.start()
    const last = yield* Deferred.await(done).pipe(Effect.timeout("300 seconds"))
    yield* ssc.stop({ stopGracefully: false })
    return { first: first!, last, counted }
  }))
  fs.rmSync(checkpointDir, { recursive: true, force: true })
  console.log(
    `wal recovery: ${(logBytes / 1e6).toFixed(0)} MB in the receiver log, ${result.counted} lines; restart to the first ` +
      `recovered batch's completion ${(result.first / 1000).toFixed(2)} s, to the last ${(result.last / 1000).toFixed(2)} s ` +
      `(${(logBytes / 1e6 / (result.last / 1000)).toFixed(0)} MB/s read back)`
  )
})

Effect.runPromise(program).then(() => process.exit(0), (error: unknown) => {
  console.error(error)
  process.exit(1)
})
