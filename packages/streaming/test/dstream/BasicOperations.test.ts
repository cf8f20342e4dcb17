/**
 * Spark's BasicOperationsSuite tables, run through the testing kit: same
 * inputs, same expected outputs (2 input partitions, 1 s batches).
 */
import { assert, describe, it } from "@effect/vitest"
import { Partitioner } from "@tspark/core"
import { Effect } from "effect"
import * as Testing from "../../src/testing/index.js"
import { assertBatches, makeStreaming, range } from "../utils/streaming.js"

const input3 = [range(1, 4), range(5, 8), range(9, 12)]
const words = [["a", "a", "b"], ["", ""], []]
const pairsIn1 = [["a", "b"], ["a", ""], [""], []]
const pairsIn2 = [["a", "b"], ["b", ""], [], [""]]

describe("BasicOperationsSuite", () => {
  it.effect("map", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(input3, (s) => s.map((x) => String(x)))
      assertBatches(out, input3.map((b) => b.map(String)))
    }))

  it.effect("flatMap", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(input3, (s) => s.flatMap((x) => [x, x * 2]))
      assertBatches(out, input3.map((b) => b.flatMap((x) => [x, x * 2])))
    }))

  it.effect("filter", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(input3, (s) => s.filter((x) => x % 2 === 0))
      assertBatches(out, input3.map((b) => b.filter((x) => x % 2 === 0)))
    }))

  it.effect("glom", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(input3, (s) => s.glom(), { numInputPartitions: 2 })
      assertBatches(out, [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]])
    }))

  it.effect("mapPartitions", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(input3, (s) =>
        s.mapPartitions((it) => {
          let sum = 0
          for (const x of it) sum += x
          return [sum]
        }))
      assertBatches(out, [[3, 7], [11, 15], [19, 23]], true)
    }))

  for (const [name, inPartitions, outPartitions] of [["more", 2, 5], ["fewer", 5, 2]] as const) {
    it.effect(`repartition (${name} partitions)`, () =>
      Effect.gen(function*() {
        const input = [range(1, 100), range(101, 200), range(201, 300)]
        const out = yield* Testing.runBatchesEffect(input, (s) => s.repartition(outPartitions).glom(), {
          numInputPartitions: inPartitions
        })
        assert.strictEqual(out.length, 3)
        out.forEach((partitions, i) => {
          assert.strictEqual(partitions.length, outPartitions)
          assert.deepStrictEqual(partitions.flat().sort((a, b) => a - b), input[i])
        })
      }))
  }

  it.effect("groupByKey", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(words, (s) => s.map((x) => [x, 1] as const).groupByKey())
      assertBatches(out, [[["a", [1, 1]], ["b", [1]]], [["", [1, 1]]], []], true)
    }))

  it.effect("reduceByKey", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(words, (s) => s.map((x) => [x, 1] as const).reduceByKey((a, b) => a + b))
      assertBatches(out, [[["a", 2], ["b", 1]], [["", 2]], []], true)
    }))

  it.effect("combineByKey", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(words, (s) =>
        s.map((x) => [x, 1] as const).combineByKey((v) => v, (c: number, v) => c + v, (a, b) => a + b))
      assertBatches(out, [[["a", 2], ["b", 1]], [["", 2]], []], true)
    }))

  it.effect("reduce", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(input3, (s) => s.reduce((a, b) => a + b))
      assertBatches(out, [[10], [26], [42]])
    }))

  it.effect("count", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect([[], range(1, 1), range(1, 2), range(1, 3), range(1, 4)], (s) => s.count())
      assertBatches(out, [[0], [1], [2], [3], [4]])
    }))

  it.effect("countByValue", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect([[1], [1, 1, 1], [1, 2], [1, 1, 2, 2]], (s) => s.countByValue())
      assertBatches(out, [[[1, 1]], [[1, 3]], [[1, 1], [2, 1]], [[2, 2], [1, 2]]], true)
    }))

  it.effect("mapValues", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(words, (s) =>
        s.map((x) => [x, 1] as const).reduceByKey((a, b) => a + b).mapValues((v) => v + 10))
      assertBatches(out, [[["a", 12], ["b", 11]], [["", 12]], []], true)
    }))

  it.effect("flatMapValues", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(words, (s) =>
        s.map((x) => [x, 1] as const).reduceByKey((a, b) => a + b).flatMapValues((v) => [v, v + 10]))
      assertBatches(out, [[["a", 2], ["a", 12], ["b", 1], ["b", 11]], [["", 2], ["", 12]], []], true)
    }))

  it.effect("union", () =>
    Effect.gen(function*() {
      const input = [range(1, 4), range(101, 104), range(201, 204)]
      const out = yield* Testing.runBatchesEffect(input, (s) => s.union(s.map((x) => x + 4)))
      assertBatches(out, [range(1, 8), range(101, 108), range(201, 208)], true)
    }))

  it.effect("StreamingContext.union", () =>
    Effect.gen(function*() {
      const input = [range(1, 4), range(101, 104), range(201, 204)]
      const out = yield* Testing.runBatchesEffect(input, (s) => {
        const ssc = s.context as unknown as { union: (streams: ReadonlyArray<typeof s>) => typeof s }
        return ssc.union([s, s.map((x) => x + 4), s.map((x) => x + 8)])
      })
      assertBatches(out, [range(1, 12), range(101, 112), range(201, 212)], true)
    }))

  it.effect("transform", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(input3, (s) => s.transform((rdd) => rdd.map(String)))
      assertBatches(out, input3.map((b) => b.map(String)))
    }))

  it.effect("transformWith", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatches2Effect(pairsIn1, pairsIn2, (s1, s2) =>
        s1.map((x) =>
          [x, 1] as const
        ).transformWith(s2.map((x) => [x, "x"] as const), (a, b) => a.join(b)))
      assertBatches(out, [[["a", [1, "x"]], ["b", [1, "x"]]], [["", [1, "x"]]], [], []], true)
    }))

  it.effect("cogroup", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatches2Effect(
        [["a", "a", "b"], ["a", ""], [""], []],
        [["a", "a", "b"], ["b", ""], [], []],
        (s1, s2) => s1.map((x) => [x, 1] as const).cogroup(s2.map((x) => [x, "x"] as const))
      )
      assertBatches(out, [
        [["a", [[1, 1], ["x", "x"]]], ["b", [[1], ["x"]]]],
        [["a", [[1], []]], ["b", [[], ["x"]]], ["", [[1], ["x"]]]],
        [["", [[1], []]]],
        []
      ], true)
    }))

  it.effect("join", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatches2Effect(pairsIn1, pairsIn2, (s1, s2) =>
        s1.map((x) =>
          [x, 1] as const
        ).join(s2.map((x) => [x, "x"] as const)))
      assertBatches(out, [[["a", [1, "x"]], ["b", [1, "x"]]], [["", [1, "x"]]], [], []], true)
    }))

  it.effect("leftOuterJoin", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatches2Effect(pairsIn1, pairsIn2, (s1, s2) =>
        s1.map((x) =>
          [x, 1] as const
        ).leftOuterJoin(s2.map((x) => [x, "x"] as const)))
      assertBatches(out, [
        [["a", [1, "x"]], ["b", [1, "x"]]],
        [["", [1, "x"]], ["a", [1, undefined]]],
        [["", [1, undefined]]],
        []
      ], true)
    }))

  it.effect("rightOuterJoin", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatches2Effect(pairsIn1, pairsIn2, (s1, s2) =>
        s1.map((x) =>
          [x, 1] as const
        ).rightOuterJoin(s2.map((x) => [x, "x"] as const)))
      assertBatches(out, [
        [["a", [1, "x"]], ["b", [1, "x"]]],
        [["", [1, "x"]], ["b", [undefined, "x"]]],
        [],
        [["", [undefined, "x"]]]
      ], true)
    }))

  it.effect("fullOuterJoin", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatches2Effect(pairsIn1, pairsIn2, (s1, s2) =>
        s1.map((x) =>
          [x, 1] as const
        ).fullOuterJoin(s2.map((x) => [x, "x"] as const)))
      assertBatches(out, [
        [["a", [1, "x"]], ["b", [1, "x"]]],
        [["", [1, "x"]], ["a", [1, undefined]], ["b", [undefined, "x"]]],
        [["", [1, undefined]]],
        [["", [undefined, "x"]]]
      ], true)
    }))

  const stateInput = [["a"], ["a", "b"], ["a", "b", "c"], ["a", "b"], ["a"], []]
  const sumUpdate = (values: Array<number>, state: number | undefined) => values.reduce((a, b) => a + b, 0) + (state ?? 0)

  it.effect("updateStateByKey", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(stateInput, (s) => s.map((x) => [x, 1] as const).updateStateByKey(sumUpdate))
      assertBatches(out, [
        [["a", 1]],
        [["a", 2], ["b", 1]],
        [["a", 3], ["b", 2], ["c", 1]],
        [["a", 4], ["b", 3], ["c", 1]],
        [["a", 5], ["b", 3], ["c", 1]],
        [["a", 5], ["b", 3], ["c", 1]]
      ], true)
    }))

  it.effect("updateStateByKey - simple with initial value RDD", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(stateInput, (s) => {
        const initial = s.context.sparkContext.parallelize<readonly [string, number]>([["a", 1], ["c", 2]], 2)
        return s.map((x) => [x, 1] as const).updateStateByKey(sumUpdate, new Partitioner.HashPartitioner(2), initial)
      })
      assertBatches(out, [
        [["a", 2], ["c", 2]],
        [["a", 3], ["b", 1], ["c", 2]],
        [["a", 4], ["b", 2], ["c", 3]],
        [["a", 5], ["b", 3], ["c", 3]],
        [["a", 6], ["b", 3], ["c", 3]],
        [["a", 6], ["b", 3], ["c", 3]]
      ], true)
    }))

  it.effect("updateStateByKey - object lifecycle (mutable state objects; Spark's null batches are empty here)", () =>
    Effect.gen(function*() {
      class StateObject {
        constructor(public counter = 0, public expireCounter = 0) {}
      }
      const out = yield* Testing.runBatchesEffect(
        [["a", "b"], [], ["a", "c", "a"], ["c"], [], []],
        (s) =>
          s.map((x) => [x, 1] as const).updateStateByKey((values: Array<number>, state: StateObject | undefined) => {
            const stateObj = state ?? new StateObject()
            const sum = values.reduce((a, b) => a + b, 0)
            if (sum === 0) stateObj.expireCounter += 1
            else {
              stateObj.counter += sum
              stateObj.expireCounter = 0
            }
            return stateObj.expireCounter === 2 ? undefined : stateObj
          }).mapValues((o) => o.counter)
      )
      assertBatches(out, [
        [["a", 1], ["b", 1]],
        [["a", 1], ["b", 1]],
        [["a", 3], ["c", 1]],
        [["a", 3], ["c", 2]],
        [["c", 2]],
        []
      ], true)
    }))

  // Spark's TestInputStream recomputes old batches from its input; a queue stream cannot,
  // so the context remembers every batch instead.
  it.effect("slice", () =>
    Effect.gen(function*() {
      const result = yield* Effect.scoped(Effect.gen(function*() {
        const { sc, ssc } = yield* makeStreaming()
        ssc.remember(10_000)
        const stream = ssc.queueStream([[1], [2], [3], [4]].map((b) => sc.parallelize(b, 2)))
        stream.foreachRDD(() => undefined)
        yield* Testing.runToBatch(ssc, 4)
        const fromSlice = (from: number, to: number) =>
          Effect.map(
            Effect.flatMap(stream.slice(from, to), Effect.forEach((rdd) => rdd.collect())),
            (parts) => [...new Set(parts.flat())].sort()
          )
        return [yield* fromSlice(0, 1000), yield* fromSlice(0, 2000), yield* fromSlice(1000, 2000), yield* fromSlice(2000, 4000)]
      }))
      assert.deepStrictEqual(result, [[1], [1, 2], [1, 2], [2, 3, 4]])
    }))
})
