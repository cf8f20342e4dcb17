/**
 * Typed errors naming what to change: every bad option, a stream key that is
 * missing or holds something else, a server that cannot be reached (after the
 * retries), a stream key deleted while the stream reads it.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Testing from "@tspark/streaming/testing"
import { Effect } from "effect"
import * as net from "node:net"
import { RedisDirectSource, RedisRangeReader } from "../src/index.js"
import type { RedisDirectStreamOptions } from "../src/RedisOptions.js"
import { makeRedisServer } from "./utils/redisServer.js"
import { wordCountApp, wordEntries } from "./utils/streaming.js"

const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

describe("bad options", () => {
  const base = { url: "redis://127.0.0.1:1", streams: ["a"], group: "g" }
  const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ["url", { url: "http://localhost:6379" }, "redis://host:port"],
    ["streams", { streams: [] }, "at least one stream key"],
    ["streams", { streams: ["a", ""] }, "non-empty string"],
    ["streams", { streams: ["a", "a"] }, "twice"],
    ["group", { group: "" }, "consumer group name"],
    ["offsetReset", { offsetReset: "smallest" }, "\"earliest\", \"latest\" or \"fail\""],
    ["startingOffsets", { startingOffsets: new Map([["b", 3]]) }, "not in streams"],
    ["startingOffsets", { startingOffsets: new Map([["a", -1]]) }, "integer >= 0"],
    ["readChunkSize", { readChunkSize: 0 }, "integer >= 1"],
    ["scanChunkSize", { scanChunkSize: 1.5 }, "integer >= 1"],
    ["retries", { retries: -1 }, "integer >= 0"]
  ]
  for (const [option, override, hint] of cases) {
    it.effect(`${option} ${JSON.stringify(Object.values(override)[0] instanceof Map ? "Map" : Object.values(override)[0])}`, () =>
      Effect.scoped(Effect.gen(function*() {
        const error = yield* Effect.flip(RedisDirectSource.make({ ...base, ...override } as unknown as RedisDirectStreamOptions))
        assert.strictEqual(error._tag, "RedisOptionsError")
        if (error._tag !== "RedisOptionsError") return
        assert.strictEqual(error.option, option)
        assert.include(error.message, option)
        assert.include(error.message, hint)
      })))
  }
})

describe("Redis errors", () => {
  it.effect("a missing stream key, or one holding a string, is named with how to create it", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* makeRedisServer()
      yield* server.add("present", wordEntries("p", 1, 1))
      yield* server.command("SET", "plain", "x")
      const missing = yield* Effect.flip(RedisDirectSource.make({ url: server.url, streams: ["present", "absent"], group: "g" }))
      assert.strictEqual(missing._tag, "RedisStreamNotFoundError")
      assert.include(missing.message, "\"absent\"")
      assert.include(missing.message, "does not exist")
      assert.include(missing.message, "XADD absent")
      const wrongType = yield* Effect.flip(RedisDirectSource.make({ url: server.url, streams: ["plain"], group: "g" }))
      assert.strictEqual(wrongType._tag, "RedisStreamNotFoundError")
      assert.include(wrongType.message, "holds something other than a stream")
    })))

  it.effect("a server that cannot be reached fails with DirectSourceError naming it, after the retries", () =>
    Effect.scoped(Effect.gen(function*() {
      const url = `redis://127.0.0.1:${yield* Effect.promise(closedPort)}`
      const error = yield* Effect.flip(RedisDirectSource.make({ url, streams: ["a"], group: "g", retries: 2, retryBackoffMs: 5 }))
      assert.strictEqual(error._tag, "DirectSourceError")
      assert.include(error.message, url)
      assert.include(error.message, "after 2 retries")
    })))

  it.effect("a stream key deleted under a running stream fails its batches as a lost partition", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* makeRedisServer()
      yield* server.add("keep", wordEntries("k", 3, 3))
      yield* server.add("gone", wordEntries("g", 3, 3))
      const app = yield* wordCountApp({ url: server.url, streams: ["keep", "gone"], group: "g", offsetReset: "earliest" })
      yield* Effect.addFinalizer(() => Effect.sync(RedisRangeReader.closeReaders))
      yield* Testing.runToBatch(app.ssc, 1)
      yield* server.command("DEL", "gone")
      const error = yield* Effect.flip(Testing.advanceBatches(app.ssc, 1))
      assert.include(String(error.message), "previously read partitions gone are missing")
      yield* app.ssc.stop()
    })))
})
