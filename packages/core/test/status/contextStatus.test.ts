/**
 * What a context starts about itself: its application id (Spark's naming)
 * and its own status store, fed by its listener bus.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as SparkConf from "../../src/SparkConf.js"
import * as SparkContext from "../../src/SparkContext.js"
import { applicationIdOf } from "../../src/internal/status/contextStatus.js"

describe("a context's status", () => {
  it.live("its status store has the jobs it ran", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[2]" })
      yield* sc.parallelize([1, 2, 3], 2).count()
      yield* sc.waitForListeners()
      assert.deepStrictEqual(sc.statusStore.jobs().map((job) => job.status), ["SUCCEEDED"])
      assert.strictEqual(sc.applicationId, `local-${sc.startTime}`)
    })))

  it("application ids: spark.app.id wins; local and cluster masters as Spark names them", () => {
    const startTime = Date.UTC(2026, 11, 1, 13, 4, 5)
    const host = (master: string, entries: Record<string, string> = {}) => ({
      conf: SparkConf.make(entries),
      master,
      startTime,
      addSparkListener: () => undefined
    })
    assert.strictEqual(applicationIdOf(host("local[2]")), `local-${startTime}`)
    assert.strictEqual(applicationIdOf(host("local")), `local-${startTime}`)
    assert.strictEqual(applicationIdOf(host("local-cluster[2,1,1024]")), "app-20261201130405-0000")
    assert.strictEqual(applicationIdOf(host("local[2]", { "spark.app.id": "mine" })), "mine")
  })
})
