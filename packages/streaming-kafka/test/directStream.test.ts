/**
 * The Kafka direct stream end to end against a real Kafka-protocol broker
 * (librdkafka's mock cluster in kcat), on local[2] with the test clock
 * driving batches: every message counted exactly once across batches, offsets
 * committed after output, a restart resuming at the committed offsets, a
 * backlog drained at the per-partition limit, a broker outage reported and
 * survived.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { committedOffsets, latestOffsets, messages, produce, runUntil, total, wordCountApp, mockClusterForBlock } from "./utils/kafka.js"

/** Every message m<i> for i < n counted exactly once. */
const assertEachOnce = (counts: Map<string, number>, n: number) => {
  const wrong = Array.from({ length: n }, (_, i) => `m${i}`).filter((w) => counts.get(w) !== 1)
  assert.deepStrictEqual(wrong.map((w) => `${w}=${counts.get(w) ?? 0}`), [], "each message counted once")
  assert.strictEqual(counts.get("all"), n)
}

describe("Kafka direct stream on the mock cluster", () => {
  const cluster = mockClusterForBlock()

  it.effect("N messages produced over 4 partitions in rounds are each counted once; offsets are committed after output", () =>
    Effect.scoped(Effect.gen(function*() {
      const topic = "wc-events"
      const app = yield* wordCountApp({
        bootstrap: cluster.bootstrap,
        topic,
        group: "wc",
        conf: { "spark.streaming.kafka.maxRatePerPartition": "15" }
      })
      // Three rounds of 60 messages, each produced after the stream has read some.
      for (let round = 0; round < 3; round++) {
        yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(round * 60, 60)))
        yield* runUntil(app.ssc, () => total(app) >= (round + 1) * 40, 10)
      }
      yield* runUntil(app.ssc, () => total(app) >= 180, 20)
      assert.deepStrictEqual(app.failures, [])
      assertEachOnce(app.counts, 180)
      for (const batch of app.batches) for (const range of batch) assert.isAtMost(range.count, 15)
      // The last batch's commit runs before the next batch is planned.
      yield* runUntil(app.ssc, () => false, 1)
      const committed = yield* Effect.promise(() => committedOffsets(cluster.bootstrap, "wc", topic))
      assert.deepStrictEqual(committed, yield* Effect.promise(() => latestOffsets(cluster.bootstrap, topic)))
      assert.deepStrictEqual(Object.values(committed), [45, 45, 45, 45])
      yield* app.ssc.stop()
    })))

  it.effect(
    "on worker-thread executors the ranges are read there, through the shipped module reader; each message once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const topic = "cluster-events"
        yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(0, 120)))
        const app = yield* wordCountApp({
          master: "local-cluster[2,1,256]",
          bootstrap: cluster.bootstrap,
          topic,
          group: "cluster",
          conf: { "spark.streaming.kafka.maxRatePerPartition": "20" }
        })
        yield* runUntil(app.ssc, () => total(app) >= 120, 12)
        assert.deepStrictEqual(app.failures, [])
        assertEachOnce(app.counts, 120)
        assert.deepStrictEqual(app.batches.map((batch) => batch.reduce((n, r) => n + r.count, 0)), [80, 40])
        yield* app.ssc.stop()
      })),
    60_000
  )

  it.effect("a restarted application resumes at the committed offsets: nothing committed is repeated, nothing is lost", () =>
    Effect.gen(function*() {
      const topic = "restart-events"
      yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(0, 40)))
      const first = yield* Effect.scoped(Effect.gen(function*() {
        const app = yield* wordCountApp({ bootstrap: cluster.bootstrap, topic, group: "restart" })
        yield* runUntil(app.ssc, () => total(app) >= 40, 10)
        yield* runUntil(app.ssc, () => false, 1) // commits the last batch's ranges
        yield* app.ssc.stop()
        return app
      }))
      assert.strictEqual(total(first), 40)
      yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(40, 40)))
      const second = yield* Effect.scoped(Effect.gen(function*() {
        const app = yield* wordCountApp({ bootstrap: cluster.bootstrap, topic, group: "restart" })
        yield* runUntil(app.ssc, () => total(app) >= 40, 10)
        yield* runUntil(app.ssc, () => false, 1)
        yield* app.ssc.stop()
        return app
      }))
      // The second run read only what the first had not committed.
      assert.strictEqual(total(second), 40)
      const both = new Map(first.counts)
      for (const [word, n] of second.counts) both.set(word, (both.get(word) ?? 0) + n)
      assertEachOnce(both, 80)
      assert.deepStrictEqual(second.batches[0]!.map((r) => r.fromOffset), [10, 10, 10, 10])
    }))

  it.effect("a backlog drains in batches of maxRatePerPartition per partition", () =>
    Effect.scoped(Effect.gen(function*() {
      const topic = "backlog-events"
      // 4 partitions: 60, 60, 40 and 40 messages.
      yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(0, 160)))
      yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(160, 40), 2))
      const app = yield* wordCountApp({
        bootstrap: cluster.bootstrap,
        topic,
        group: "backlog",
        conf: { "spark.streaming.kafka.maxRatePerPartition": "20" }
      })
      yield* runUntil(app.ssc, () => total(app) >= 200, 10)
      assert.deepStrictEqual(app.batches.map((ranges) => ranges.map((r) => r.count)), [
        [20, 20, 20, 20],
        [20, 20, 20, 20],
        [20, 20, 0, 0]
      ])
      assertEachOnce(app.counts, 200)
      yield* app.ssc.stop()
    })))
})
