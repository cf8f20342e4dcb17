import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { DStream } from "../../src/dstream/DStream.js"
import * as Testing from "../../src/testing/index.js"
import { multiset } from "../utils/streaming.js"

// Stateful and windowed operations ship to executors: run them with every task
// going through its shipped form and compare with in-process closures.
const shipped = { conf: { "spark.tspark.local.shipTasks": true } }

const input: ReadonlyArray<ReadonlyArray<string>> = [["a", "b", "a"], ["b"], [], ["a", "c"], ["c", "c"], []]

const operations: ReadonlyArray<readonly [string, (s: DStream<string>) => DStream<unknown>]> = [
  ["countByValue", (s) => s.countByValue()],
  ["count", (s) => s.count()],
  ["reduce", (s) => s.reduce((a, b) => (a < b ? a : b))],
  ["window + reduceByKey", (s) => s.map((w) => [w, 1] as const).window(2000, 1000).reduceByKey((a, b) => a + b)],
  [
    "reduceByKeyAndWindow with inverse and filter",
    (s) => s.map((w) => [w, 1] as const).reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 3000, 1000, 2, ([, n]) => n > 0)
  ],
  ["countByValueAndWindow", (s) => s.countByValueAndWindow(2000, 1000)],
  [
    "updateStateByKey",
    (s) =>
      s.map((w) => [w, 1] as const).updateStateByKey((values: Array<number>, state: number | undefined) => (state ?? 0) + values.length)
  ],
  [
    "mapWithState with a timeout",
    (s) =>
      s.map((w) => [w, 1] as const).mapWithState<string, number, number, string>({
        // No batch times in the output: the two runs share one test clock, so their times differ.
        func: (key, value, state) => {
          if (state.isTimingOut) return `${key} timed out`
          const total = (state.getOption() ?? 0) + (value ?? 0)
          state.update(total)
          return `${key}=${total}`
        },
        timeout: 2000
      })
  ],
  [
    "mapWithState state snapshots",
    (s) =>
      s.map((w) => [w, 1] as const).mapWithState<string, number, number, number>({
        func: (_key, value, state) => {
          if (state.isTimingOut) return undefined
          state.update((state.getOption() ?? 0) + (value ?? 0))
          return undefined
        },
        timeout: 2000
      }).stateSnapshots()
  ]
]

describe("stream operations ship to executors", () => {
  for (const [name, operation] of operations) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const inProcess = yield* Testing.runBatchesEffect(input, operation)
        const asShipped = yield* Testing.runBatchesEffect(input, operation, shipped)
        assert.deepStrictEqual(asShipped.map(multiset), inProcess.map(multiset))
      }))
  }
})
