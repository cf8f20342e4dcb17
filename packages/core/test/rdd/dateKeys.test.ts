/**
 * Dates as keys: equal when their times are (as `java.util.Date`), on every
 * execution mode, through map-side combine, the shuffle and reduce-side merge.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeContextIn, type Mode, modes, workerThreads } from "../utils/spark.js"

const processes: Mode = { name: "process executors", master: "local-process[2,1,128]", conf: {} }

for (const mode of [...modes, workerThreads, processes]) {
  describe(`dates as keys, ${mode.name}`, () => {
    it.live("reduceByKey and groupByKey count equal dates as one key and keep them dates", () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const days = [1, 2, 1, 3, 2, 1].map((d) => new Date(Date.UTC(2026, 11, d)))
        const counts = yield* sc.parallelize(days, 3).map((d) => [d, 1] as const).reduceByKey((a, b) => a + b, 2).collect()
        const byDay = counts.map(([d, n]) => [d instanceof Date ? d.getUTCDate() : `not a date: ${String(d)}`, n])
        assert.sameDeepMembers(byDay, [[1, 3], [2, 2], [3, 1]])
        const grouped = yield* sc.parallelize(days, 2).map((d) => [[d, "k"], d.getUTCDate()] as const).groupByKey(2).mapValues((v) =>
          v.length
        ).collect()
        assert.sameMembers(grouped.map(([, n]) => n), [3, 2, 1])
      })), { timeout: 60_000 })
  })
}
