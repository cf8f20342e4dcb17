/**
 * What goes wrong, and what the user is told: bad options name the option
 * (checked before anything connects); a stream that does not exist and a
 * server that cannot be reached fail `createDirectStream` with typed errors;
 * a stream deleted while running fails its batches, naming it; a stream's
 * start purged past the stream's offset follows `offsetReset`
 * (earliest and latest move on with a warning, fail fails the batch naming
 * the stream).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Testing from "@tspark/streaming/testing"
import { Effect } from "effect"
import * as net from "node:net"
import { NatsOptions } from "../src/index.js"
import * as NatsUtils from "../src/NatsUtils.js"
import { natsServerForFile } from "./utils/natsServer.js"
import { expectedCounts, makeStreaming, messages, wordCount } from "./utils/streaming.js"

const nats = natsServerForFile()

const good = () => ({ servers: nats.server.address, streams: ["s"], application: "app" })

describe("options and errors", () => {
  it("bad options fail with NatsConfigError naming the option and what to set", () => {
    const cases: ReadonlyArray<readonly [Record<string, unknown>, string, string]> = [
      [{ servers: [] }, "servers", "non-empty array"],
      [{ servers: "nats://a b" }, "servers", "host:port"],
      [{ streams: [] }, "streams", "at least one JetStream stream"],
      [{ streams: ["orders.eu"] }, "streams", `no spaces, "."`],
      [{ streams: ["s", "s"] }, "streams", "twice"],
      [{ application: "my app" }, "application", "letters, digits"],
      [{ application: undefined }, "application", "letters, digits"],
      [{ offsetsBucket: "a.b" }, "offsetsBucket", "bucket name"],
      [{ offsetReset: "sometimes" }, "offsetReset", `"earliest", "latest" or "fail"`],
      [{ format: "xml" }, "format", `"string", "json" or "bytes"`],
      [{ requestTimeoutMs: -1 }, "requestTimeoutMs", "whole number of milliseconds > 0"],
      [{ attempts: 1.5 }, "attempts", "whole number of tries"],
      [{ fetchBatch: 0 }, "fetchBatch", "messages > 0"],
      [{ startingOffsets: { other: 3 } }, "startingOffsets", "not in streams"],
      [{ startingOffsets: new Map([["s", 0]]) }, "startingOffsets", "sequence >= 1"],
      [{ user: "me" }, "pass", "user and pass go together"],
      [{ token: "t", user: "u", pass: "p" }, "token", "exclusive"]
    ]
    for (const [override, option, says] of cases) {
      const result = NatsOptions.validate({ ...good(), ...override } as unknown as NatsOptions.NatsDirectStreamOptions)
      assert.strictEqual((result as { _tag?: string })._tag, "NatsConfigError", option)
      assert.strictEqual((result as { option?: string }).option, option)
      assert.include((result as Error).message, option)
      assert.include((result as Error).message, says)
    }
    const checked = NatsOptions.validate({ ...good(), startingOffsets: { s: 7 } })
    assert.notStrictEqual((checked as { _tag?: string })._tag, "NatsConfigError")
    assert.deepStrictEqual((checked as NatsOptions.ValidatedOptions).startingOffsets, new Map([["s", 7]]))
  })

  it.effect("createDirectStream: a bad option, a stream that does not exist, a nats.server that cannot be reached", () =>
    Effect.scoped(Effect.gen(function*() {
      const ssc = yield* makeStreaming()
      const bad = yield* Effect.flip(NatsUtils.createDirectStream(ssc, { ...good(), offsetReset: "never" as "fail" }))
      assert.strictEqual(bad._tag, "NatsConfigError")
      const missing = yield* Effect.flip(NatsUtils.createDirectStream(ssc, { ...good(), streams: ["no-such-stream"] }))
      assert.strictEqual(missing._tag, "NatsStreamNotFoundError")
      assert.include(missing.message, `JetStream stream "no-such-stream" does not exist on ${nats.server.address}`)
      assert.include(missing.message, "nats stream add no-such-stream")
      // A port nobody listens on.
      const port = yield* Effect.promise(() =>
        new Promise<number>((resolve) => {
          const probe = net.createServer().listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as net.AddressInfo
            probe.close(() => resolve(port))
          })
        })
      )
      const down = yield* Effect.flip(
        NatsUtils.createDirectStream(ssc, { ...good(), servers: `127.0.0.1:${port}`, attempts: 2, retryBackoffMs: 10 })
      )
      assert.strictEqual(down._tag, "DirectSourceError")
      assert.include(down.message, `connecting failed after 2 tries: NATS at 127.0.0.1:${port} refused the connection`)
    })))

  it.effect("a stream deleted while the application runs fails its batches, naming the stream; the context goes on", () =>
    Effect.scoped(Effect.gen(function*() {
      yield* Effect.promise(() => nats.client.createStreams(["vanishing"]))
      yield* Effect.promise(() => nats.client.publish("vanishing", messages("vanishing", 0, 5)))
      const ssc = yield* makeStreaming()
      const seen = wordCount(
        yield* NatsUtils.createDirectStream(ssc, { ...good(), streams: ["vanishing"], application: "vanishing", offsetReset: "earliest" })
      )
      const failures: Array<string> = []
      yield* ssc.addStreamingListener({
        onOutputOperationCompleted: (info) => {
          if (info.failureReason !== undefined) failures.push(info.failureReason)
        }
      })
      yield* ssc.start()
      yield* Testing.advanceBatchesThroughFailures(ssc, 1)
      assert.deepStrictEqual(seen.counts, expectedCounts([messages("vanishing", 0, 5)]))
      yield* Effect.promise(() => nats.client.jsm.streams.delete("vanishing"))
      yield* Testing.advanceBatchesThroughFailures(ssc, 1)
      yield* ssc.waitForListeners()
      assert.strictEqual(failures.length, 1)
      assert.include(failures[0]!, `of "vanishing": JetStream answered "stream not found"`)
      assert.include(failures[0]!, "recreate the stream, or remove it from the streams option")
      assert.strictEqual(ssc.getState(), "ACTIVE")
      yield* ssc.stop()
    })))

  it.effect("a purged start follows offsetReset: earliest reads what remains, latest skips to the end, fail fails the batch", () =>
    Effect.scoped(Effect.gen(function*() {
      /** A stream whose messages 11..20 are purged after the application read 1..10; 21..25 follow. */
      const purgedUnder = (policy: "earliest" | "latest" | "fail") =>
        Effect.gen(function*() {
          const name = `reset-${policy}`
          yield* Effect.promise(() => nats.client.createStreams([name]))
          yield* Effect.promise(() => nats.client.publish(name, messages(name, 1, 10)))
          const ssc = yield* makeStreaming()
          const stream = yield* NatsUtils.createDirectStream(ssc, {
            ...good(),
            streams: [name],
            application: name,
            offsetReset: policy,
            startingOffsets: { [name]: 1 },
            requestTimeoutMs: 1000
          })
          const seen = wordCount(stream)
          yield* ssc.start()
          yield* Testing.advanceBatchesThroughFailures(ssc, 1)
          assert.deepStrictEqual(seen.counts, expectedCounts([messages(name, 1, 10)]))
          seen.counts.clear()
          yield* Effect.promise(() => nats.client.publish(name, messages(name, 11, 10)))
          yield* Effect.promise(() => nats.client.jsm.streams.purge(name, { seq: 21 }))
          yield* Effect.promise(() => nats.client.publish(name, messages(name, 21, 5)))
          return { name, seen, ssc }
        })

      const earliest = yield* purgedUnder("earliest")
      yield* Testing.advanceBatchesThroughFailures(earliest.ssc, 1)
      assert.deepStrictEqual(earliest.seen.counts, expectedCounts([messages(earliest.name, 21, 5)]))
      assert.deepStrictEqual(earliest.seen.ranges.at(-1)!.map((r) => [r.fromOffset, r.untilOffset]), [[21, 26]])
      yield* earliest.ssc.stop()

      const latest = yield* purgedUnder("latest")
      yield* Testing.advanceBatchesThroughFailures(latest.ssc, 1)
      assert.strictEqual(latest.seen.counts.size, 0)
      yield* Effect.promise(() => nats.client.publish(latest.name, messages(latest.name, 26, 3)))
      yield* Testing.advanceBatchesThroughFailures(latest.ssc, 1)
      assert.deepStrictEqual(latest.seen.counts, expectedCounts([messages(latest.name, 26, 3)]))
      yield* latest.ssc.stop()

      const strict = yield* purgedUnder("fail")
      const failures: Array<string> = []
      yield* strict.ssc.addStreamingListener({
        onOutputOperationCompleted: (info) => {
          if (info.failureReason !== undefined) failures.push(info.failureReason)
        }
      })
      yield* Testing.advanceBatchesThroughFailures(strict.ssc, 1)
      yield* strict.ssc.waitForListeners()
      assert.strictEqual(strict.seen.counts.size, 0)
      assert.strictEqual(failures.length, 1)
      assert.include(failures[0]!, "DirectOffsetOutOfRangeError")
      assert.include(failures[0]!, "partition reset-fail offset 11 is out of range (the source holds [21, 26))")
      yield* strict.ssc.stop()
    })))
})
