import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { withEnv } from "../../../src/Closure.js"
import { defaultStagePlanCapacity } from "../../../src/internal/executor/stagePlanCache.js"
import * as SparkContext from "../../../src/SparkContext.js"
import { assertSameMultiset, wordCount } from "../../utils/spark.js"

// Executors keep each stage's decoded plan: later tasks of a stage arrive without it. Results must not change,
// whatever the executors hold: more stages than the cache keeps, slices of their own per task, a lost executor.
const masters = [
  { name: "worker threads (local-cluster)", master: "local-cluster[2,1,128]" },
  { name: "processes (local-process)", master: "local-process[2,1,128]" }
] as const

for (const { master, name } of masters) {
  describe(`stage plans cached on ${name}`, () => {
    it.live(
      "results equal the in-process ones across more stages than the cache holds and after an executor is lost",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          const local = yield* SparkContext.make({ master: "local[1]" })
          // Each job's stages have functions that look alike; each task of a stage reads its own slice.
          const job = (context: SparkContext.SparkContext, k: number) => {
            const offset = context.broadcast(k)
            return context.parallelize(Array.from({ length: 24 }, (_, i) => i), 6)
              .map(withEnv({ offset }, ({ offset }) => (x: number) => [x % 3, x + offset.value] as const))
              .reduceByKey((a, b) => a + b, 2)
              .collect()
          }
          for (let k = 0; k < defaultStagePlanCapacity + 4; k++) {
            assertSameMultiset(yield* job(sc, k), yield* job(local, k))
          }
          const expected = yield* wordCount(local).collect()
          assertSameMultiset(yield* wordCount(sc).collect(), expected)
          yield* sc.killExecutor(sc.executorIds.sort()[0]!)
          assertSameMultiset(yield* wordCount(sc).collect(), expected)
          assert.strictEqual(sc.executorIds.length, 1)
        })),
      { timeout: 240_000 }
    )
  })
}
