import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { RDD } from "../../../src/rdd/RDD.js"
import type { TaskContext } from "../../../src/scheduler/TaskContext.js"
import * as SparkContext from "../../../src/SparkContext.js"
import { assertSameMultiset } from "../../utils/spark.js"

// Executors keep each shuffle's map statuses across tasks; the driver sends them again only when they changed.
// Stale statuses must be replaced (an executor lost), and removed shuffles must leave both sides.
const masters = [
  { name: "worker threads (local-cluster)", master: "local-cluster[2,1,128]" },
  { name: "processes (local-process)", master: "local-process[2,1,128]" }
] as const

const sums = (sc: SparkContext.SparkContext) =>
  sc.parallelize(Array.from({ length: 64 }, (_, i) => i), 8).map((x) => [x % 5, x] as const).reduceByKey((a, b) => a + b, 4)

/** What each executor's tracker holds, asked by a task per partition (a job without a shuffle). */
const trackedShuffles = (sc: SparkContext.SparkContext) =>
  Effect.map(
    sc.parallelize([0, 1, 2, 3, 4, 5, 6, 7], 8).runJob((_it: Iterator<number>, ctx: TaskContext) =>
      [ctx.env.executorId, ctx.env.mapOutputTracker.shuffleCount] as const
    ),
    (answers) => new Map(answers)
  )

/** `chain` shuffles in a row (a map between them drops the partitioner, so each reduceByKey shuffles). */
const chained = (sc: SparkContext.SparkContext, round: number, chain: number): RDD<readonly [number, number]> => {
  let rdd: RDD<readonly [number, number]> = sc.parallelize([round, round + 1, round + 2, round + 3], 2).map((x) => [x % 3, x] as const)
  for (let k = 0; k < chain; k++) rdd = rdd.reduceByKey((a, b) => a + b, 2).map(([key, v]) => [(key + 1) % 3, v] as const)
  return rdd
}

for (const { master, name } of masters) {
  describe(`map statuses cached on ${name}`, () => {
    it.live(
      "an executor holding statuses that name a lost executor gets the new ones when the shuffle runs again",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master, conf: { "spark.deploy.maxExecutorRetries": 0 } })
          const local = yield* SparkContext.make({ master: "local[1]" })
          const expected = yield* sums(local).collect()
          const rdd = sums(sc)
          assertSameMultiset(yield* rdd.collect(), expected)
          const dep = rdd.dependencies[0]!
          const shuffleId = dep._tag === "Shuffle" ? dep.shuffleId : -1
          const holders = new Set(sc.mapOutputTracker.getStatuses(shuffleId)?.map((s) => s?.location.executorId))
          assert.deepStrictEqual([...holders].sort(), ["exec-0", "exec-1"], "both executors wrote map outputs")
          // exec-0 keeps statuses naming exec-1's outputs; the job reruns those map tasks on exec-0 and must send the new ones.
          yield* sc.killExecutor("exec-1")
          assert.deepStrictEqual(sc.executorIds, ["exec-0"])
          assertSameMultiset(yield* rdd.collect(), expected)
          assert.deepStrictEqual(sc.shuffleStatusesSent.get("exec-1"), 0, "a lost executor's record is dropped")
          assert.deepStrictEqual((yield* trackedShuffles(sc)).get("exec-0"), 1)
        })),
      { timeout: 120_000 }
    )

    it.live(
      "3000 shuffles, each cleaned after its job: both executors' trackers and the driver's records stay bounded",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          const rounds = 375
          const chain = 8
          const largest = { executor: 0, driver: 0 }
          const answered = new Set<string>()
          for (let round = 0; round < rounds; round++) {
            const rdd = chained(sc, round, chain)
            const total = (yield* rdd.collect()).reduce((sum, [, v]) => sum + v, 0)
            assert.strictEqual(total, 4 * round + 6)
            if (round % 25 === 0) {
              // Before the cleanup: the job's shuffles are held (each executor read some of them).
              for (const [executorId, count] of yield* trackedShuffles(sc)) {
                answered.add(executorId)
                largest.executor = Math.max(largest.executor, count)
              }
              largest.driver = Math.max(largest.driver, ...sc.shuffleStatusesSent.values())
            }
            yield* sc.cleaner.cleanupForgotten([rdd], [])
          }
          assert.deepStrictEqual([...answered].sort(), ["exec-0", "exec-1"])
          assert.isAbove(largest.executor, 0, "executors held the statuses of the job's shuffles")
          assert.isAtMost(largest.executor, chain)
          assert.isAtMost(largest.driver, chain)
          // Every shuffle was cleaned: nothing is left on either side.
          assert.deepStrictEqual([...(yield* trackedShuffles(sc)).values()].filter((count) => count !== 0), [])
          assert.deepStrictEqual([...sc.shuffleStatusesSent.values()], [0, 0])
          assert.strictEqual(sc.mapOutputTracker.shuffleCount, 0)
        })),
      { timeout: 240_000 }
    )
  })
}
