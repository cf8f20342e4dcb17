/**
 * Queue, constant and file streams report their real record counts to the
 * InputInfoTracker: a listener sees them in `streamIdToInputInfo` and
 * `numRecords`, for RDDs whose count the driver knows (parallelized) and for
 * those counted by a job (filtered, text files). Run on the test clock.
 */
import { assert, describe, it } from "@effect/vitest"
import type { RDD } from "@tspark/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as path from "node:path"
import type { BatchInfo } from "../../src/scheduler/StreamingListener.js"
import * as Testing from "../../src/testing/index.js"
import { makeStreaming, range, tempDir } from "../utils/streaming.js"

const NOW = 1_700_000_000_000

/** Completed batches in order: their total and per-stream counts. */
const recordBatches = (ssc: { addStreamingListener: (l: { onBatchCompleted: (b: BatchInfo) => void }) => Effect.Effect<void> }) =>
  Effect.gen(function*() {
    const batches: Array<BatchInfo> = []
    yield* ssc.addStreamingListener({ onBatchCompleted: (b) => void batches.push(b) })
    return batches
  })
const perStream = (batch: BatchInfo) => [...batch.streamIdToInputInfo.values()].map((i) => [i.inputStreamId, i.numRecords])

describe("input record counts", () => {
  it.effect("queue stream: each batch reports the records of the RDD it took (known, unioned, counted by a job, empty)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      const queue: Array<RDD.RDD<number>> = [
        sc.parallelize(range(1, 3), 2),
        sc.parallelize(range(1, 10), 3).filter((x) => x % 2 === 0), // not known on the driver: a count job
        sc.parallelize([], 1)
      ]
      const batches = yield* recordBatches(ssc)
      const seen: Array<number> = []
      ssc.queueStream(queue).foreachRDD((rdd) => Effect.map(rdd.count(), (n) => void seen.push(n)))
      yield* Testing.runToBatch(ssc, 4) // the 4th batch finds the queue empty
      yield* ssc.waitForListeners()
      assert.deepStrictEqual(seen, [3, 5, 0, 0])
      assert.deepStrictEqual(batches.map((b) => b.numRecords), [3, 5, 0, 0])
      for (const batch of batches) assert.strictEqual(batch.streamIdToInputInfo.size, 1)
      assert.deepStrictEqual(perStream(batches[1]!), [[0, 5]])
    })))

  it.effect("queue stream not one at a time: the union of everything queued", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      const queue: Array<RDD.RDD<number>> = [sc.parallelize(range(1, 4), 2), sc.parallelize(range(1, 6), 2)]
      const batches = yield* recordBatches(ssc)
      ssc.queueStream(queue, false).foreachRDD(() => Effect.void)
      yield* Testing.runToBatch(ssc, 1)
      queue.push(sc.parallelize(range(1, 7), 1).map((x) => x * 2))
      yield* Testing.advanceBatches(ssc, 1)
      yield* ssc.waitForListeners()
      assert.deepStrictEqual(batches.map((b) => b.numRecords), [10, 7])
    })))

  it.effect("constant stream: the same count every batch; two input streams add up in numRecords", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      const batches = yield* recordBatches(ssc)
      const known = ssc.constantStream(sc.parallelize(range(1, 4), 2))
      const counted = ssc.constantStream(sc.parallelize(range(1, 9), 2).filter((x) => x > 2))
      known.union(counted).foreachRDD(() => Effect.void)
      yield* Testing.runToBatch(ssc, 3)
      yield* ssc.waitForListeners()
      assert.deepStrictEqual(batches.map((b) => b.numRecords), [11, 11, 11])
      for (const batch of batches) assert.deepStrictEqual(perStream(batch).sort(), [[0, 4], [1, 7]])
    })))

  it.effect("file stream: each batch reports its files and their lines", () =>
    Effect.scoped(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const dir = yield* tempDir("tspark-inputcounts-")
      const { ssc } = yield* makeStreaming({ checkpoint: false })
      const batches = yield* recordBatches(ssc)
      ssc.textFileStream(dir).foreachRDD(() => Effect.void)
      yield* ssc.start()
      const zero = ssc.graph.zeroTime!
      const write = (name: string, lines: number, batch: number) => {
        const file = path.join(dir, name)
        fs.writeFileSync(file, range(1, lines).map((i) => `${name} ${i}`).join("\n") + "\n")
        const mtime = (zero + batch * 1000 - 500) / 1000
        fs.utimesSync(file, mtime, mtime)
      }
      write("a.txt", 3, 1)
      write("b.txt", 4, 1)
      yield* Testing.advanceBatches(ssc, 1)
      yield* Testing.advanceBatches(ssc, 1) // no new file
      write("c.txt", 5, 3)
      yield* Testing.advanceBatches(ssc, 1)
      yield* ssc.waitForListeners()
      assert.deepStrictEqual(batches.map((b) => b.numRecords), [7, 0, 5])
      const first = [...batches[0]!.streamIdToInputInfo.values()][0]!
      const files = (first.metadata["files"] as Array<string>).map((f) => path.basename(f)).sort()
      assert.deepStrictEqual(files, ["a.txt", "b.txt"])
      assert.deepStrictEqual(
        String(first.metadata["Description"]).split("\n").map((f) => path.basename(f)).sort(),
        ["a.txt", "b.txt"]
      )
      assert.deepStrictEqual([...batches[1]!.streamIdToInputInfo.values()][0]!.metadata["files"], [])
    })))
})
