/**
 * A new direct stream starts where its source's commits say (a consumer
 * group's offsets, `DirectSource.committedOffsets`), on the test clock:
 * committed offsets are the starting offsets of partitions the options name
 * none for, explicit starting offsets win, a partition with neither starts by
 * `offsetReset`; a source that cannot say fails the first batch and is asked
 * again; committed positions spare a positioned source its scans.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as DirectInputDStream from "../../src/dstream/DirectInputDStream.js"
import * as OffsetRange from "../../src/dstream/OffsetRange.js"
import * as Testing from "../../src/testing/index.js"
import { makeStreaming } from "../utils/streaming.js"

type Source = Testing.InMemoryDirectSource.InMemoryDirectSource<string>

/** A stream over `source` that records each batch's ranges (offsets only) and commits them after output. */
const app = (source: Source, options: DirectInputDStream.DirectStreamOptions) =>
  Effect.gen(function*() {
    const { ssc } = yield* makeStreaming({ checkpoint: false, conf: { "spark.streaming.direct.maxRatePerPartition": "4" } })
    const stream = DirectInputDStream.make(ssc, source, options)
    const batches: Array<ReadonlyArray<OffsetRange.OffsetRange>> = []
    const failures: Array<string> = []
    yield* ssc.addStreamingListener({
      onOutputOperationCompleted: (info) => void (info.failureReason === undefined || failures.push(info.failureReason))
    })
    stream.foreachRDD((rdd) =>
      Effect.gen(function*() {
        const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
        yield* rdd.collect()
        batches.push(ranges.map(OffsetRange.offsetsOnly))
        DirectInputDStream.commitAsync(stream, ranges)
      })
    )
    return { ssc, batches, failures }
  })

const fill = (source: Source, partitions: ReadonlyArray<string>, count: number) => {
  for (const p of partitions) source.append(p, ...Array.from({ length: count }, (_, i) => `${p}:${i}`))
}

/** A first application reads three batches of 4 a partition and commits 8 of each (a batch's commit runs when the next is planned). */
const firstRun = (source: Source) =>
  Effect.scoped(Effect.gen(function*() {
    const first = yield* app(source, { offsetReset: "earliest" })
    yield* Testing.runToBatch(first.ssc, 3)
    yield* first.ssc.stop()
  }))

describe("DirectInputDStream starting at committed offsets", () => {
  it.effect("committed offsets start the partitions the options name none for; startingOffsets win; the rest start by offsetReset", () =>
    Effect.gen(function*() {
      const source: Source = Testing.InMemoryDirectSource.make({ partitions: ["a", "b"], committedStart: true })
      fill(source, ["a", "b"], 20)
      yield* firstRun(source)
      assert.deepStrictEqual(source.committed, new Map([["a", 8], ["b", 8]]))
      fill(source, ["c"], 6)
      yield* Effect.scoped(Effect.gen(function*() {
        const second = yield* app(source, { offsetReset: "latest", startingOffsets: new Map([["b", 2]]) })
        yield* Testing.runToBatch(second.ssc, 1)
        assert.deepStrictEqual(second.batches[0], [OffsetRange.make("a", 8, 12), OffsetRange.make("b", 2, 6), OffsetRange.make("c", 6, 6)])
        yield* second.ssc.stop()
      }))
    }))

  it.effect("a source that cannot give its commits fails the first batch; the next batch asks again and starts there", () =>
    Effect.gen(function*() {
      const source: Source = Testing.InMemoryDirectSource.make({ partitions: ["a"], committedStart: true })
      fill(source, ["a"], 20)
      yield* firstRun(source)
      yield* Effect.scoped(Effect.gen(function*() {
        const second = yield* app(source, { offsetReset: "earliest" })
        source.setDown(true)
        yield* second.ssc.start()
        yield* Testing.advanceBatchesThroughFailures(second.ssc, 1)
        yield* second.ssc.waitForListeners()
        assert.strictEqual(second.failures.length, 1)
        assert.include(second.failures[0], "memory is down")
        source.setDown(false)
        yield* Testing.advanceBatchesThroughFailures(second.ssc, 1)
        assert.deepStrictEqual(second.batches, [[OffsetRange.make("a", 8, 12)]])
        yield* second.ssc.stop()
      }))
    }))

  it.effect("a positioned source's committed positions start the ranges: no partition is resolved from scratch again", () =>
    Effect.gen(function*() {
      const source: Source = Testing.InMemoryDirectSource.make({ partitions: ["a", "b"], committedStart: true, positioned: true })
      fill(source, ["a", "b"], 20)
      yield* firstRun(source)
      assert.strictEqual(source.positionScans(), 2)
      yield* Effect.scoped(Effect.gen(function*() {
        const second = yield* app(source, { offsetReset: "earliest" })
        yield* Testing.runToBatch(second.ssc, 2)
        assert.deepStrictEqual(second.batches[0], [OffsetRange.make("a", 8, 12), OffsetRange.make("b", 8, 12)])
        // The read checks each range's position against its offsets; none was resolved without one.
        assert.strictEqual(source.positionScans(), 2)
        yield* second.ssc.stop()
      }))
    }))
})
