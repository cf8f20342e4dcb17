/**
 * Direct streams on masters that ship tasks: each batch's offset ranges are
 * read on the executors through the source's module reader
 * (`Closure.fromModule`), on worker-thread executors and with every
 * in-process task going through its shipped form; a word count over a
 * clamped backlog counts every record once. A source whose reader captures
 * a live object is refused at start, naming what it captures and the fix.
 */
import { assert, describe, it } from "@effect/vitest"
import { Closure, SparkContext } from "@tspark/core"
import { Effect } from "effect"
import * as DirectInputDStream from "../../src/dstream/DirectInputDStream.js"
import type { DirectSource } from "../../src/dstream/DirectSource.js"
import type { OffsetRange } from "../../src/dstream/OffsetRange.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import { flipFailure, makeStreaming } from "../utils/streaming.js"

const fixture = new URL("../fixtures/directReaders.mjs", import.meta.url).href
const words = 4

/** A driver-side source over the fixture's synthetic log: `latest` says how far each partition has been written. */
const syntheticSource = (latest: Map<string, number>): DirectSource<string> => ({
  name: "synthetic",
  latestOffsets: Effect.sync(() => new Map(latest)),
  earliestOffsets: Effect.sync(() => new Map([...latest.keys()].map((partition) => [partition, 0]))),
  read: Closure.fromModule<[OffsetRange], Array<string>>(fixture, "syntheticLog", { prefix: "w", words }),
  commit: () => Effect.void
})

/** What a word count over the log's first `latest` offsets of each partition gives. */
const expectedCounts = (latest: ReadonlyMap<string, number>): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const [partition, until] of latest) {
    for (let offset = 0; offset < until; offset++) {
      const word = `w${partition}${offset % words}`
      counts[word] = (counts[word] ?? 0) + 1
    }
  }
  return counts
}

const masters: ReadonlyArray<readonly [string, string, Readonly<Record<string, string>>]> = [
  ["worker-thread executors", "local-cluster[2,1,256]", {}],
  ["every task shipped in-process", "local[2]", { "spark.tspark.local.shipTasks": "true" }]
]

describe("direct streams on masters that ship tasks", () => {
  for (const [name, master, conf] of masters) {
    it.effect(
      `${name}: a word count over a clamped backlog reads each range on the executors, every record once`,
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({
            master,
            appName: "direct shipping test",
            conf: { ...conf, "spark.streaming.kafka.maxRatePerPartition": "30" }
          })
          const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
          const latest = new Map([["a", 100], ["b", 45], ["c", 0]])
          const stream = DirectInputDStream.make(ssc, syntheticSource(latest), { offsetReset: "earliest" })
          const counts: Record<string, number> = {}
          const batchSizes: Array<number> = []
          stream.foreachRDD((rdd) =>
            Effect.sync(() => batchSizes.push((DirectInputDStream.offsetRangesOf(rdd) ?? []).reduce((n, r) => n + r.count, 0)))
          )
          stream.map((word) => [word, 1] as const).reduceByKey((x, y) => x + y).foreachRDD((rdd) =>
            Effect.map(rdd.collect(), (pairs) => {
              for (const [word, n] of pairs) counts[word] = (counts[word] ?? 0) + n
            })
          )
          yield* Testing.runToBatch(ssc, 2)
          latest.set("c", 20)
          latest.set("b", 50)
          yield* Testing.advanceBatches(ssc, 3)
          assert.deepStrictEqual(counts, expectedCounts(latest))
          // At most 30 per partition per 1 s batch: a's 100 take four batches; b's 45, then 5 more, and c's 20
          // (both written after batch 2) fit one each.
          assert.deepStrictEqual(batchSizes, [60, 45, 55, 10, 0])
          yield* ssc.stop()
        })),
      { timeout: 60_000 }
    )
  }

  it.effect("a reader that captures a live object is refused at start, naming it and Closure.fromModule", () =>
    Effect.scoped(Effect.gen(function*() {
      const { ssc } = yield* makeStreaming({ checkpoint: false, conf: { "spark.tspark.local.shipTasks": "true" } })
      const source = Testing.InMemoryDirectSource.make<string>({ partitions: ["a"] })
      DirectInputDStream.make(ssc, source).foreachRDD(() => Effect.void)
      const error = yield* flipFailure(ssc.start())
      assert.strictEqual(error._tag, "InvalidStreamError")
      assert.include(error.message, "read function of the direct source")
      assert.include(error.message, "Closure.fromModule")
      yield* ssc.stop()
    })))
})
