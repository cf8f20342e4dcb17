/**
 * The seams: allocateBlocksToBatch before generateJobs, DoCheckpoint every
 * batch; listener events in order with consistent BatchInfo.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import type { BatchInfo, OutputOperationInfo } from "../../src/scheduler/StreamingListener.js"
import * as Testing from "../../src/testing/index.js"
import { makeStreaming } from "../utils/streaming.js"

describe("JobGenerator hooks", () => {
  it.effect("allocateBlocksToBatch(time) runs before the graph computes that batch; DoCheckpoint runs for every batch", () =>
    Effect.scoped(Effect.gen(function*() {
      const log: Array<string> = []
      const { sc, ssc } = yield* makeStreaming({
        hooks: {
          allocateBlocksToBatch: (time) => Effect.sync(() => void log.push(`allocate ${time}`)),
          doCheckpoint: (time, clearLater) => Effect.sync(() => void log.push(`checkpoint ${time} ${clearLater}`))
        }
      })
      ssc.constantStream(sc.parallelize([1], 1))
        .transform((rdd, time) => {
          log.push(`compute ${time}`)
          return rdd
        })
        .foreachRDD((_rdd, time) => void log.push(`output ${time}`))
      yield* Testing.runToBatch(ssc, 3)
      for (let i = 0; i < 100 && !log.includes("checkpoint 3000 true"); i++) yield* Effect.yieldNow
      for (const time of [1000, 2000, 3000]) {
        const at = (entry: string) => log.indexOf(`${entry}`)
        assert.isAtLeast(at(`allocate ${time}`), 0)
        assert.isBelow(at(`allocate ${time}`), at(`compute ${time}`), log.join("; "))
        assert.isBelow(at(`compute ${time}`), at(`checkpoint ${time} false`), log.join("; "))
        assert.isBelow(at(`checkpoint ${time} false`), at(`checkpoint ${time} true`), log.join("; "))
        assert.isBelow(at(`output ${time}`), at(`checkpoint ${time} true`), log.join("; "))
        // exactly once each
        for (
          const entry of [`allocate ${time}`, `compute ${time}`, `output ${time}`, `checkpoint ${time} false`, `checkpoint ${time} true`]
        ) {
          assert.strictEqual(log.filter((e) => e === entry).length, 1, entry)
        }
      }
    })))
})

describe("StreamingListener", () => {
  it.effect("events arrive in order with consistent BatchInfo delays", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      const events: Array<string> = []
      const batches: Array<[string, BatchInfo]> = []
      const ops: Array<[string, OutputOperationInfo]> = []
      yield* ssc.addStreamingListener({
        onStreamingStarted: (time) => void events.push(`started ${time}`),
        onBatchSubmitted: (b) => {
          events.push(`submitted ${b.batchTime}`)
          batches.push(["submitted", b])
        },
        onBatchStarted: (b) => {
          events.push(`batchStarted ${b.batchTime}`)
          batches.push(["started", b])
        },
        onBatchCompleted: (b) => {
          events.push(`batchCompleted ${b.batchTime}`)
          batches.push(["completed", b])
        },
        onOutputOperationStarted: (o) => {
          events.push(`opStarted ${o.batchTime} ${o.id}`)
          ops.push(["started", o])
        },
        onOutputOperationCompleted: (o) => {
          events.push(`opCompleted ${o.batchTime} ${o.id}`)
          ops.push(["completed", o])
        }
      })
      const input = ssc.constantStream(sc.parallelize([1, 2], 1))
      // the first output takes 300 ms of (test) clock time
      input.foreachRDD(() => Effect.sleep(300))
      input.count().print()
      yield* ssc.start()
      yield* TestClock.adjust(1000)
      yield* TestClock.adjust(300)
      yield* ssc.awaitCompletedBatches(1)
      yield* TestClock.adjust(700)
      yield* TestClock.adjust(300)
      yield* ssc.awaitCompletedBatches(2)
      yield* ssc.waitForListeners()
      const expectedFor = (t: number) => [
        `submitted ${t}`,
        `batchStarted ${t}`,
        `opStarted ${t} 0`,
        `opCompleted ${t} 0`,
        `opStarted ${t} 1`,
        `opCompleted ${t} 1`,
        `batchCompleted ${t}`
      ]
      assert.deepStrictEqual(events, ["started 0", ...expectedFor(1000), ...expectedFor(2000)])
      for (const time of [1000, 2000]) {
        const completed = batches.find(([kind, b]) => kind === "completed" && b.batchTime === time)![1]
        assert.strictEqual(completed.submissionTime, time)
        assert.strictEqual(completed.processingStartTime, time)
        assert.strictEqual(completed.processingEndTime, time + 300)
        assert.strictEqual(completed.schedulingDelay, 0)
        assert.strictEqual(completed.processingDelay, 300)
        assert.strictEqual(completed.totalDelay, completed.schedulingDelay! + completed.processingDelay!)
        assert.deepStrictEqual([...completed.outputOperationInfos.keys()].sort(), [0, 1])
        const op0 = completed.outputOperationInfos.get(0)!
        assert.strictEqual(op0.startTime, time)
        assert.strictEqual(op0.endTime, time + 300)
        assert.isUndefined(op0.failureReason)
        const submitted = batches.find(([kind, b]) => kind === "submitted" && b.batchTime === time)![1]
        assert.isUndefined(submitted.processingStartTime)
        assert.isUndefined(submitted.totalDelay)
      }
    })))

  it.effect("with the clock jumping, queued batches show a scheduling delay", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      const completed: Array<BatchInfo> = []
      yield* ssc.addStreamingListener({ onBatchCompleted: (b) => void completed.push(b) })
      // each batch takes 1.5 batch intervals, so batch 2000 waits for batch 1000
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD(() => Effect.sleep(1500))
      yield* ssc.start()
      yield* TestClock.adjust(2500)
      yield* TestClock.adjust(1500)
      yield* ssc.awaitCompletedBatches(2)
      yield* ssc.waitForListeners()
      const [first, second] = completed
      assert.deepStrictEqual(
        [first!.batchTime, first!.submissionTime, first!.processingStartTime, first!.processingEndTime],
        [1000, 1000, 1000, 2500]
      )
      assert.deepStrictEqual(
        [second!.batchTime, second!.submissionTime, second!.processingStartTime, second!.processingEndTime],
        [2000, 2000, 2500, 4000]
      )
      assert.strictEqual(second!.schedulingDelay, 500)
      assert.strictEqual(second!.processingDelay, 1500)
      assert.strictEqual(second!.totalDelay, 2000)
    })))
})
