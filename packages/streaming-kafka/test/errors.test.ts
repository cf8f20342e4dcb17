/**
 * Bad configuration fails `createDirectStream` with a KafkaConfigError
 * naming the key (no broker needed); on the mock cluster, a topic that does
 * not exist fails the batch naming it (and is not created by asking), and
 * `Assign` with starting offsets and `createRDD` with Buffer values read
 * exactly the partitions and offsets asked for.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { Kafka, logLevel } from "kafkajs"
import * as ConsumerStrategies from "../src/ConsumerStrategies.js"
import * as KafkaUtils from "../src/KafkaUtils.js"
import * as LocationStrategies from "../src/LocationStrategies.js"
import * as OffsetRange from "../src/OffsetRange.js"
import { messages, produce, runUntil, testParams, wordCountApp, mockClusterForBlock } from "./utils/kafka.js"

const base = { "bootstrap.servers": "127.0.0.1:9092", "group.id": "g" }

const configErrorOf = (strategy: ConsumerStrategies.ConsumerStrategy, conf: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master: "local[2]", appName: "kafka-config-test", conf })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    const result = yield* Effect.result(KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, strategy))
    assert.strictEqual(result._tag, "Failure", "expected a KafkaConfigError")
    return result._tag === "Failure" ? result.failure : undefined
  })

describe("Kafka configuration", () => {
  it.effect("a bad parameter or argument fails createDirectStream with a KafkaConfigError naming the key", () =>
    Effect.scoped(Effect.gen(function*() {
      const cases: Array<readonly [ConsumerStrategies.ConsumerStrategy, string, string]> = [
        [ConsumerStrategies.Subscribe(["t"], { "group.id": "g" }), "bootstrap.servers", "is missing"],
        [ConsumerStrategies.Subscribe(["t"], { ...base, "bootstrap.servers": "localhost" }), "bootstrap.servers", "not host:port"],
        [ConsumerStrategies.Subscribe(["t"], { "bootstrap.servers": "h:1" }), "group.id", "is missing"],
        [
          ConsumerStrategies.Subscribe(["t"], { ...base, "auto.offset.reset": "sometimes" }),
          "auto.offset.reset",
          "earliest, latest or none"
        ],
        [ConsumerStrategies.Subscribe(["t"], { ...base, "enable.auto.commit": "true" }), "enable.auto.commit", "set it to false"],
        [ConsumerStrategies.Subscribe(["t"], { ...base, "request.timeout.ms": "-1" }), "request.timeout.ms", "whole number"],
        [ConsumerStrategies.Subscribe(["t"], { ...base, "value.deserializer": "Avro" }), "value.deserializer", "buffer"],
        [ConsumerStrategies.Subscribe(["t"], { ...base, "bootstrap.server": "h:1" }), "bootstrap.server", "unknown Kafka parameter"],
        [ConsumerStrategies.Subscribe([], base), "topics", "at least one topic"],
        [ConsumerStrategies.Subscribe(["bad topic"], base), "topics", "not a Kafka topic name"],
        [ConsumerStrategies.Assign([{ topic: "t", partition: -1 }], base), "topicPartitions", "partition number >= 0"],
        [ConsumerStrategies.Subscribe(["t"], base, new Map([["other-0", 1]])), "offsets", "name a partition of t"],
        [ConsumerStrategies.Subscribe(["t"], base, new Map([["t-0", -3]])), "offsets", "whole number >= 0"]
      ]
      for (const [strategy, key, says] of cases) {
        const error = yield* configErrorOf(strategy)
        assert.strictEqual(error?._tag, "KafkaConfigError")
        assert.strictEqual(error?.key, key)
        assert.include(error?.message, says)
      }
      const poll = yield* configErrorOf(ConsumerStrategies.Subscribe(["t"], base), { [KafkaUtils.POLL_TIMEOUT_KEY]: "soon" })
      assert.strictEqual(poll?.key, KafkaUtils.POLL_TIMEOUT_KEY)
    })))

  it("Kafka offset ranges convert to and from the stream's topic-partition ranges", () => {
    const range = OffsetRange.make("click-events", 12, 5, 9)
    assert.deepStrictEqual(OffsetRange.toDirect(range), { partition: "click-events-12", fromOffset: 5, untilOffset: 9, count: 4 })
    assert.deepStrictEqual(OffsetRange.fromDirect(OffsetRange.toDirect(range)), range)
    assert.strictEqual(OffsetRange.fromDirect({ partition: "stream", fromOffset: 0, untilOffset: 1, count: 1 }), undefined)
    assert.strictEqual(OffsetRange.format(range), "click-events-12 [5, 9)")
  })
})

describe("Kafka topics and partitions on the mock cluster", () => {
  const cluster = mockClusterForBlock()

  it.effect("a topic that does not exist fails the batch with an error naming it, and is not created by asking", () =>
    Effect.scoped(Effect.gen(function*() {
      const app = yield* wordCountApp({ bootstrap: cluster.bootstrap, topic: "no-such-topic", group: "missing" })
      yield* runUntil(app.ssc, () => false, 1)
      assert.strictEqual(app.failures.length, 1)
      assert.include(app.failures[0]!, "topic no-such-topic does not exist on")
      const admin = new Kafka({ brokers: cluster.bootstrap.split(","), logLevel: logLevel.NOTHING }).admin()
      yield* Effect.promise(() => admin.connect())
      const topics = yield* Effect.promise(() => admin.listTopics())
      yield* Effect.promise(() => admin.disconnect())
      assert.notInclude(topics, "no-such-topic")
      yield* app.ssc.stop()
    })))

  it.effect("auto.offset.reset: latest skips what was there before the start; none fails the batch naming the partition", () =>
    Effect.scoped(Effect.gen(function*() {
      const topic = "reset-events"
      yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(0, 40)))
      const latest = yield* wordCountApp({
        bootstrap: cluster.bootstrap,
        topic,
        group: "reset-latest",
        params: { "auto.offset.reset": "latest" }
      })
      yield* runUntil(latest.ssc, () => false, 1)
      assert.deepStrictEqual(latest.batches[0]!.map((r) => [r.fromOffset, r.count]), [[10, 0], [10, 0], [10, 0], [10, 0]])
      yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(40, 8)))
      yield* runUntil(latest.ssc, () => (latest.counts.get("all") ?? 0) >= 8, 5)
      assert.deepStrictEqual(
        [...latest.counts.keys()].filter((w) => w !== "all").sort(),
        messages(40, 8).map((m) => m.split(" ")[0]).sort()
      )
      yield* latest.ssc.stop()

      const none = yield* wordCountApp({
        bootstrap: cluster.bootstrap,
        topic,
        group: "reset-none",
        params: { "auto.offset.reset": "none" }
      })
      yield* runUntil(none.ssc, () => false, 1)
      assert.strictEqual(none.failures.length, 1)
      assert.include(none.failures[0]!, `partition ${topic}-0 has no starting offset`)
      yield* none.ssc.stop()
    })))

  it.effect("Assign reads only the partitions named, from the starting offsets given; createRDD reads a range as Buffers", () =>
    Effect.scoped(Effect.gen(function*() {
      const topic = "assign-events"
      yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(0, 40)))
      const sc = yield* SparkContext.make({ master: "local[2]", appName: "kafka-assign-test" })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
      const params = testParams(cluster.bootstrap, "assign")
      const strategy = ConsumerStrategies.Assign([{ topic, partition: 1 }, { topic, partition: 3 }], params, new Map([[`${topic}-3`, 7]]))
      const stream = yield* KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, strategy)
      const seen: Array<string> = []
      const ranges: Array<string> = []
      stream.foreachRDD((rdd) =>
        Effect.map(rdd.map((r) => `${r.partition}:${r.offset}:${r.value}`).collect(), (values) => {
          ranges.push(...(KafkaUtils.offsetRanges(rdd) ?? []).map(OffsetRange.format))
          seen.push(...values)
        })
      )
      yield* runUntil(ssc, () => seen.length > 0, 3)
      assert.deepStrictEqual(ranges, [`${topic}-1 [0, 10)`, `${topic}-3 [7, 10)`])
      // Partition p holds messages p, p+4, p+8, ...: offset o of partition p is message 4o+p.
      assert.deepStrictEqual(
        seen.sort(),
        [
          ...Array.from({ length: 10 }, (_, o) => `1:${o}:m${4 * o + 1} all`),
          ...[7, 8, 9].map((o) => `3:${o}:m${4 * o + 3} all`)
        ].sort()
      )
      yield* ssc.stop({ stopSparkContext: false })

      const rdd = yield* KafkaUtils.createRDD<string, Buffer>(
        sc,
        { ...params, "value.deserializer": "org.apache.kafka.common.serialization.ByteArrayDeserializer" },
        [OffsetRange.make(topic, 2, 2, 5)],
        LocationStrategies.PreferConsistent
      )
      const records = yield* rdd.collect()
      assert.deepStrictEqual(records.map((r) => r.offset), [2, 3, 4])
      assert.isTrue(Buffer.isBuffer(records[0]!.value))
      assert.strictEqual(records[0]!.value!.toString("utf8"), "m10 all")
    })))
})
