/**
 * No silent failure in core: a lost task, the failed stage and the failed
 * job are logged through the logger of the code that made the context, as
 * well as posted to listeners; a job that succeeds logs no warning.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import * as SparkContext from "../../src/SparkContext.js"

describe("scheduler logging", () => {
  it.live("a failing task's attempts, its stage and its job are logged; a good job logs no warning", () => {
    const lines: Array<readonly [string, string]> = []
    const logger = Logger.map(Logger.formatStructured, (line) => {
      lines.push([line.level, Array.isArray(line.message) ? line.message.join(" ") : String(line.message)])
    })
    return Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[1]", conf: { "spark.task.maxFailures": 2 } })
      yield* sc.parallelize([1, 2, 3], 1).count()
      yield* sc.waitForListeners()
      assert.deepStrictEqual(lines.filter(([level]) => level === "WARN"), [])
      yield* Effect.flip(
        sc.parallelize([1, 2, 3], 1).map((x): number => {
          if (x === 2) throw new Error("bad record 2")
          return x
        }).collect()
      )
      yield* sc.waitForListeners()
      // The lines are written by fibers the listener forks: give them turns, a bounded number.
      for (let i = 0; i < 100 && lines.filter(([level]) => level === "WARN").length < 3; i++) yield* Effect.yieldNow
      const warnings = lines.filter(([level]) => level === "WARN").map(([, message]) => message)
      assert.strictEqual(warnings.length, 3, warnings.join("\n"))
      assert.match(warnings[0]!, /^Lost task 0\.0 in stage 1\.0 \(TID \d+, .* executor .*\): .*bad record 2/)
      assert.match(warnings[1]!, /^Lost task 0\.1 in stage 1\.0/)
      assert.match(warnings[2]!, /^ResultStage 1\.0 \(.*\) failed: .*bad record 2/)
      assert.isTrue(lines.some(([level, message]) => level === "INFO" && /^Job 1 failed: /.test(message)))
    })).pipe(Effect.provide(Logger.layer([logger])))
  })
})
