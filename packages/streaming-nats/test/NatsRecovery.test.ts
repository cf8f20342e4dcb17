/**
 * A checkpoint wins over committed offsets: a driver stopped with a batch in
 * flight is recovered by `getOrCreate`, which regenerates that batch with the
 * ranges it had and continues from the checkpoint's offsets; the offsets
 * committed in the key-value bucket (one batch behind) are not used, so no
 * message is counted twice, and none is lost.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { DirectInputDStream, StreamingContext } from "@tspark/streaming"
import * as Testing from "@tspark/streaming/testing"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as NatsUtils from "../src/NatsUtils.js"
import { natsServerForFile } from "./utils/natsServer.js"
import { expectedCounts, messages } from "./utils/streaming.js"

const nats = natsServerForFile()

const NOW = 1_700_000_000_000
const batch = (k: number) => NOW + k * 1000
const streams = ["ckpt-0", "ckpt-1"]
const conf = { "spark.streaming.direct.maxRatePerPartition": "8" }

/** The application `getOrCreate` builds: a word count adding into `counts`, committing after output; batch `hangAt` never ends. */
const application = (sc: SparkContext.SparkContext, checkpointDir: string, counts: Map<string, number>, hangAt?: number) => () =>
  Effect.gen(function*() {
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    yield* ssc.checkpoint(checkpointDir)
    const stream = yield* NatsUtils.createDirectStream(ssc, {
      servers: nats.server.address,
      streams,
      application: "ckpt",
      offsetReset: "earliest",
      requestTimeoutMs: 1000
    })
    stream.foreachRDD((rdd, time) =>
      time === hangAt ? Effect.never : Effect.gen(function*() {
        const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
        const words = yield* rdd.flatMap((r) => r.value.split(" ")).map((w) => [w, 1] as const).reduceByKey((a, b) => a + b).collect()
        for (const [word, n] of words) counts.set(word, (counts.get(word) ?? 0) + n)
        DirectInputDStream.commitAsync(stream, ranges)
      })
    )
    return ssc
  })

/** Waits (bounded, real time: the checkpoint writer writes files) until `file` exists. */
const fileAppears = (file: string) =>
  Effect.promise(async () => {
    const deadline = Date.now() + 20_000
    while (!fs.existsSync(file)) {
      if (Date.now() > deadline) throw new Error(`${file} did not appear within 20 s`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })

describe("recovery from a checkpoint", () => {
  it.effect(
    "stopped mid-batch, getOrCreate resumes from the checkpoint's offsets, not the committed ones: each message once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const checkpointDir = yield* Effect.acquireRelease(
          Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "tspark-nats-ckpt-"))),
          (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
        )
        yield* Effect.promise(() => nats.client.createStreams(streams))
        const published = [messages("ckpt-0", 0, 20), messages("ckpt-1", 0, 10)]
        yield* Effect.promise(() => nats.client.publish("ckpt-0", published[0]!))
        yield* Effect.promise(() => nats.client.publish("ckpt-1", published[1]!))
        const before = new Map<string, number>()
        yield* Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master: "local[2]", appName: "nats-ckpt-1", conf })
          const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(sc, checkpointDir, before, batch(3)))
          yield* ssc.start()
          // 8 per stream and batch: batch 1 reads [1, 9) of both, batch 2 [9, 17) and [9, 11).
          yield* Testing.advanceBatches(ssc, 2)
          // Batch 3 commits batch 2's offsets, plans [17, 21) of ckpt-0, and hangs: the driver "crashes" during it.
          yield* TestClock.adjust(1000)
          yield* fileAppears(path.join(checkpointDir, `checkpoint-${batch(3)}`))
          yield* ssc.stop({ stopSparkContext: true, stopGracefully: false })
        }))
        assert.strictEqual(yield* Effect.promise(() => nats.client.committed("tspark_offsets", "ckpt.ckpt-0")), 17)
        const later = messages("ckpt-1", 10, 6)
        yield* Effect.promise(() => nats.client.publish("ckpt-1", later))

        const after = new Map<string, number>()
        const sc = yield* SparkContext.make({ master: "local[2]", appName: "nats-ckpt-2", conf })
        const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(sc, checkpointDir, after))
        yield* ssc.start()
        yield* ssc.awaitCompletedBatches(1) // batch 3 again, with its ranges
        yield* Testing.advanceBatchesThroughFailures(ssc, 2)
        const total = new Map(before)
        for (const [word, n] of after) total.set(word, (total.get(word) ?? 0) + n)
        assert.deepStrictEqual(total, expectedCounts([...published, later]))
        assert.strictEqual(yield* Effect.promise(() => nats.client.committed("tspark_offsets", "ckpt.ckpt-1")), 17)
        yield* ssc.stop()
      })),
    60_000
  )
})
