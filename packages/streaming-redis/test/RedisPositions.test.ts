/**
 * Offsets and positions against a real server: the ids `resolvePositions`
 * finds for ranges without a starting position (from the stream's start, its
 * end, or ranges resolved before; scans in chunks smaller than the ranges),
 * and what the reader gives for a range: exactly its entries, entries added
 * after it left out, a start trimmed away as DirectOffsetOutOfRangeError.
 */
import { assert, describe, it } from "@effect/vitest"
import { OffsetRange } from "@tspark/streaming"
import { Effect } from "effect"
import { RedisDirectSource, redisRangeReader, RedisRangeReader } from "../src/index.js"
import { makeRedisServer } from "./utils/redisServer.js"
import { wordEntries } from "./utils/streaming.js"

describe("offsets and positions", () => {
  it.effect("resolvePositions gives the id before a range and the id of its last entry", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* makeRedisServer()
      const ids = yield* server.add("p", wordEntries("p", 100, 100))
      const source = yield* RedisDirectSource.make({ url: server.url, streams: ["p"], group: "g", scanChunkSize: 4 })
      assert.deepStrictEqual([...(yield* source.latestOffsets)], [["p", 100]])
      assert.deepStrictEqual([...(yield* source.earliestOffsets)], [["p", 0]])
      const ranges = [
        OffsetRange.make("p", 0, 10),
        OffsetRange.make("p", 37, 52),
        OffsetRange.make("p", 95, 100),
        OffsetRange.make("p", 60, 60)
      ]
      const resolved = yield* source.resolvePositions!(ranges)
      assert.deepStrictEqual(resolved.map((r) => [r.fromPosition, r.untilPosition]), [
        ["0-0", ids[9]],
        [ids[36], ids[51]],
        [ids[94], ids[99]],
        [ids[59], ids[59]]
      ])
      // Trimmed: the earliest offset moves up; entries-added keeps counting.
      yield* server.command("XTRIM", "p", "MAXLEN", "40")
      yield* server.add("p", wordEntries("p", 5, 100, 100))
      assert.deepStrictEqual([...(yield* source.latestOffsets)], [["p", 105]])
      assert.deepStrictEqual([...(yield* source.earliestOffsets)], [["p", 60]])
      const after = yield* source.resolvePositions!([OffsetRange.make("p", 60, 70)])
      assert.deepStrictEqual([after[0]!.fromPosition, after[0]!.untilPosition], ["0-0", ids[69]])
    })))

  it.effect("a reader gives exactly its range, leaves later entries out, and refuses a start trimmed away", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* makeRedisServer()
      yield* Effect.addFinalizer(() => Effect.sync(RedisRangeReader.closeReaders))
      const ids = yield* server.add("e", wordEntries("e", 30, 30))
      const read = redisRangeReader({
        name: "redis:e",
        url: server.url,
        readChunkSize: 4,
        connectTimeoutMs: 1000,
        retries: 1,
        retryBackoffMs: 10
      })
      yield* server.add("e", wordEntries("e", 10, 30, 30))
      const range = OffsetRange.withPositions(OffsetRange.make("e", 10, 30), ids[9]!, ids[29]!)
      const records = [...(yield* Effect.promise(() => read(range)))]
      assert.deepStrictEqual(records.map((r) => r.offset), Array.from({ length: 20 }, (_, i) => 10 + i))
      assert.deepStrictEqual(records.map((r) => r.id), ids.slice(10, 30))
      assert.deepStrictEqual(records.map((r) => r.fields["w"]), Array.from({ length: 20 }, (_, i) => `e${10 + i}`))
      yield* server.command("XTRIM", "e", "MAXLEN", "25")
      const error = yield* Effect.flip(Effect.tryPromise({ try: () => read(range), catch: (e) => e as Error }))
      assert.strictEqual((error as { _tag?: string })._tag, "DirectOffsetOutOfRangeError")
      assert.include(error.message, "partition e offset 10 is out of range (the source holds [15, 40))")
    })))
})
