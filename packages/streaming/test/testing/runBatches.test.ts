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
})
