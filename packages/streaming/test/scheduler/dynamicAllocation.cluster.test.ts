// Streaming's dynamic allocation started by the StreamingContext on real
// worker-thread executors (real clock; every wait bounded): batches slower
// than the interval gain an executor; a light load gives executors back down
// to the minimum, never the one running the receiver, while counting goes on;
// a backend that cannot allocate refuses at start and leaves the context as
// it was. The direction of each decision does not depend on the machine's
// speed: slow batches sleep longer than the interval, light ones do almost
// nothing in a whole second.
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import type { ExecutorAllocationDecision } from "../../src/scheduler/StreamingListener.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { startLineServer } from "../utils/lineServer.js"
import { waitUntil } from "../utils/realTime.js"

const lineServer = Effect.acquireRelease(
  Effect.promise(() => startLineServer({ total: 1_000_000, linesPerTick: 5, tickMs: 10 })),
  (server) => Effect.promise(() => server.close())
)

const allocation = (extra: Record<string, string | number | boolean>) => ({
  "spark.streaming.dynamicAllocation.enabled": true,
  "spark.streaming.dynamicAllocation.scalingInterval": "1s",
  ...extra
})

describe("streaming dynamic allocation on worker-thread executors", () => {
  it.live("batches slower than the interval gain an executor, up to maxExecutors", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({
        master: "local-cluster[1,1,128]",
        conf: allocation({ "spark.streaming.dynamicAllocation.maxExecutors": 2 })
      })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 300 })
      const decisions: Array<ExecutorAllocationDecision> = []
      const added: Array<string> = []
      sc.addSparkListener({ onExecutorAdded: (e) => void (e.executorId === "exec-0" || added.push(e.executorId)) })
      yield* ssc.addStreamingListener({ onExecutorAllocationDecision: (d) => void decisions.push(d) })
      // Every batch has one task that sleeps 500 ms: processing takes more than the 300 ms interval however fast the machine.
      ssc.constantStream(sc.parallelize([1], 1)).map((x) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500)
        return x
      }).foreachRDD((rdd) => Effect.asVoid(rdd.count()))
      yield* ssc.start()
      yield* waitUntil(() => added.length > 0, "a second executor", 60_000)
      yield* ssc.stop({ stopSparkContext: false })
      const requested = decisions.filter((d) => d.action === "RequestExecutors")
      assert.isAbove(requested.length, 0)
      for (const d of requested) {
        assert.isAbove(d.ratio, 0.9)
        assert.isTrue(d.acknowledged)
        assert.isAtMost(d.requestedTotal!, 2)
      }
      assert.deepStrictEqual(added, ["exec-1"], "never more than maxExecutors")
    })), { timeout: 90_000 })

  it.live(
    "a light load gives executors back down to the minimum, never the receiver's, and counting goes on",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* lineServer
        // Two cores each: at the minimum the receiver's executor still has a core for the batches (with one, they would
        // wait for spark.locality.wait, then for an executor that is not there).
        const sc = yield* SparkContext.make({ master: "local-cluster[3,2,128]", conf: allocation({}) })
        const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
        const decisions: Array<ExecutorAllocationDecision> = []
        let receiverExecutor: string | undefined
        let counted = 0
        yield* ssc.addStreamingListener({
          onExecutorAllocationDecision: (d) => void decisions.push(d),
          onReceiverStarted: (info) => void (receiverExecutor = info.executorId)
        })
        ssc.socketTextStream("127.0.0.1", server.port).foreachRDD((rdd) => Effect.map(rdd.count(), (n) => void (counted += n)))
        yield* ssc.start()
        // One receiver: the minimum is one executor, the one running it.
        yield* waitUntil(() => receiverExecutor !== undefined && sc.executorIds.length === 1, "executors given back", 60_000)
        assert.deepStrictEqual(sc.executorIds, [receiverExecutor])
        const before = counted
        // A round at the minimum: a light batch on a loaded machine may take a round out of the scaling-down range first.
        const atMinimum = () => {
          const last = decisions.at(-1)
          return last?.action === "NoChange" && last.reason.includes("minimum")
        }
        yield* waitUntil(() => atMinimum() && counted > before, "a round at the minimum", 60_000)
        yield* ssc.stop({ stopSparkContext: false })
        const kills = decisions.filter((d) => d.action === "KillExecutor")
        assert.isAtLeast(kills.length, 2)
        for (const d of kills) {
          assert.isBelow(d.ratio, 0.3)
          assert.notStrictEqual(d.executorId, receiverExecutor)
        }
      })),
    { timeout: 90_000 }
  )

  it.effect("a local master refuses at start, naming what to change; the context can still start without it", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[2]", conf: allocation({}) })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
      ssc.queueStream([sc.parallelize([1], 1)]).foreachRDD((rdd) => Effect.asVoid(rdd.count()))
      const error = yield* Effect.flip(ssc.start())
      assert.strictEqual(error._tag, "DynamicAllocationUnsupportedError")
      assert.match(error.message, /local\[2\] backend runs every task in the driver/)
      assert.strictEqual(ssc.getState(), "INITIALIZED")
    })))
})
