/**
 * The receiver write-ahead log on worker-thread executors
 * (local-cluster[2,1,256]): the checkpoint directory reaches the shipped
 * receiver, blocks are reported with their log records across the thread
 * boundary, and after an abrupt stop with every batch unfinished a new
 * cluster (whose block managers hold none of the blocks) recovers through
 * getOrCreate and counts every line exactly once, reading the blocks from
 * the log in shipped tasks. Real sockets and executors need the real clock:
 * waits are bounded polls that can only fail late.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as StreamingContext from "../../src/StreamingContext.js"
import { startLineServer } from "../utils/lineServer.js"
import { sleepReal, waitUntil } from "../utils/realTime.js"
import { tempDir } from "../utils/streaming.js"

const conf = {
  "spark.streaming.receiver.writeAheadLog.enable": "true",
  "spark.streaming.blockInterval": "100ms",
  "spark.streaming.receiverRestartDelay": "100ms"
}

/** Lines counted per batch into `out`; with `hang`, no batch ever finishes. */
const application = (sc: SparkContext.SparkContext, checkpointDir: string, port: number, out: Array<string>, hang: boolean) => () =>
  Effect.gen(function*() {
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1500 })
    yield* ssc.checkpoint(checkpointDir)
    ssc.socketTextStream("127.0.0.1", port).foreachRDD((rdd) =>
      hang ? Effect.never : Effect.map(rdd.collect(), (lines) => void out.push(...lines))
    )
    return ssc
  })

/** Records reported to the driver: queued, or given to any batch generated so far. */
const reportedRecords = (ssc: StreamingContext.StreamingContext) => {
  const tracker = ssc.receiverTracker()?.receivedBlockTracker
  if (tracker === undefined) return 0
  const blocks = [...tracker.getUnallocatedBlocks(0), ...ssc.generatedBatchTimes.flatMap((t) => tracker.getBlocksOfBatchAndStream(t, 0))]
  if (blocks.some((b) => b.walRecordHandle === undefined)) throw new Error("a block was reported without its log record")
  return blocks.reduce((n, b) => n + (b.numRecords ?? 0), 0)
}

describe("the receiver write-ahead log on local-cluster[2,1,256]", () => {
  it.live(
    "an abrupt stop with every batch unfinished recovers on a new cluster: every line exactly once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const checkpointDir = yield* tempDir("tspark-wal-cluster-")
        const server = yield* Effect.acquireRelease(
          Effect.promise(() => startLineServer({ total: 2000, linesPerTick: 20, tickMs: 5 })),
          (s) => Effect.promise(() => s.close())
        )
        const seen: Array<string> = []
        yield* Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master: "local-cluster[2,1,256]", appName: "wal cluster test", conf })
          const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(sc, checkpointDir, server.port, [], true))
          yield* ssc.start()
          yield* waitUntil(() => server.sent() === 2000 && reportedRecords(ssc) === 2000, "every line stored and reported")
          yield* waitUntil(() => fs.readdirSync(checkpointDir).some((f) => f.startsWith("checkpoint-")), "a checkpoint")
          yield* ssc.stop({ stopSparkContext: true, stopGracefully: false })
        }))
        assert.isAbove(fs.readdirSync(path.join(checkpointDir, "receivedData", "0")).length, 0)

        const sc2 = yield* SparkContext.make({ master: "local-cluster[2,1,256]", appName: "wal cluster test", conf })
        const ssc2 = yield* StreamingContext.getOrCreate(checkpointDir, application(sc2, checkpointDir, server.port, seen, false))
        yield* ssc2.start()
        yield* waitUntil(() => seen.length >= 2000, "every line counted after the restart", 60_000)
        // A batch or two more: nothing is counted twice.
        yield* sleepReal(1600)
        yield* ssc2.stop()
        const sorted = [...seen].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
        assert.deepStrictEqual(sorted, Array.from({ length: 2000 }, (_, i) => `line-${i}`))
      })),
    120_000
  )
})
