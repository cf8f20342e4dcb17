import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Testing from "../../src/testing/index.js"

describe("testing kit", () => {
  it.effect("runs an operation batch by batch on the test clock", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect([[1, 2], [3], []], (s) => s.map((x) => x * 10))
      assert.deepStrictEqual(out, [[10, 20], [30], []])
    }))

  it("runBatches (Promise) word count per batch", async () => {
    const out = await Testing.runBatches(
      [["a b", "b"], ["c"]],
      (s) => s.flatMap((l) => l.split(" ")).map((w) => [w, 1] as const).reduceByKey((a, b) => a + b)
    )
    assert.deepStrictEqual(out.map((b) => [...b].sort()), [[["a", 1], ["b", 2]], [["c", 1]]])
  })

  // Regression: the kit fed input through a queue stream, which is only read when something asks
  // for a batch; a window sliding over 3 batches skipped batch 1, so every later input shifted.
  it.effect("input batch i is the input of the batch at zeroTime + (i + 1) x batchDuration, asked for or not", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect([[0], [1], [2], [3], [4], [5]], (s) => s.window(2000, 3000), { numBatches: 6 })
      assert.deepStrictEqual(out.map((b) => [...b].sort()), [[1, 2], [4, 5]])
    }))

  it.effect("runBatches2Effect and numBatches beyond the input (empty batches after it)", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatches2Effect([[1], [2]], [["a"]], (a, b) => a.map(String).union(b), { numBatches: 3 })
      assert.deepStrictEqual(out.map((b) => [...b].sort()), [["1", "a"], ["2"], []])
    }))
})
