/**
 * Spark's WindowOperationsSuite tables, run through the testing kit: 1 s
 * batches, windows and slides in seconds, outputs compared per batch as
 * multisets (Spark's `useSet = true`).
 */
import { describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Testing from "../../src/testing/index.js"
import { assertBatches } from "../utils/streaming.js"

type KV = readonly [string, number]
const kv = (k: string, v: number): KV => [k, v]

const largerSlideInput: Array<Array<KV>> = [
  [kv("a", 1)],
  [kv("a", 2)], // 1st window from here
  [kv("a", 3)],
  [kv("a", 4)], // 2nd window from here
  [kv("a", 5)],
  [kv("a", 6)], // 3rd window from here
  [],
  [] // 4th window from here
]
const largerSlideReduceOutput = [[kv("a", 3)], [kv("a", 10)], [kv("a", 18)], [kv("a", 11)]]

const bigInput: Array<Array<KV>> = [
  [kv("a", 1)],
  [kv("a", 1), kv("b", 1)],
  [kv("a", 1), kv("b", 1), kv("c", 1)],
  [kv("a", 1), kv("b", 1)],
  [kv("a", 1)],
  [],
  [kv("a", 1)],
  [kv("a", 1), kv("b", 1)],
  [kv("a", 1), kv("b", 1), kv("c", 1)],
  [kv("a", 1), kv("b", 1)],
  [kv("a", 1)],
  []
]

const bigGroupByOutput = [
  [["a", [1]]],
  [["a", [1, 1]], ["b", [1]]],
  [["a", [1, 1]], ["b", [1, 1]], ["c", [1]]],
  [["a", [1, 1]], ["b", [1, 1]], ["c", [1]]],
  [["a", [1, 1]], ["b", [1]]],
  [["a", [1]]],
  [["a", [1]]],
  [["a", [1, 1]], ["b", [1]]],
  [["a", [1, 1]], ["b", [1, 1]], ["c", [1]]],
  [["a", [1, 1]], ["b", [1, 1]], ["c", [1]]],
  [["a", [1, 1]], ["b", [1]]],
  [["a", [1]]]
]

const bigReduceOutput = [
  [kv("a", 1)],
  [kv("a", 2), kv("b", 1)],
  [kv("a", 2), kv("b", 2), kv("c", 1)],
  [kv("a", 2), kv("b", 2), kv("c", 1)],
  [kv("a", 2), kv("b", 1)],
  [kv("a", 1)],
  [kv("a", 1)],
  [kv("a", 2), kv("b", 1)],
  [kv("a", 2), kv("b", 2), kv("c", 1)],
  [kv("a", 2), kv("b", 2), kv("c", 1)],
  [kv("a", 2), kv("b", 1)],
  [kv("a", 1)]
]

// With an inverse function but no filter, keys whose value falls to 0 stay (as in Spark).
const bigReduceInvOutput = [
  [kv("a", 1)],
  [kv("a", 2), kv("b", 1)],
  [kv("a", 2), kv("b", 2), kv("c", 1)],
  [kv("a", 2), kv("b", 2), kv("c", 1)],
  [kv("a", 2), kv("b", 1), kv("c", 0)],
  [kv("a", 1), kv("b", 0), kv("c", 0)],
  [kv("a", 1), kv("b", 0), kv("c", 0)],
  [kv("a", 2), kv("b", 1), kv("c", 0)],
  [kv("a", 2), kv("b", 2), kv("c", 1)],
  [kv("a", 2), kv("b", 2), kv("c", 1)],
  [kv("a", 2), kv("b", 1), kv("c", 0)],
  [kv("a", 1), kv("b", 0), kv("c", 0)]
]

/** Spark's `numBatches = expectedOutput.size * (slide / batchDuration)`. */
const numBatches = (expected: ReadonlyArray<unknown>, slideSeconds: number) => expected.length * slideSeconds

const sec = (s: number) => `${s} seconds` as const

const testWindow = (name: string, input: Array<Array<number>>, expected: Array<Array<number>>, window = 2, slide = 1) =>
  it.effect(`window - ${name}`, () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(input, (s) => s.window(sec(window), sec(slide)), {
        numBatches: numBatches(expected, slide)
      })
      assertBatches(out, expected, true)
    }))

const testReduceByKeyAndWindow = (name: string, input: Array<Array<KV>>, expected: Array<Array<KV>>, window = 2, slide = 1) =>
  it.effect(`reduceByKeyAndWindow - ${name}`, () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(
        input,
        (s) => s.reduceByKeyAndWindow((x, y) => x + y, sec(window), sec(slide)),
        { numBatches: numBatches(expected, slide) }
      )
      assertBatches(out, expected, true)
    }))

const testReduceByKeyAndWindowWithInverse = (
  name: string,
  input: Array<Array<KV>>,
  expected: Array<Array<KV>>,
  window = 2,
  slide = 1
) =>
  it.effect(`reduceByKeyAndWindow with inverse function - ${name}`, () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(
        input,
        (s) =>
          s.reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, sec(window), sec(slide))
            .checkpoint("100 seconds"), // large, to avoid the effect of RDD checkpointing
        { numBatches: numBatches(expected, slide) }
      )
      assertBatches(out, expected, true)
    }))

const testReduceByKeyAndWindowWithFilteredInverse = (
  name: string,
  input: Array<Array<KV>>,
  expected: Array<Array<KV>>,
  window = 2,
  slide = 1
) =>
  it.effect(`reduceByKeyAndWindow with inverse and filter functions - ${name}`, () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(
        input,
        (s) =>
          s.reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, sec(window), sec(slide), undefined, (p) => p[1] !== 0)
            .persist()
            .checkpoint("100 seconds"),
        { numBatches: numBatches(expected, slide) }
      )
      assertBatches(out, expected, true)
    }))

describe("WindowOperationsSuite", () => {
  const six = [[0], [1], [2], [3], [4], [5]]
  testWindow("basic window", six, [[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
  testWindow("tumbling window", six, [[0, 1], [2, 3], [4, 5]], 2, 2)
  testWindow("larger window", six, [[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]], 4, 2)
  testWindow("non-overlapping window", six, [[1, 2], [4, 5]], 2, 3)

  testReduceByKeyAndWindow("basic reduction", [[kv("a", 1), kv("a", 3)]], [[kv("a", 4)]])
  testReduceByKeyAndWindow(
    "key already in window and new value added into window",
    [[kv("a", 1)], [kv("a", 1)]],
    [[kv("a", 1)], [kv("a", 2)]]
  )
  testReduceByKeyAndWindow(
    "new key added into window",
    [[kv("a", 1)], [kv("a", 1), kv("b", 1)]],
    [[kv("a", 1)], [kv("a", 2), kv("b", 1)]]
  )
  testReduceByKeyAndWindow(
    "key removed from window",
    [[kv("a", 1)], [kv("a", 1)], [], []],
    [[kv("a", 1)], [kv("a", 2)], [kv("a", 1)], []]
  )
  testReduceByKeyAndWindow("larger slide time", largerSlideInput, largerSlideReduceOutput, 4, 2)
  testReduceByKeyAndWindow("big test", bigInput, bigReduceOutput)

  testReduceByKeyAndWindowWithInverse("basic reduction", [[kv("a", 1), kv("a", 3)]], [[kv("a", 4)]])
  testReduceByKeyAndWindowWithInverse(
    "key already in window and new value added into window",
    [[kv("a", 1)], [kv("a", 1)]],
    [[kv("a", 1)], [kv("a", 2)]]
  )
  testReduceByKeyAndWindowWithInverse(
    "new key added into window",
    [[kv("a", 1)], [kv("a", 1), kv("b", 1)]],
    [[kv("a", 1)], [kv("a", 2), kv("b", 1)]]
  )
  testReduceByKeyAndWindowWithInverse(
    "key removed from window",
    [[kv("a", 1)], [kv("a", 1)], [], []],
    [[kv("a", 1)], [kv("a", 2)], [kv("a", 1)], [kv("a", 0)]]
  )
  testReduceByKeyAndWindowWithInverse("larger slide time", largerSlideInput, largerSlideReduceOutput, 4, 2)
  testReduceByKeyAndWindowWithInverse("big test", bigInput, bigReduceInvOutput)
  testReduceByKeyAndWindowWithFilteredInverse("big test", bigInput, bigReduceOutput)

  it.effect("groupByKeyAndWindow", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(
        bigInput,
        (s) => s.groupByKeyAndWindow("2 seconds", "1 second").map(([k, vs]) => [k, [...new Set(vs)]] as const),
        { numBatches: numBatches(bigGroupByOutput, 1) }
      )
      assertBatches(out, bigGroupByOutput.map((b) => b.map(([k, vs]) => [k, [...new Set(vs as Array<number>)]])), true)
    }))

  it.effect("countByWindow", () =>
    Effect.gen(function*() {
      const expected = [[1], [2], [3], [3], [1], [0]]
      const out = yield* Testing.runBatchesEffect(
        [[1], [1], [1, 2], [0], [], []],
        (s) => s.countByWindow("2 seconds", "1 second"),
        { numBatches: numBatches(expected, 1) }
      )
      assertBatches(out, expected, true)
    }))

  it.effect("countByValueAndWindow", () =>
    Effect.gen(function*() {
      const expected = [[kv("a", 1)], [kv("a", 1), kv("b", 2)], [kv("a", 1), kv("b", 3)]]
      const out = yield* Testing.runBatchesEffect(
        [["a"], ["b", "b"], ["a", "b"]],
        (s) => s.countByValueAndWindow("2 seconds", "1 second"),
        { numBatches: numBatches(expected, 1) }
      )
      assertBatches(out, expected, true)
    }))

  it.effect("reduceByWindow, with and without an inverse", () =>
    Effect.gen(function*() {
      const input = [[1], [2, 3], [4], [], [5]]
      const expected = [[1], [6], [9], [4], [5]]
      const plain = yield* Testing.runBatchesEffect(input, (s) => s.reduceByWindow((a, b) => a + b, "2 seconds", "1 second"))
      const inverse = yield* Testing.runBatchesEffect(
        input,
        (s) => s.reduceByWindow((a, b) => a + b, (a, b) => a - b, "2 seconds", "1 second")
      )
      assertBatches(plain, [[1], [6], [9], [4], [5]].map((b, i) => (input[i]!.length + (input[i - 1]?.length ?? 0) === 0 ? [] : b)))
      assertBatches(inverse, expected)
    }))
})
