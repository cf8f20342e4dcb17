/**
 * Generated RDDs are forgotten once older than each stream's remember
 * duration, and never before a window still needs them.
 */
import { assert, describe, it } from "@effect/vitest"
import type { RDD, SparkContext } from "@tspark/core"
import { Effect } from "effect"
import fc from "fast-check"
import { DStream } from "../../src/dstream/DStream.js"
import type { StreamingContext } from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import { checkProperty, makeStreaming, multiset } from "../utils/streaming.js"

const B = 1000

/** An input stream whose RDD at batch n holds [n, n + 1] (Spark's cleanupTestInput); counts computations per time. */
const countingInput = (ssc: StreamingContext, sc: SparkContext.SparkContext) => {
  const computed = new Map<number, number>()
  const stream = new DStream<number>(ssc, {
    name: "CountingInputStream",
    dependencies: [],
    compute: (time: number): RDD.RDD<number> => {
      computed.set(time, (computed.get(time) ?? 0) + 1)
      const n = time / B - 1
      return sc.parallelize([n, n + 1], 2)
    }
  })
  ssc.graph.addInputStream(stream as DStream<unknown>)
  return { stream, computed }
}

/** A context whose doCheckpoint hook records each ClearMetadata (called with `true`), to wait for clearing. */
const makeRecording = Effect.gen(function*() {
  const cleared: Array<number> = []
  const made = yield* makeStreaming({
    hooks: {
      doCheckpoint: (time, clearLater) =>
        Effect.sync(() => {
          if (clearLater) cleared.push(time)
        })
    }
  })
  const awaitCleared = (time: number) =>
    Effect.gen(function*() {
      for (let i = 0; i < 1000 && !cleared.includes(time); i++) yield* Effect.yieldNow
      assert.include(cleared, time)
    })
  return { ...made, awaitCleared }
})

const keys = (stream: DStream<unknown>) => [...stream.generatedRDDs.keys()].sort((a, b) => a - b)

describe("clearMetadata", () => {
  it.effect("rdd cleanup - map and window (Spark's BasicOperationsSuite)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { awaitCleared, sc, ssc } = yield* makeRecording
      const { computed, stream: input } = countingInput(ssc, sc)
      const mapped = input.map((x) => [x % 10, 1] as const)
      const windowed1 = mapped.window("2 seconds", "1 second")
      const windowed2 = windowed1.window("4 seconds", "2 seconds")
      windowed2.foreachRDD(() => undefined)
      ssc.remember("3 seconds")
      yield* Testing.runToBatch(ssc, 10)
      yield* awaitCleared(10_000)
      assert.strictEqual(windowed2.rememberDurationMs, 3000)
      assert.strictEqual(windowed1.rememberDurationMs, 3000 + 4000)
      assert.strictEqual(mapped.rememberDurationMs, 3000 + 4000 + 2000)
      // windowed2 remembers till 7 s, windowed1 till 4 s, mapped till 2 s
      assert.deepStrictEqual(keys(windowed2 as DStream<unknown>), [8000, 10_000])
      assert.deepStrictEqual(keys(windowed1 as DStream<unknown>), [4000, 5000, 6000, 7000, 8000, 9000, 10_000])
      assert.deepStrictEqual(keys(mapped as DStream<unknown>), [2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000])
      // every input batch computed once
      assert.deepStrictEqual([...computed.values()], Array(10).fill(1))
    })))

  it.effect("rdd cleanup - updateStateByKey remembers two checkpoint intervals", () =>
    Effect.scoped(Effect.gen(function*() {
      const { awaitCleared, sc, ssc } = yield* makeRecording
      const { stream: input } = countingInput(ssc, sc)
      const state = input.map((x) => [x, 1] as const)
        .updateStateByKey((values: Array<number>, s: number | undefined) => (s ?? 0) + values.length)
        .checkpoint("3 seconds")
      state.foreachRDD(() => undefined)
      yield* Testing.runToBatch(ssc, 10)
      yield* awaitCleared(10_000)
      assert.strictEqual(state.rememberDurationMs, 2 * state.checkpointDurationMs!)
      assert.isTrue(state.generatedRDDs.has(10_000))
      assert.isFalse(state.generatedRDDs.has(4000))
    })))

  it.effect("old RDDs are unpersisted when forgotten", () =>
    Effect.scoped(Effect.gen(function*() {
      const { awaitCleared, sc, ssc } = yield* makeRecording
      const { stream: input } = countingInput(ssc, sc)
      const cached = input.map((x) => x * 2).cache()
      const ids = new Map<number, number>()
      cached.foreachRDD((rdd, time) => Effect.map(rdd.count(), () => void ids.set(time, rdd.id)))
      yield* Testing.runToBatch(ssc, 4)
      yield* awaitCleared(4000)
      const persistent = new Set(sc.getPersistentRDDs().map((r) => r.id))
      assert.isTrue(persistent.has(ids.get(4000)!))
      assert.isFalse(persistent.has(ids.get(1000)!))
    })))

  it.effect("property: RDDs older than the remember duration are cleared; none a window needs is cleared early", () =>
    checkProperty(
      fc.record({
        w1: fc.integer({ min: 1, max: 4 }),
        s1: fc.integer({ min: 1, max: 3 }),
        second: fc.option(fc.record({ w: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 2 }) }), {
          nil: undefined
        }),
        remember: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        batches: fc.integer({ min: 1, max: 14 })
      }),
      ({ batches, remember, s1, second, w1 }) =>
        Effect.gen(function*() {
          const { awaitCleared, sc, ssc } = yield* makeRecording
          const { computed, stream: input } = countingInput(ssc, sc)
          const mapped = input.map((x) => x)
          let out = mapped.window(w1 * B, s1 * B)
          if (second !== undefined) out = out.window(s1 * second.w * B, s1 * second.s * B)
          const results = new Map<number, Array<number>>()
          out.foreachRDD((rdd, time) => Effect.map(rdd.collect(), (v) => void results.set(time, v)))
          if (remember !== undefined) ssc.remember(remember * B)
          const chain = [input, mapped, out.dependencies[0]!, out] as Array<DStream<unknown>>
          yield* ssc.start()
          for (let n = 1; n <= batches; n++) {
            yield* Testing.advanceBatches(ssc, 1)
            const t = n * B
            yield* awaitCleared(t)
            for (const stream of chain) {
              for (const key of stream.generatedRDDs.keys()) {
                assert.isAbove(key, t - stream.rememberDurationMs!, `${stream.kind.name} kept ${key} at ${t}`)
              }
            }
          }
          // Each input batch computed once: nothing a window needed was forgotten and recomputed.
          for (const count of computed.values()) assert.strictEqual(count, 1)
          // and the windows hold the right elements: the inner windows at u = T, T - s1, ... (w2 of them)
          for (const [time, values] of results) {
            const end = time / B
            const expected: Array<number> = []
            const inner = second === undefined ? [end] : Array.from({ length: second.w }, (_, i) => end - i * s1)
            for (const u of inner) {
              if (u <= 0) continue
              for (let n = Math.max(1, u - w1 + 1); n <= u; n++) expected.push(n - 1, n)
            }
            assert.deepStrictEqual(multiset(values), multiset(expected), `window at ${time}`)
          }
        }),
      { numRuns: 30, examples: [[{ w1: 1, s1: 2, second: { w: 1, s: 1 }, remember: undefined, batches: 1 }]] }
    ))
})
