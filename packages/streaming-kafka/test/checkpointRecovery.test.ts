/**
 * A Kafka direct stream recovers from its metadata checkpoint: the driver
 * stops abruptly with a batch in flight; `StreamingContext.getOrCreate`
 * generates that batch again with exactly the ranges it had, then the
 * batches of the down time from the saved offsets, and every message of the
 * topic is counted once (the offsets come from the checkpoint, not from the
 * group, whose last commit is older).
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ConsumerStrategies from "../src/ConsumerStrategies.js"
import * as KafkaUtils from "../src/KafkaUtils.js"
import * as LocationStrategies from "../src/LocationStrategies.js"
import * as OffsetRange from "../src/OffsetRange.js"
import { messages, produce, testParams } from "./utils/kafka.js"
import { startKafkaMockCluster } from "@tspark/testkit"

const NOW = 1_700_000_000_000
const batch = (k: number) => NOW + k * 1000
const TOPIC = "recovered-events"

/** Polls `done` on the real clock (the app does real IO) for at most 30 s. */
const waitUntil = (done: () => boolean, what: string) =>
  Effect.gen(function*() {
    const deadline = Date.now() + 30_000
    while (!done()) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting for ${what}`))
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
    }
  })

interface Output {
  readonly ranges: Array<string>
  readonly values: Array<string>
}

const application = (bootstrap: string, checkpointDir: string, out: Map<number, Output>, hangAt?: number) => () =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({
      master: "local[2]",
      appName: "kafka-recovery-test",
      conf: { "spark.streaming.kafka.maxRatePerPartition": "5" }
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    yield* ssc.checkpoint(checkpointDir)
    const strategy = ConsumerStrategies.Subscribe([TOPIC], testParams(bootstrap, "recovered"))
    const stream = yield* KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, strategy)
    stream.foreachRDD((rdd, time) =>
      time === hangAt ? Effect.never : Effect.gen(function*() {
        const ranges = KafkaUtils.offsetRanges(rdd) ?? []
        out.set(time, { ranges: ranges.map(OffsetRange.format), values: yield* rdd.map((r) => r.value ?? "").collect() })
        KafkaUtils.commitAsync(stream, ranges)
      })
    )
    return ssc
  })

describe("Kafka direct stream recovery from a checkpoint", () => {
  it.effect("stopped mid-batch, getOrCreate runs the pending batch again with the same ranges; every message once", () =>
    Effect.scoped(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const cluster = yield* Effect.acquireRelease(Effect.promise(() => startKafkaMockCluster()), (c) => Effect.promise(() => c.stop()))
      const checkpointDir = yield* Effect.acquireRelease(
        Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "tspark-kafka-ckpt-"))),
        (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
      )
      yield* Effect.promise(() => produce(cluster.bootstrap, TOPIC, messages(0, 40))) // 10 per partition
      const first = new Map<number, Output>()
      yield* Effect.scoped(Effect.gen(function*() {
        const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(cluster.bootstrap, checkpointDir, first, batch(2)))
        yield* ssc.start()
        yield* TestClock.adjust(1000)
        yield* ssc.awaitCompletedBatches(1)
        yield* TestClock.adjust(1000) // batch 2 starts and hangs: the driver "crashes" during it
        yield* waitUntil(() => fs.existsSync(path.join(checkpointDir, `checkpoint-${batch(2)}`)), "the checkpoint of batch 2")
        yield* ssc.stop({ stopSparkContext: true, stopGracefully: false })
      }))
      assert.deepStrictEqual([...first.keys()], [batch(1)])
      yield* Effect.promise(() => produce(cluster.bootstrap, TOPIC, messages(40, 8))) // 2 more per partition

      const second = new Map<number, Output>()
      yield* TestClock.adjust(1500) // down for a batch
      const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(cluster.bootstrap, checkpointDir, second))
      yield* ssc.start()
      yield* ssc.awaitCompletedBatches(2) // batch 2 again (pending), then batch 3 of the down time
      const partitions = [0, 1, 2, 3].map((p) => `${TOPIC}-${p}`)
      assert.deepStrictEqual(second.get(batch(2))!.ranges, partitions.map((p) => `${p} [5, 10)`))
      assert.deepStrictEqual(second.get(batch(3))!.ranges, partitions.map((p) => `${p} [10, 12)`))
      const all = [...first.values(), ...second.values()].flatMap((o) => o.values).sort()
      assert.deepStrictEqual(all, messages(0, 48).sort())
      yield* ssc.stop()
    })))
})
