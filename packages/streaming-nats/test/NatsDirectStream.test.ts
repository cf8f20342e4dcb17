/**
 * The direct stream over a real nats-server with JetStream (started by this
 * file on a free port, its store in a temporary directory), on local[2],
 * batches driven by the test clock: known messages over several streams
 * (partitions) are each counted once by a word count that commits after
 * output; an application restarted resumes from the committed offsets; a
 * server stopped mid-stream fails the batches while it is down, and once it
 * is back everything is counted exactly once. On worker-thread executors
 * the shipped reader reads each range in its executor.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Testing from "@tspark/streaming/testing"
import { Effect } from "effect"
import { NatsRangeReader } from "../src/index.js"
import * as NatsUtils from "../src/NatsUtils.js"
import { natsServerForFile } from "./utils/natsServer.js"
import { expectedCounts, makeStreaming, messages, wordCount } from "./utils/streaming.js"

const nats = natsServerForFile()

/** Options of a stream over `streams`, with short timeouts: a nats.server that is down fails a batch in about a second. */
const optionsFor = (streams: ReadonlyArray<string>, application: string) => ({
  servers: nats.server.address,
  streams,
  application,
  offsetReset: "earliest" as const,
  requestTimeoutMs: 1000,
  attempts: 2,
  retryBackoffMs: 100,
  reconnectTimeWaitMs: 100
})

const publish = (stream: string, payloads: ReadonlyArray<string>) => Effect.promise(() => nats.client.publish(stream, payloads))

describe("NatsUtils.createDirectStream", () => {
  it.effect("counts N known messages over three streams exactly once across batches, committing after output", () =>
    Effect.scoped(Effect.gen(function*() {
      const streams = ["wc-0", "wc-1", "wc-2"]
      yield* Effect.promise(() => nats.client.createStreams(streams))
      const ssc = yield* makeStreaming()
      const stream = yield* NatsUtils.createDirectStream(ssc, optionsFor(streams, "wc"))
      const seen = wordCount(stream)
      yield* ssc.start()
      const published: Array<Array<string>> = []
      // A known pace: every batch, each stream gets a different number of messages (none for wc-2 at first).
      for (const [batch, sizes] of [[40, 25, 0], [10, 0, 30], [0, 15, 5]].entries()) {
        for (const [i, name] of streams.entries()) {
          const payloads = messages(name, batch * 100, sizes[i]!)
          if (payloads.length > 0) yield* publish(name, payloads)
          published.push(payloads)
        }
        yield* Testing.advanceBatches(ssc, 1)
      }
      // One more batch commits what the last one output.
      yield* Testing.advanceBatches(ssc, 1)
      assert.deepStrictEqual(seen.counts, expectedCounts(published))
      // Offsets are stream sequences from 1; each stream's ranges follow one another without gap or overlap.
      for (const name of streams) {
        const ranges = seen.ranges.flatMap((batch) => batch.filter((r) => r.partition === name))
        let next = 1
        for (const range of ranges) {
          assert.strictEqual(range.fromOffset, next, `${name} has no gap or overlap`)
          next = range.untilOffset
        }
        const total = published.filter((p) => p[0]?.startsWith(`${name}_`)).reduce((n, p) => n + p.length, 0)
        assert.strictEqual(next, total + 1, `${name} is read to its end`)
        assert.strictEqual(yield* Effect.promise(() => nats.client.committed("tspark_offsets", `wc.${name}`)), total + 1)
      }
      // One connection for the readers of this process (local[2]: both executors share it).
      assert.strictEqual(NatsRangeReader.openReaders(), 1)
      yield* ssc.stop()
    })))

  it.effect(
    "on worker-thread executors: each range is read in its executor through the shipped reader, every message once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const streams = ["workers-0", "workers-1"]
        yield* Effect.promise(() => nats.client.createStreams(streams))
        const ssc = yield* makeStreaming({ "spark.streaming.kafka.maxRatePerPartition": "20" }, "local-cluster[2,1,256]")
        const seen = wordCount(yield* NatsUtils.createDirectStream(ssc, optionsFor(streams, "workers")))
        yield* ssc.start()
        const published = [messages("workers-0", 0, 45), messages("workers-1", 0, 12)]
        yield* publish("workers-0", published[0]!)
        yield* publish("workers-1", published[1]!)
        yield* Testing.advanceBatchesThroughFailures(ssc, 4) // 20 per stream and batch: 45 take three batches; the fourth commits the third's output
        assert.deepStrictEqual(seen.counts, expectedCounts(published))
        assert.strictEqual(yield* Effect.promise(() => nats.client.committed("tspark_offsets", "workers.workers-0")), 46)
        // The executors read: the driver's process opened no reader connection.
        assert.strictEqual(NatsRangeReader.openReaders(), 0)
        yield* ssc.stop()
      })),
    60_000
  )

  it.effect("a backlog drains at maxRatePerPartition per stream and batch, deleted messages counting as offsets", () =>
    Effect.scoped(Effect.gen(function*() {
      const streams = ["backlog-0", "backlog-1"]
      yield* Effect.promise(() => nats.client.createStreams(streams))
      const published = [messages("backlog-0", 0, 35), messages("backlog-1", 0, 12)]
      yield* publish("backlog-0", published[0]!)
      yield* publish("backlog-1", published[1]!)
      yield* Effect.promise(() => nats.client.jsm.streams.deleteMessage("backlog-0", 15))
      const ssc = yield* makeStreaming({ "spark.streaming.kafka.maxRatePerPartition": "10" })
      const seen = wordCount(yield* NatsUtils.createDirectStream(ssc, optionsFor(streams, "backlog")))
      yield* ssc.start()
      yield* Testing.advanceBatchesThroughFailures(ssc, 5)
      const sizes = (name: string) => seen.ranges.map((batch) => batch.find((r) => r.partition === name)?.untilOffset ?? 0)
      assert.deepStrictEqual(sizes("backlog-0"), [11, 21, 31, 36, 36])
      assert.deepStrictEqual(sizes("backlog-1"), [11, 13, 13, 13, 13])
      const expected = expectedCounts(published)
      expected.delete("backlog-0_m14") // sequence 15 ("backlog-0_m14 shared even") was deleted
      expected.set("shared", expected.get("shared")! - 1)
      expected.set("even", expected.get("even")! - 1)
      assert.deepStrictEqual(seen.counts, expected)
      yield* ssc.stop()
    })))

  it.effect("an application restarted resumes from its committed offsets", () =>
    Effect.scoped(Effect.gen(function*() {
      const streams = ["resume-0", "resume-1"]
      yield* Effect.promise(() => nats.client.createStreams(streams))
      const first = [messages("resume-0", 0, 30), messages("resume-1", 0, 20)]
      yield* publish("resume-0", first[0]!)
      yield* publish("resume-1", first[1]!)
      const before = yield* Effect.scoped(Effect.gen(function*() {
        const ssc = yield* makeStreaming()
        const seen = wordCount(yield* NatsUtils.createDirectStream(ssc, optionsFor(streams, "resume")))
        yield* ssc.start()
        yield* Testing.advanceBatches(ssc, 2) // the second batch commits the first's output
        yield* ssc.stop()
        return seen
      }))
      assert.deepStrictEqual(before.counts, expectedCounts(first))
      const second = [messages("resume-0", 30, 12), messages("resume-1", 20, 7)]
      yield* publish("resume-0", second[0]!)
      yield* publish("resume-1", second[1]!)
      // The same application, a new context without checkpoint: it starts where it committed, not at the earliest.
      const ssc = yield* makeStreaming()
      const seen = wordCount(yield* NatsUtils.createDirectStream(ssc, optionsFor(streams, "resume")))
      yield* ssc.start()
      yield* Testing.advanceBatches(ssc, 1)
      assert.deepStrictEqual(seen.counts, expectedCounts(second))
      assert.deepStrictEqual(seen.ranges[0]!.map((r) => [r.partition, r.fromOffset, r.untilOffset]), [
        ["resume-0", 31, 43],
        ["resume-1", 21, 28]
      ])
      yield* ssc.stop()
    })))

  it.effect("a nats.server restart mid-stream: batches fail while it is down (listeners hear why), then everything is counted once", () =>
    Effect.scoped(Effect.gen(function*() {
      const streams = ["restart-0", "restart-1"]
      yield* Effect.promise(() => nats.client.createStreams(streams))
      const ssc = yield* makeStreaming()
      const seen = wordCount(yield* NatsUtils.createDirectStream(ssc, optionsFor(streams, "restart")))
      const failures: Array<string> = []
      yield* ssc.addStreamingListener({
        onOutputOperationCompleted: (info) => {
          if (info.failureReason !== undefined) failures.push(info.failureReason)
        }
      })
      yield* ssc.start()
      const published = [messages("restart-0", 0, 25), messages("restart-1", 0, 15)]
      yield* publish("restart-0", published[0]!)
      yield* publish("restart-1", published[1]!)
      yield* Testing.advanceBatches(ssc, 1)
      yield* Effect.promise(() => nats.server.stop())
      // Down: the batches fail (their jobs fail with the source's error), the context goes on.
      yield* Testing.advanceBatchesThroughFailures(ssc, 2)
      yield* ssc.waitForListeners()
      assert.isAtLeast(failures.length, 2)
      assert.include(failures[0]!, "did not answer")
      assert.strictEqual(ssc.getState(), "ACTIVE")
      yield* Effect.promise(() => nats.server.start())
      yield* Effect.promise(() => nats.client.awaitStream("restart-1"))
      const later = [messages("restart-0", 25, 10), messages("restart-1", 15, 20)]
      yield* publish("restart-0", later[0]!)
      yield* publish("restart-1", later[1]!)
      const expected = expectedCounts([...published, ...later])
      // Until every message is counted (bounded: the connections reconnect within a batch or two).
      for (let batch = 0; batch < 10 && seen.counts.get("shared") !== expected.get("shared"); batch++) {
        yield* Testing.advanceBatchesThroughFailures(ssc, 1)
      }
      yield* Testing.advanceBatchesThroughFailures(ssc, 1) // commits the last output
      assert.deepStrictEqual(seen.counts, expected)
      assert.strictEqual(yield* Effect.promise(() => nats.client.committed("tspark_offsets", "restart.restart-1")), 36)
      yield* ssc.stop()
    })))
})
