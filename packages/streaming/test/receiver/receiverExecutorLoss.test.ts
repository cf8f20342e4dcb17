// The executor process running a receiver is SIGKILLed: the tracker starts
// the receiver again on another executor and counting goes on; blocks the
// lost executor stored with the default level (_2) are read from their
// replicas, so every batch processes exactly the records it was given.
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import type { ReceiverInfo } from "../../src/scheduler/ReceiverInfo.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { sleepReal, waitUntil } from "../utils/realTime.js"
import { startLineServer } from "../utils/lineServer.js"

describe("receiver executor loss", () => {
  it.live("a SIGKILLed receiver executor: the receiver restarts elsewhere, replicated blocks are still read", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* Effect.acquireRelease(
        Effect.promise(() => startLineServer({ total: 1_000_000, linesPerTick: 10, tickMs: 5 })),
        (s) => Effect.promise(() => s.close())
      )
      const sc = yield* SparkContext.make({
        master: "local-process[3,1,256]",
        appName: "receiver executor loss",
        conf: { "spark.streaming.blockInterval": "100ms", "spark.streaming.receiverRestartDelay": "100ms" }
      })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
      const processed = new Map<number, number>()
      const reported = new Map<number, number>()
      const failures: Array<string> = []
      const seen = new Set<string>()
      let duplicates = 0
      const started: Array<ReceiverInfo> = []
      ssc.socketTextStream("127.0.0.1", server.port).foreachRDD((rdd, time) =>
        Effect.map(rdd.collect(), (lines) => {
          processed.set(time, lines.length)
          for (const line of lines) {
            if (seen.has(line)) duplicates++
            seen.add(line)
          }
        })
      )
      yield* ssc.addStreamingListener({
        onReceiverStarted: (info) => void started.push(info),
        onBatchCompleted: (batch) => {
          for (const info of batch.streamIdToInputInfo.values()) reported.set(batch.batchTime, info.numRecords)
        },
        onOutputOperationCompleted: (info) => {
          if (info.failureReason !== undefined) failures.push(info.failureReason)
        }
      })
      yield* ssc.start()
      yield* waitUntil(() => started.length > 0 && seen.size >= 300, "the receiver to start and lines to be counted", 60_000)
      const first = started[0]!.executorId
      // Mid-batch: blocks stored since the last batch live on the receiver's executor and a replica.
      yield* sleepReal(450)
      yield* sc.killExecutor(first)
      const before = seen.size
      yield* waitUntil(() => started.some((info) => info.executorId !== first), "the receiver to start on another executor", 60_000)
      yield* waitUntil(() => seen.size >= before + 500, "counting to go on after the restart", 60_000)
      yield* ssc.stop({ stopGracefully: true })
      yield* ssc.waitForListeners()
      assert.deepStrictEqual(failures, [])
      assert.strictEqual(duplicates, 0)
      // Every batch read all the records allocated to it: no block was lost with the executor.
      for (const [time, count] of reported) assert.strictEqual(processed.get(time) ?? 0, count, `batch ${time}`)
      assert.notInclude(sc.executorIds, first)
    })))
})
