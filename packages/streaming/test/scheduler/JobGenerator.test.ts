/**
 * Batch generation on the test clock: batch times are zeroTime + k x batch
 * duration, in order, with no gap or repeat, however the clock moves; every
 * output operation runs once per batch; queue input lands in exactly one batch.
 */
import { assert, describe, it } from "@effect/vitest"
import type { RDD } from "@tspark/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import * as RecurringTimer from "../../src/scheduler/RecurringTimer.js"
import * as Testing from "../../src/testing/index.js"
import { batchDurationMs, clockSteps } from "../arbitraries/streams.js"
import { checkProperty, makeStreaming } from "../utils/streaming.js"

const expectedTimes = (zeroTime: number, batch: number, now: number) =>
  Array.from({ length: Math.floor((now - zeroTime) / batch) }, (_, k) => zeroTime + (k + 1) * batch)

describe("JobGenerator", () => {
  it("nextBoundary is the first boundary strictly after now", () => {
    assert.strictEqual(RecurringTimer.nextBoundary(0, 1000), 1000)
    assert.strictEqual(RecurringTimer.nextBoundary(2500, 1000), 3000)
    assert.strictEqual(RecurringTimer.nextBoundary(3000, 1000), 4000)
  })

  it.effect("batches are zeroTime + k x batchDuration, in order, no gap or repeat; each output runs once per batch", () =>
    checkProperty(
      fc.record({ batch: batchDurationMs, startAt: fc.integer({ min: 0, max: 10_000_000 }), steps: clockSteps }),
      ({ batch, startAt, steps }) =>
        Effect.gen(function*() {
          yield* TestClock.setTime(startAt)
          const { sc, ssc } = yield* makeStreaming({ batchDuration: batch, checkpoint: false })
          const runs = new Map<string, number>()
          const stream = ssc.constantStream(sc.parallelize([1, 2, 3], 2))
          for (const output of [0, 1]) {
            stream.foreachRDD((_rdd, time) => {
              const key = `${output}@${time}`
              runs.set(key, (runs.get(key) ?? 0) + 1)
            })
          }
          yield* ssc.start()
          const zeroTime = ssc.graph.zeroTime!
          assert.strictEqual(zeroTime, RecurringTimer.nextBoundary(startAt, batch) - batch)
          let now = startAt
          for (const step of steps) {
            const delta = Math.round((step * batch) / 4)
            yield* TestClock.adjust(delta)
            now += delta
            const expected = expectedTimes(zeroTime, batch, now)
            yield* ssc.awaitCompletedBatches(expected.length)
            assert.deepStrictEqual(ssc.generatedBatchTimes, expected)
            assert.deepStrictEqual(ssc.completedBatchTimes, expected)
          }
          const all = expectedTimes(zeroTime, batch, now)
          assert.strictEqual(runs.size, 2 * all.length)
          for (const time of all) {
            assert.strictEqual(runs.get(`0@${time}`), 1)
            assert.strictEqual(runs.get(`1@${time}`), 1)
          }
        }),
      { numRuns: 40, examples: [[{ batch: 1000, startAt: 0, steps: [24, 0, 1, 3] }], [{ batch: 100, startAt: 99, steps: [1] }]] }
    ))

  it.effect("every element of a queue input appears in exactly one batch (pushed while running)", () =>
    checkProperty(
      fc.record({
        oneAtATime: fc.boolean(),
        // per batch: RDDs pushed onto the queue before that batch (sizes)
        pushes: fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), { minLength: 1, maxLength: 8 })
      }),
      ({ oneAtATime, pushes }) =>
        Effect.gen(function*() {
          const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
          const queue: Array<RDD.RDD<number>> = []
          const perBatch = new Map<number, Array<number>>()
          ssc.queueStream(queue, oneAtATime).foreachRDD((rdd, time) =>
            Effect.map(rdd.collect(), (values) => void perBatch.set(time, values))
          )
          // The model: a plain queue of arrays, one take (or all) per batch.
          const model: Array<Array<number>> = []
          const expected: Array<Array<number>> = []
          const takeModel = () => {
            expected.push(oneAtATime ? (model.shift() ?? []) : model.splice(0, model.length).flat())
          }
          let next = 0
          yield* ssc.start()
          for (const sizes of pushes) {
            for (const size of sizes) {
              const values = Array.from({ length: size }, () => next++)
              model.push(values)
              queue.push(sc.parallelize(values, 2))
            }
            yield* Testing.advanceBatches(ssc, 1)
            takeModel()
          }
          // drain what is left
          const left = queue.length
          yield* Testing.advanceBatches(ssc, left)
          for (let i = 0; i < left; i++) takeModel()
          assert.strictEqual(queue.length, 0)
          const seen = [...perBatch.values()].flat().sort((a, b) => a - b)
          assert.deepStrictEqual(seen, Array.from({ length: next }, (_, i) => i))
          const actual = [...perBatch.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v.sort((a, b) => a - b))
          assert.deepStrictEqual(actual, expected)
        }),
      { numRuns: 30, examples: [[{ oneAtATime: true, pushes: [[], [1]] }]] }
    ))

  it.effect("a queue stream gives defaultRDD when the queue is empty", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      const out: Array<Array<string>> = []
      ssc.queueStream([sc.parallelize(["x"], 1)], true, sc.parallelize(["default"], 1))
        .foreachRDD((rdd) => Effect.map(rdd.collect(), (v) => void out.push(v)))
      yield* Testing.runToBatch(ssc, 3)
      assert.deepStrictEqual(out, [["x"], ["default"], ["default"]])
    })))
})
