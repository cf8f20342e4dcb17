/**
 * A Redis restart mid-stream: the server (append-only file on) is killed and
 * started again on the same port and directory. While it is down, batches
 * fail (listeners hear why) and the stream goes on; once it is back, every
 * entry (read before the crash, added before it but not yet read, added
 * after the restart) is counted exactly once and the group's position
 * catches up.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Testing from "@tspark/streaming/testing"
import { Effect } from "effect"
import { RedisRangeReader } from "../src/index.js"
import { makeRedisServer } from "./utils/redisServer.js"
import { expectedCounts, sorted, wordCountApp, wordEntries } from "./utils/streaming.js"

describe("a Redis restart mid-stream", () => {
  it.effect("fails the batches while Redis is down, then counts every entry exactly once", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* makeRedisServer({ appendonly: true })
      yield* server.add("k", wordEntries("k", 30, 30))
      yield* server.add("m", wordEntries("m", 20, 20))
      const app = yield* wordCountApp({
        url: server.url,
        streams: ["k", "m"],
        group: "restart",
        offsetReset: "earliest",
        retries: 2,
        retryBackoffMs: 20,
        connectTimeoutMs: 500
      })
      yield* Effect.addFinalizer(() => Effect.sync(RedisRangeReader.closeReaders))
      const failures: Array<string> = []
      yield* app.ssc.addStreamingListener({
        onOutputOperationCompleted: (info) => {
          if (info.failureReason !== undefined) failures.push(info.failureReason)
        }
      })
      yield* Testing.runToBatch(app.ssc, 1)
      // Added before the crash, read after the restart: the append-only file keeps them.
      yield* server.add("m", wordEntries("m", 7, 20, 20))
      yield* server.crash
      const down = yield* Effect.flip(Testing.advanceBatches(app.ssc, 1))
      assert.include(String(down.message), server.url)
      yield* app.ssc.waitForListeners()
      assert.strictEqual(failures.length, 1)
      assert.include(failures[0]!, "DirectSourceError")
      yield* server.restart
      yield* server.add("k", wordEntries("k", 10, 30, 30))
      yield* server.add("m", wordEntries("m", 5, 20, 27))
      // The commit queued before the crash is retried, then the stream reads from where it was. (The context
      // keeps reporting the failed batch's error to awaitTermination: the listener says what failed since.)
      yield* Testing.advanceBatchesThroughFailures(app.ssc, 2)
      yield* app.ssc.waitForListeners()
      assert.strictEqual(failures.length, 1)
      assert.strictEqual(app.batches.length, 3)
      const expected = expectedCounts(new Map(), "k", 40, 30)
      expectedCounts(expected, "m", 32, 20)
      assert.deepStrictEqual(sorted(app.counts), sorted(expected))
      const entriesRead = yield* server.command<Array<Array<unknown>>>("XINFO", "GROUPS", "k")
      assert.include(entriesRead[0], 40)
      yield* app.ssc.stop()
    })))
})
