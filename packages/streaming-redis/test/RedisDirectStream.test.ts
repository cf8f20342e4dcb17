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
import { makeRedisServer, redisAvailable } from "./utils/redisServer.js"
import { expectedCounts, sorted, wordCountApp, wordEntries } from "./utils/streaming.js"

const available = redisAvailable()
if (!available) {
  // Loud: under CI the tests below fail instead of being skipped.
  console.warn("redis-server is not installed (apt-get install redis-server): the Redis direct stream tests cannot run")
}
const describeRedis = available || process.env["CI"] === "true" ? describe : describe.skip

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

describeRedis("a direct stream over Redis Streams", () => {
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
})
