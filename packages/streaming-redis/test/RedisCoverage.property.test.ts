/**
 * Property, against a real server: for random entry counts per stream
 * (some added between batches), rate limits and scan and read chunk sizes,
 * the batches' ranges chain without gaps or overlaps over each stream, and
 * the word count gives every entry exactly once.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Testing from "@tspark/streaming/testing"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { RedisRangeReader } from "../src/index.js"
import { makeRedisServer } from "./utils/redisServer.js"
import { expectedCounts, sorted, wordCountApp, wordEntries } from "./utils/streaming.js"

const scenario = fc.record({
  streams: fc.array(fc.record({ initial: fc.nat({ max: 60 }), later: fc.nat({ max: 20 }) }), { minLength: 1, maxLength: 3 }),
  rate: fc.integer({ min: 1, max: 30 }),
  scanChunkSize: fc.integer({ min: 1, max: 16 }),
  readChunkSize: fc.integer({ min: 1, max: 16 })
})

describe("ranges over Redis streams", () => {
  it.effect(
    "cover every entry of every stream exactly once, whatever the rates and chunk sizes",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* makeRedisServer()
        yield* Effect.addFinalizer(() => Effect.sync(RedisRangeReader.closeReaders))
        let run = 0
        const property = fc.asyncProperty(scenario, ({ readChunkSize, rate, scanChunkSize, streams }) => {
          const keys = streams.map((_, i) => `run${run}-s${i}`)
          run++
          return Effect.runPromise(
            Effect.scoped(Effect.gen(function*() {
              for (const [i, s] of streams.entries()) {
                yield* server.add(keys[i]!, [{ w: "seed" }, ...wordEntries(keys[i]!, s.initial, 1000)])
              }
              const app = yield* wordCountApp(
                { url: server.url, streams: keys, group: "prop", offsetReset: "earliest", scanChunkSize, readChunkSize },
                { conf: { "spark.streaming.kafka.maxRatePerPartition": String(rate) } }
              )
              yield* Testing.runToBatch(app.ssc, 1)
              for (const [i, s] of streams.entries()) {
                yield* server.add(keys[i]!, wordEntries(keys[i]!, s.later, 1000, s.initial))
              }
              const total = Math.max(...streams.map((s) => s.initial + s.later + 1))
              yield* Testing.advanceBatches(app.ssc, Math.ceil(total / rate) + 1)
              const expected = new Map<string, number>([["seed", streams.length]])
              for (const [i, s] of streams.entries()) expectedCounts(expected, keys[i]!, s.initial + s.later, 1000)
              assert.deepStrictEqual(sorted(app.counts), sorted(expected))
              for (const [i, key] of keys.entries()) {
                const ranges = app.batches.map((b) => b.find((r) => r.partition === key)!)
                let next = 0
                for (const range of ranges) {
                  assert.strictEqual(range.fromOffset, next, `${key} ranges chain`)
                  next = range.untilOffset
                }
                assert.strictEqual(next, streams[i]!.initial + streams[i]!.later + 1)
              }
              yield* app.ssc.stop()
            })).pipe(Effect.provide(Layer.fresh(TestClock.layer())))
          )
        })
        yield* Effect.promise(() => fc.assert(property, { numRuns: 12 }))
      })),
    { timeout: 90_000 }
  )
})
