/**
 * The direct stream end to end against a redis-server of the test's own, on
 * the test clock: entries XADDed over several stream keys are counted exactly
 * once across batches and the group's position follows the output; a new
 * application resumes from the group's position; a backlog drains in batches
 * of maxRatePerPartition (positions found by scans); trimmed entries follow
 * offsetReset.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Testing from "@tspark/streaming/testing"
import { Effect } from "effect"
import { RedisRangeReader } from "../src/index.js"
import { makeRedisServer } from "./utils/redisServer.js"
import { expectedCounts, sorted, wordCountApp, wordEntries } from "./utils/streaming.js"

/** XINFO GROUPS' fields of `group` in `stream`. */
const groupInfo = (server: { command: <A>(...args: Array<string>) => Effect.Effect<A, Error> }, stream: string, group: string) =>
  Effect.map(server.command<Array<Array<unknown>>>("XINFO", "GROUPS", stream), (groups) => {
    for (const g of groups) {
      const fields = new Map<string, unknown>()
      for (let i = 0; i + 1 < g.length; i += 2) fields.set(String(g[i]), g[i + 1])
      if (fields.get("name") === group) return fields
    }
    return undefined
  })

describe("a direct stream over Redis Streams", () => {
  it.effect("counts every entry of three streams exactly once across batches; the group's position follows the output", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* makeRedisServer()
      const ids = new Map<string, Array<string>>()
      for (const [stream, n] of [["s-a", 40], ["s-b", 25], ["s-c", 1]] as const) {
        ids.set(stream, yield* server.add(stream, wordEntries("w", n, 7)))
      }
      const app = yield* wordCountApp({ url: server.url, streams: ["s-a", "s-b", "s-c"], group: "wc", offsetReset: "earliest" })
      yield* Effect.addFinalizer(() => Effect.sync(RedisRangeReader.closeReaders))
      yield* Testing.runToBatch(app.ssc, 1)
      ids.get("s-a")!.push(...yield* server.add("s-a", wordEntries("w", 30, 7, 40)))
      ids.get("s-c")!.push(...yield* server.add("s-c", wordEntries("w", 5, 7, 1)))
      yield* Testing.advanceBatches(app.ssc, 2)
      const expected = new Map<string, number>()
      expectedCounts(expected, "w", 70, 7)
      expectedCounts(expected, "w", 25, 7)
      expectedCounts(expected, "w", 6, 7)
      assert.deepStrictEqual(sorted(app.counts), sorted(expected))
      assert.deepStrictEqual(
        app.batches.map((ranges) => ranges.map((r) => `${r.partition}[${r.fromOffset},${r.untilOffset})`)),
        [["s-a[0,40)", "s-b[0,25)", "s-c[0,1)"], ["s-a[40,70)", "s-b[25,25)", "s-c[1,6)"], [
          "s-a[70,70)",
          "s-b[25,25)",
          "s-c[6,6)"
        ]]
      )
      // The second batch's commit ran before the third was planned: the group is at the end of every stream.
      for (const [stream, streamIds] of ids) {
        const group = yield* groupInfo(server, stream, "wc")
        assert.strictEqual(group?.get("last-delivered-id"), streamIds.at(-1), stream)
        assert.strictEqual(group?.get("entries-read"), streamIds.length, stream)
        assert.strictEqual(group?.get("lag"), 0, stream)
      }
      yield* app.ssc.stop()
    })))

  it.effect("a new application without a checkpoint resumes from the group's position", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* makeRedisServer()
      yield* server.add("r", wordEntries("r", 50, 50))
      yield* server.add("q", wordEntries("q", 10, 50))
      const options = { url: server.url, streams: ["r", "q"], group: "resume", offsetReset: "earliest" } as const
      const conf = { "spark.streaming.kafka.maxRatePerPartition": "20" }
      yield* Effect.scoped(Effect.gen(function*() {
        const first = yield* wordCountApp(options, { conf })
        yield* Testing.runToBatch(first.ssc, 2)
        yield* first.ssc.stop()
      }))
      // The second batch's ranges were queued for commit at the next batch, which never came: the group is where
      // the first batch ended, and what came after is read again (at least once).
      assert.strictEqual((yield* groupInfo(server, "r", "resume"))?.get("entries-read"), 20)
      assert.strictEqual((yield* groupInfo(server, "q", "resume"))?.get("entries-read"), 10)
      yield* server.add("q", wordEntries("q", 5, 50, 10))
      // offsetReset latest would skip everything: the group's position wins.
      const second = yield* wordCountApp({ ...options, offsetReset: "latest" })
      yield* Effect.addFinalizer(() => Effect.sync(RedisRangeReader.closeReaders))
      yield* Testing.runToBatch(second.ssc, 1)
      const expected = expectedCounts(new Map(), "r", 30, 50, 20)
      expectedCounts(expected, "q", 5, 50, 10)
      assert.deepStrictEqual(sorted(second.counts), sorted(expected))
      yield* second.ssc.stop()
    })))

  it.effect("a backlog drains in batches of maxRatePerPartition, positions found by scans of clamped ranges", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* makeRedisServer()
      yield* server.add("x", wordEntries("x", 230, 230))
      yield* server.add("y", wordEntries("y", 120, 120))
      const app = yield* wordCountApp(
        { url: server.url, streams: ["x", "y"], group: "rate", offsetReset: "earliest", scanChunkSize: 7, readChunkSize: 11 },
        { conf: { "spark.streaming.kafka.maxRatePerPartition": "50" } }
      )
      yield* Effect.addFinalizer(() => Effect.sync(RedisRangeReader.closeReaders))
      yield* Testing.runToBatch(app.ssc, 5)
      assert.deepStrictEqual(app.batches.map((ranges) => ranges.map((r) => r.count)), [[50, 50], [50, 50], [50, 20], [50, 0], [
        30,
        0
      ]])
      // Every entry once: each word is one entry.
      const expected = expectedCounts(new Map(), "x", 230, 230)
      expectedCounts(expected, "y", 120, 120)
      assert.deepStrictEqual(sorted(app.counts), sorted(expected))
      yield* app.ssc.stop()
    })))

  for (const reset of ["earliest", "latest", "fail"] as const) {
    it.effect(`entries trimmed away from under the group's position follow offsetReset ${reset}`, () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* makeRedisServer()
        const ids = yield* server.add("t", wordEntries("t", 100, 100))
        yield* server.command("XGROUP", "CREATE", "t", "trim", ids[9]!, "ENTRIESREAD", "10")
        yield* server.command("XTRIM", "t", "MAXLEN", "30")
        const app = yield* wordCountApp({ url: server.url, streams: ["t"], group: "trim", offsetReset: reset })
        yield* Effect.addFinalizer(() => Effect.sync(RedisRangeReader.closeReaders))
        if (reset === "fail") {
          const error = yield* Effect.flip(Testing.runToBatch(app.ssc, 1))
          assert.include(String(error.message), "partition t offset 10 is out of range")
          assert.include(String(error.message), "[70, 100)")
        } else {
          yield* Testing.runToBatch(app.ssc, 1)
          yield* server.add("t", wordEntries("t", 5, 100, 100))
          yield* Testing.advanceBatches(app.ssc, 1)
          const expected = reset === "earliest" ? expectedCounts(new Map(), "t", 35, 100, 70) : expectedCounts(new Map(), "t", 5, 100, 100)
          assert.deepStrictEqual(sorted(app.counts), sorted(expected))
        }
        yield* app.ssc.stop()
      })))
  }
})

describe("a direct stream over Redis Streams on worker-thread executors", () => {
  it.effect("ships its reader: a clamped word count over two streams counts every entry once", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* makeRedisServer()
      yield* server.add("u", wordEntries("u", 90, 9))
      yield* server.add("v", wordEntries("v", 40, 9))
      const app = yield* wordCountApp(
        { url: server.url, streams: ["u", "v"], group: "cluster", offsetReset: "earliest" },
        { master: "local-cluster[2,1,256]", conf: { "spark.streaming.kafka.maxRatePerPartition": "40" } }
      )
      yield* Testing.runToBatch(app.ssc, 3)
      assert.deepStrictEqual(app.batches.map((ranges) => ranges.map((r) => r.count)), [[40, 40], [40, 0], [10, 0]])
      const expected = expectedCounts(new Map(), "u", 90, 9)
      expectedCounts(expected, "v", 40, 9)
      assert.deepStrictEqual(sorted(app.counts), sorted(expected))
      assert.strictEqual((yield* groupInfo(server, "u", "cluster"))?.get("entries-read"), 80)
      yield* app.ssc.stop()
    })), { timeout: 60_000 })
})
