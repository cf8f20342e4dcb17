/**
 * The direct input stream over the in-memory source, on the test clock:
 * batches cover every partition's offsets exactly once (a property over
 * partition counts, arrivals and rates), ranges are clamped as a small model
 * says (max/min per partition, the initial rate split by lag), a backlog
 * drains at the limits, ranges reach user code and commits reach the source
 * after output, source failures fail the batch and are reported, and bad
 * settings fail start naming the key.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import fc from "fast-check"
import * as DirectInputDStream from "../../src/dstream/DirectInputDStream.js"
import * as OffsetRange from "../../src/dstream/OffsetRange.js"
import { type DirectPosition, planRanges } from "../../src/internal/directInput.js"
import { recoveryOf } from "../../src/internal/streamRecovery.js"
import type { StreamingContext } from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import { checkProperty, flipFailure, makeStreaming } from "../utils/streaming.js"

type Source = Testing.InMemoryDirectSource.InMemoryDirectSource<string>

interface Batch {
  readonly time: number
  readonly ranges: ReadonlyArray<OffsetRange.OffsetRange>
  readonly records: ReadonlyArray<string>
}

/** A context with a direct stream over a fresh source; every batch's ranges and records are kept, ranges committed after output. */
const directApp = (
  partitions: ReadonlyArray<string>,
  conf: Readonly<Record<string, string>> = {},
  options: DirectInputDStream.DirectStreamOptions = { offsetReset: "earliest" },
  asynchronousReads = false,
  positioned = false
) =>
  Effect.gen(function*() {
    const { ssc } = yield* makeStreaming({ checkpoint: false, conf })
    const source: Source = Testing.InMemoryDirectSource.make<string>({ partitions, asynchronousReads, positioned })
    const stream = DirectInputDStream.make(ssc, source, options)
    const batches: Array<Batch> = []
    stream.foreachRDD((rdd, time) =>
      Effect.gen(function*() {
        const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
        const records = yield* rdd.collect()
        batches.push({ time, ranges, records })
        DirectInputDStream.commitAsync(stream, ranges)
      })
    )
    return { ssc, source, stream, batches }
  })

const append = (source: Source, partition: string, count: number) => {
  const start = source.latestOffsets.pipe(Effect.map((m) => m.get(partition) ?? 0), Effect.runSync)
  source.append(partition, ...Array.from({ length: count }, (_, i) => `${partition}:${start + i}`))
}

const countsOf = (batch: Batch) => Object.fromEntries(batch.ranges.map((r) => [r.partition, r.count]))

const position = (settings: Partial<DirectPosition["settings"]>, batchDurationMs = 1000): DirectPosition => ({
  source: Testing.InMemoryDirectSource.make({ partitions: [] }),
  offsetReset: "earliest",
  startingOffsets: undefined,
  settings: { maxRatePerPartition: 0, minRatePerPartition: 1, backpressure: false, initialRate: 0, ...settings },
  batchDurationMs
})

describe("DirectInputDStream", () => {
  it.effect(
    "property: the batches' ranges cover each partition's offsets exactly once; every record is read once (by offsets or by positions)",
    () =>
      checkProperty(
        fc.record({
          partitions: fc.integer({ min: 1, max: 4 }),
          arrivals: fc.array(fc.array(fc.nat({ max: 25 }), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
          maxRate: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 15 })),
          minRate: fc.integer({ min: 1, max: 5 }),
          asynchronousReads: fc.boolean(),
          positioned: fc.boolean()
        }),
        ({ arrivals, asynchronousReads, maxRate, minRate, partitions, positioned }) =>
          Effect.gen(function*() {
            const names = Array.from({ length: partitions }, (_, i) => `p-${i}`)
            const conf = {
              "spark.streaming.direct.maxRatePerPartition": String(maxRate),
              "spark.streaming.kafka.minRatePerPartition": String(minRate)
            }
            const { batches, source, ssc } = yield* directApp(names, conf, { offsetReset: "earliest" }, asynchronousReads, positioned)
            yield* ssc.start()
            for (const arrival of arrivals) {
              names.forEach((p, i) => append(source, p, arrival[i]!))
              yield* Testing.advanceBatches(ssc, 1)
            }
            // Enough batches with no new data to drain any backlog at the cap.
            const total = arrivals.flat().reduce((a, b) => a + b, 0)
            yield* Testing.advanceBatches(ssc, maxRate === 0 ? 1 : Math.ceil(total / maxRate) + 1)
            const latest = yield* source.latestOffsets
            for (const p of names) {
              const ranges = batches.flatMap((b) => b.ranges.filter((r) => r.partition === p))
              let next = 0
              for (const range of ranges) {
                assert.strictEqual(range.fromOffset, next, `${p} has no gap or overlap`)
                assert.isAtLeast(range.untilOffset, range.fromOffset)
                if (maxRate > 0) assert.isAtMost(range.count, Math.max(maxRate, minRate))
                next = range.untilOffset
              }
              assert.strictEqual(next, latest.get(p), `${p} is read to its end`)
            }
            const read = batches.flatMap((b) => b.records).sort()
            const written = names.flatMap((p) => Array.from({ length: latest.get(p)! }, (_, i) => `${p}:${i}`)).sort()
            assert.deepStrictEqual(read, written)
            for (const batch of batches) assert.strictEqual(batch.records.length, OffsetRange.totalCount(batch.ranges))
            // Committed after output: the source holds every partition's end once the next batch ran.
            for (const p of names) assert.strictEqual(source.committed.get(p), latest.get(p))
            if (positioned) {
              // Each range started where the previous one ended: only a partition's first range was resolved from scratch.
              assert.strictEqual(source.positionScans(), names.length)
              for (const p of names) {
                assert.strictEqual(source.committedPositions.get(p), Testing.InMemoryDirectSource.positionOf(latest.get(p)!))
              }
            }
            yield* ssc.stop()
          }),
        { numRuns: 12 }
      ),
    60_000
  )

  it.effect("property: clamping matches a model (initial rate split by lag, max and min per partition)", () =>
    Effect.sync(() =>
      fc.assert(fc.property(
        fc.array(fc.tuple(fc.nat({ max: 1000 }), fc.nat({ max: 1000 })), { minLength: 1, maxLength: 5 }),
        fc.nat({ max: 50 }),
        fc.integer({ min: 1, max: 10 }),
        fc.nat({ max: 200 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        (offsets, maxRate, minRate, initialRate, backpressure, seconds) => {
          const current = new Map(offsets.map(([from], i) => [`p-${i}`, from]))
          const latest = new Map(offsets.map(([from, lag], i) => [`p-${i}`, from + lag]))
          const settings = { maxRatePerPartition: maxRate, minRatePerPartition: minRate, backpressure, initialRate }
          const ranges = Effect.runSync(planRanges(position(settings, seconds * 1000), current, latest, Option.none()))
          // The model: a rate per partition, times the batch seconds, at least the floor where there is lag.
          const lags = offsets.map(([, lag]) => lag)
          const totalLag = lags.reduce((a, b) => a + b, 0)
          const byLag = backpressure && initialRate > 0
          const rates = lags.map((lag) => byLag ? Math.min(lag / totalLag * initialRate, maxRate || Infinity) : maxRate)
          const limited = !(byLag && totalLag === 0) && rates.reduce((a, b) => a + b, 0) > 0
          offsets.forEach(([from, lag], i) => {
            const limit = lag > 0 ? Math.max(Math.floor(rates[i]! * seconds), minRate) : 0
            const expected = limited ? Math.min(lag, limit) : lag
            assert.deepStrictEqual(ranges[i], OffsetRange.make(`p-${i}`, from, from + expected))
          })
        }
      ))
    ))

  it.effect("an asynchronous source is read before each task: a word count (a shuffle map stage) counts every record once", () =>
    Effect.scoped(Effect.gen(function*() {
      const { ssc } = yield* makeStreaming({ checkpoint: false, conf: { "spark.streaming.direct.maxRatePerPartition": "4" } })
      const source: Source = Testing.InMemoryDirectSource.make<string>({ partitions: ["a", "b"], asynchronousReads: true })
      const counts = new Map<string, number>()
      DirectInputDStream.make(ssc, source, { offsetReset: "earliest" })
        .flatMap((line) => line.split(" "))
        .map((word) => [word, 1] as const)
        .reduceByKey((x, y) => x + y)
        .foreachRDD((rdd) =>
          Effect.map(rdd.collect(), (pairs) => {
            for (const [word, n] of pairs) counts.set(word, (counts.get(word) ?? 0) + n)
          })
        )
      source.append("a", "x y", "y z", "x", "x x")
      source.append("b", "z", "y y y", "x z")
      yield* Testing.runToBatch(ssc, 3)
      assert.deepStrictEqual(Object.fromEntries(counts), { x: 5, y: 5, z: 3 })
      // One read per non-empty range (both fit the first batch), each before its task: none on the driver, none twice.
      assert.strictEqual(source.readCount(), 2)
      yield* ssc.stop()
    })))

  it.effect("a backlog many times a batch's capacity drains at maxRatePerPartition per batch", () =>
    Effect.scoped(Effect.gen(function*() {
      const { batches, source, ssc } = yield* directApp(["a", "b"], { "spark.streaming.kafka.maxRatePerPartition": "10" })
      append(source, "a", 95)
      append(source, "b", 32)
      yield* Testing.runToBatch(ssc, 11)
      assert.deepStrictEqual(batches.map((b) => countsOf(b).a), [10, 10, 10, 10, 10, 10, 10, 10, 10, 5, 0])
      assert.deepStrictEqual(batches.map((b) => countsOf(b).b), [10, 10, 10, 2, 0, 0, 0, 0, 0, 0, 0])
      yield* ssc.stop()
    })))

  it.effect("with backpressure, the first batch takes initialRate split by lag, never below minRatePerPartition", () =>
    Effect.scoped(Effect.gen(function*() {
      const conf = {
        "spark.streaming.backpressure.enabled": "true",
        "spark.streaming.backpressure.initialRate": "30",
        "spark.streaming.direct.minRatePerPartition": "4"
      }
      const { batches, source, ssc } = yield* directApp(["a", "b", "c"], conf)
      append(source, "a", 600)
      append(source, "b", 300)
      append(source, "c", 10)
      yield* Testing.runToBatch(ssc, 1)
      // 30 records/s split 600 : 300 : 10 of lag is 19.8, 9.9 and 0.33: truncated 19, 9, and the floor 4 for c.
      assert.deepStrictEqual(countsOf(batches[0]!), { a: 19, b: 9, c: 4 })
      yield* ssc.stop()
    })))

  it.effect("reports each batch's ranges and record count as its input info", () =>
    Effect.scoped(Effect.gen(function*() {
      const { source, ssc } = yield* directApp(["a", "b"])
      const infos: Array<{ numRecords: number; offsets: unknown }> = []
      yield* ssc.addStreamingListener({
        onBatchCompleted: (b) => {
          for (const info of b.streamIdToInputInfo.values()) infos.push({ numRecords: info.numRecords, offsets: info.metadata.offsets })
        }
      })
      append(source, "a", 3)
      yield* Testing.runToBatch(ssc, 1)
      yield* ssc.waitForListeners()
      assert.deepStrictEqual(infos, [{ numRecords: 3, offsets: [OffsetRange.make("a", 0, 3), OffsetRange.make("b", 0, 0)] }])
      yield* ssc.stop()
    })))

  it.effect("offsetReset latest starts at the end; startingOffsets wins where given; fail refuses a partition without one", () =>
    Effect.scoped(Effect.gen(function*() {
      const latest = yield* directApp(["a", "b"], {}, { offsetReset: "latest", startingOffsets: new Map([["b", 1]]) })
      append(latest.source, "a", 5)
      append(latest.source, "b", 5)
      yield* Testing.runToBatch(latest.ssc, 1)
      assert.deepStrictEqual(latest.batches[0]!.ranges, [OffsetRange.make("a", 5, 5), OffsetRange.make("b", 1, 5)])
      yield* latest.ssc.stop()
      const strict = yield* directApp(["a"], {}, { offsetReset: "fail" })
      append(strict.source, "a", 2)
      const error = yield* flipFailure(Testing.runToBatch(strict.ssc, 1))
      assert.include(String(error.message), "partition a has no starting offset")
      yield* strict.ssc.stop()
    })))

  it.effect("a source that is down fails the batch (listeners hear why); the next batch reads from where it was", () =>
    Effect.scoped(Effect.gen(function*() {
      const { batches, source, ssc } = yield* directApp(["a"])
      const failures: Array<string> = []
      yield* ssc.addStreamingListener({
        onOutputOperationCompleted: (info) => {
          if (info.failureReason !== undefined) failures.push(info.failureReason)
        }
      })
      append(source, "a", 4)
      source.setDown(true)
      yield* ssc.start()
      const error = yield* flipFailure(Testing.advanceBatches(ssc, 1))
      assert.include(String(error.message), "memory is down")
      yield* ssc.waitForListeners()
      assert.strictEqual(failures.length, 1)
      assert.include(failures[0]!, "DirectSourceError")
      source.setDown(false)
      yield* Testing.advanceBatches(ssc, 1).pipe(Effect.ignore)
      assert.deepStrictEqual(batches.at(-1)!.ranges, [OffsetRange.make("a", 0, 4)])
      yield* ssc.stop()
    })))

  it.effect("offsetReset fail: records deleted under the stream fail the batch, naming the partition", () =>
    Effect.scoped(Effect.gen(function*() {
      const { source, ssc } = yield* directApp(["a"], {}, { offsetReset: "fail", startingOffsets: new Map([["a", 0]]) })
      append(source, "a", 4)
      yield* Testing.runToBatch(ssc, 1)
      append(source, "a", 4)
      source.truncate("a", 6)
      const error = yield* flipFailure(Testing.advanceBatches(ssc, 1))
      assert.include(String(error.message), "partition a offset 4 is out of range")
      yield* ssc.stop()
    })))

  it.effect("bad settings fail start with the key named", () =>
    Effect.scoped(Effect.gen(function*() {
      const cases: Array<readonly [string, string]> = [
        ["spark.streaming.direct.maxRatePerPartition", "-5"],
        ["spark.streaming.kafka.minRatePerPartition", "lots"],
        ["spark.streaming.backpressure.initialRate", "-1"],
        ["spark.streaming.backpressure.enabled", "maybe"]
      ]
      for (const [key, value] of cases) {
        const { ssc } = yield* directApp(["a"], { [key]: value })
        const error = yield* flipFailure(ssc.start())
        assert.include(error.message, key)
        yield* (ssc as StreamingContext).stop()
      }
    })))

  it.effect("what a stream keeps per batch stays bounded over many batches", () =>
    Effect.scoped(Effect.gen(function*() {
      const { source, ssc, stream } = yield* directApp(["a"])
      yield* ssc.start()
      for (let i = 0; i < 60; i++) {
        append(source, "a", 1)
        yield* Testing.advanceBatches(ssc, 1)
      }
      assert.isAtMost(stream.generatedRDDs.size, 3)
      const recovery = recoveryOf(stream)
      assert.strictEqual(recovery?._tag, "Restorable")
      const saved = recovery?._tag === "Restorable" ? recovery.save() as { batches: ReadonlyArray<unknown> } : undefined
      assert.isAtMost(saved!.batches.length, 3)
      yield* ssc.stop()
    })), 30_000)
})
