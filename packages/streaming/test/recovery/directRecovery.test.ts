/**
 * A direct stream recovers from the metadata checkpoint on the test clock:
 * stopped abruptly with a batch in flight, `getOrCreate` generates that batch
 * again with exactly the ranges it had, runs the down-time batches from the
 * saved offsets, and every record of the source is counted once.
 */
import { assert, describe, it } from "@effect/vitest"
import type { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as path from "node:path"
import * as DirectInputDStream from "../../src/dstream/DirectInputDStream.js"
import * as OffsetRange from "../../src/dstream/OffsetRange.js"
import { readCheckpoint } from "../../src/internal/recovery.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import { waitUntil } from "../utils/realTime.js"
import { makeSparkContext, tempDir } from "../utils/streaming.js"

const NOW = 1_700_000_000_000
const batch = (k: number) => NOW + k * 1000

type Source = Testing.InMemoryDirectSource.InMemoryDirectSource<string>

interface Output {
  readonly ranges: ReadonlyArray<OffsetRange.OffsetRange>
  readonly records: ReadonlyArray<string>
}

const application =
  (sc: SparkContext.SparkContext, checkpointDir: string, source: Source, out: Map<number, Output>, hangAt?: number) => () =>
    Effect.gen(function*() {
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
      yield* ssc.checkpoint(checkpointDir)
      const stream = DirectInputDStream.make(ssc, source, { offsetReset: "earliest" })
      stream.foreachRDD((rdd, time) =>
        time === hangAt ? Effect.never : Effect.gen(function*() {
          const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
          out.set(time, { ranges, records: yield* rdd.collect() })
          DirectInputDStream.commitAsync(stream, ranges)
        })
      )
      return ssc
    })

const append = (source: Source, partition: string, count: number) => {
  const start = Effect.runSync(source.latestOffsets).get(partition) ?? 0
  source.append(partition, ...Array.from({ length: count }, (_, i) => `${partition}:${start + i}`))
}

const offsetsOf = (ranges: ReadonlyArray<OffsetRange.OffsetRange> | undefined) => ranges?.map(OffsetRange.offsetsOnly)

describe("DirectInputDStream recovery", () => {
  for (const positioned of [false, true]) {
    it.effect(
      `stopped mid-batch, getOrCreate regenerates the pending batch with the same ranges, then continues; each record once${
        positioned ? " (a source read by positions)" : ""
      }`,
      () =>
        Effect.scoped(Effect.gen(function*() {
          yield* TestClock.setTime(NOW)
          const checkpointDir = yield* tempDir("tspark-direct-ckpt-")
          const conf = { "spark.streaming.direct.maxRatePerPartition": "5" }
          // The log outlives the driver, as a Kafka topic does.
          const source: Source = Testing.InMemoryDirectSource.make<string>({ partitions: ["a", "b"], positioned })
          const first = new Map<number, Output>()
          const second = new Map<number, Output>()

          const sc1 = yield* makeSparkContext(conf)
          const ssc1 = yield* StreamingContext.getOrCreate(checkpointDir, application(sc1, checkpointDir, source, first, batch(3)))
          const submitted = new Map<number, unknown>()
          yield* ssc1.addStreamingListener({
            onBatchSubmitted: (b) => void submitted.set(b.batchTime, [...b.streamIdToInputInfo.values()][0]?.metadata.offsets)
          })
          yield* ssc1.start()
          append(source, "a", 12)
          append(source, "b", 7)
          yield* Testing.advanceBatches(ssc1, 2)
          append(source, "a", 3)
          yield* TestClock.adjust(1000) // batch 3 starts and hangs: the driver "crashes" during it
          yield* waitUntil(() => fs.existsSync(path.join(checkpointDir, `checkpoint-${batch(3)}`)), "the checkpoint of batch 3")
          yield* ssc1.stop({ stopSparkContext: true, stopGracefully: false })
          assert.deepStrictEqual([...first.keys()], [batch(1), batch(2)])
          assert.deepStrictEqual((yield* readCheckpoint(checkpointDir))!.pendingTimes, [batch(3)])
          const pendingRanges = [OffsetRange.make("a", 10, 15), OffsetRange.make("b", 7, 7)]
          yield* ssc1.waitForListeners()
          assert.deepStrictEqual(offsetsOf(submitted.get(batch(3)) as Array<OffsetRange.OffsetRange>), pendingRanges)

          // Down for two batches while more arrives.
          append(source, "b", 9)
          yield* TestClock.adjust(2500)

          const sc2 = yield* makeSparkContext(conf)
          const ssc2 = yield* StreamingContext.getOrCreate(checkpointDir, application(sc2, checkpointDir, source, second))
          yield* ssc2.start()
          // Batch 3 again (pending), then the down-time batches 4 and 5 (the next boundary is batch 6).
          yield* ssc2.awaitCompletedBatches(3)
          assert.deepStrictEqual([...second.keys()].sort(), [batch(3), batch(4), batch(5)])
          assert.deepStrictEqual(offsetsOf(second.get(batch(3))!.ranges), pendingRanges)
          assert.deepStrictEqual(offsetsOf(second.get(batch(4))!.ranges), [OffsetRange.make("a", 15, 15), OffsetRange.make("b", 7, 12)])
          yield* Testing.advanceBatches(ssc2, 1)
          const all = [...first.values(), ...second.values()].flatMap((o) => o.records).sort()
          const expected = [...Array.from({ length: 15 }, (_, i) => `a:${i}`), ...Array.from({ length: 16 }, (_, i) => `b:${i}`)].sort()
          assert.deepStrictEqual(all, expected)
          assert.deepStrictEqual(source.committed, new Map([["a", 15], ["b", 16]]))
          if (positioned) {
            // The positions came back with the checkpoint: only the very first ranges were resolved from scratch.
            assert.strictEqual(source.positionScans(), 2)
            const { positionOf } = Testing.InMemoryDirectSource
            assert.deepStrictEqual(source.committedPositions, new Map([["a", positionOf(15)], ["b", positionOf(16)]]))
          }
          yield* ssc2.stop()
        })),
      30_000
    )
  }
})
