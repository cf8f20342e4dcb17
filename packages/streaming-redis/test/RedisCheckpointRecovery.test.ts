/**
 * With a metadata checkpoint, a restarted application resumes from the
 * checkpoint's offsets and positions (as Spark's direct stream does), not from
 * the group's position, which lags one batch behind (commits run before the
 * next batch): a batch the checkpoint still lists as pending runs again with
 * exactly its ranges, later batches continue where the last one ended, and
 * over the distinct batches every entry is counted exactly once.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { DirectInputDStream, OffsetRange, StreamingContext } from "@tspark/streaming"
import * as Testing from "@tspark/streaming/testing"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as path from "node:path"
import { RedisRangeReader, RedisUtils } from "../src/index.js"
import { makeRedisServer } from "./utils/redisServer.js"
import { expectedCounts, sorted, tempDir, wordEntries } from "./utils/streaming.js"

const NOW = 1_700_000_000_000

describe("a direct stream over Redis Streams with a metadata checkpoint", () => {
  it.effect(
    "getOrCreate resumes from the checkpoint's offsets and positions; every entry once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const server = yield* makeRedisServer()
        yield* Effect.addFinalizer(() => Effect.sync(RedisRangeReader.closeReaders))
        const checkpointDir = yield* tempDir("tspark-redis-ckpt-")
        yield* server.add("c", wordEntries("c", 50, 50))
        interface Output {
          readonly ranges: ReadonlyArray<string>
          readonly pairs: ReadonlyArray<readonly [string, number]>
        }
        const application = (sc: SparkContext.SparkContext, out: Map<number, Output>) => () =>
          Effect.gen(function*() {
            const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
            yield* ssc.checkpoint(checkpointDir)
            const stream = yield* RedisUtils.createDirectStream(ssc, {
              url: server.url,
              streams: ["c"],
              group: "ckpt",
              offsetReset: "earliest"
            })
            stream.foreachRDD((rdd, time) =>
              Effect.gen(function*() {
                const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
                const pairs = yield* rdd.map((r) => [r.fields["w"] ?? "", 1] as const).reduceByKey((a, b) => a + b).collect()
                out.set(time, { ranges: ranges.map(OffsetRange.format), pairs })
                DirectInputDStream.commitAsync(stream, ranges)
              })
            )
            return ssc
          })
        const conf = { "spark.streaming.kafka.maxRatePerPartition": "20" }
        const first = new Map<number, Output>()
        const second = new Map<number, Output>()

        yield* Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master: "local[2]", appName: "redis checkpoint 1", conf })
          const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(sc, first))
          yield* Testing.runToBatch(ssc, 2) // [0, 20) and [20, 40)
          const second = path.join(checkpointDir, `checkpoint-${NOW + 2000}`)
          for (let i = 0; i < 500 && !fs.existsSync(second); i++) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 10)))
          yield* ssc.stop({ stopSparkContext: true, stopGracefully: true })
        }))
        // The group got the first batch's commit only.
        const groups = yield* server.command<Array<Array<unknown>>>("XINFO", "GROUPS", "c")
        assert.strictEqual(groups[0]![groups[0]!.indexOf("entries-read") + 1], 20)
        yield* server.add("c", wordEntries("c", 5, 50, 50))

        const sc = yield* SparkContext.make({ master: "local[2]", appName: "redis checkpoint 2", conf })
        const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(sc, second))
        yield* ssc.start()
        // Past the first run's batches (one of them may run again as pending), the new ones read [40, 55).
        const resumed = () => [...second.values()].some((o) => o.ranges.includes("c [40, 55)"))
        for (let i = 0; i < 4 && !resumed(); i++) yield* Testing.advanceBatches(ssc, 1)
        assert.isTrue(resumed(), `the second run read [40, 55): ${JSON.stringify([...second])}`)
        for (const [time, output] of second) {
          const before = first.get(time)
          if (before !== undefined) assert.deepStrictEqual(output.ranges, before.ranges, `batch ${time} ran again with its ranges`)
        }
        const counts = new Map<string, number>()
        for (const output of new Map([...first, ...second]).values()) {
          for (const [word, n] of output.pairs) counts.set(word, (counts.get(word) ?? 0) + n)
        }
        assert.deepStrictEqual(sorted(counts), sorted(expectedCounts(new Map(), "c", 55, 50)))
        yield* ssc.stop()
      })),
    { timeout: 60_000 }
  )
})
