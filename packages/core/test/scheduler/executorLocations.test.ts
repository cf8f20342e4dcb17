import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { executorLocation, parseTaskLocation } from "../../src/internal/scheduler/taskLocation.js"
import { type PendingTask, TaskSetManager } from "../../src/internal/scheduler/taskSetManager.js"
import type { TaskBinary } from "../../src/scheduler/Task.js"
import type { TaskContext } from "../../src/scheduler/TaskContext.js"
import * as SparkContext from "../../src/SparkContext.js"

describe("task location strings (Spark's TaskLocation.apply)", () => {
  it("executor_<host>_<id> is an executor-level location; other strings are hosts", () => {
    assert.deepStrictEqual(parseTaskLocation("executor_host1_exec-0"), { host: "host1", executorId: "exec-0" })
    assert.deepStrictEqual(parseTaskLocation("executor_host1_exec_with_underscores"), {
      host: "host1",
      executorId: "exec_with_underscores"
    })
    assert.deepStrictEqual(parseTaskLocation("host1"), { host: "host1" })
    assert.deepStrictEqual(parseTaskLocation("hdfs_cache_host2"), { host: "host2" })
    assert.deepStrictEqual(parseTaskLocation("executor_nohost"), { host: "executor_nohost" })
    assert.strictEqual(executorLocation("h", "7"), "executor_h_7")
    assert.deepStrictEqual(parseTaskLocation(executorLocation("10.0.0.1", "driver")), { host: "10.0.0.1", executorId: "driver" })
  })
})

describe("TaskSetManager with executor locations given as strings", () => {
  const binary = {} as TaskBinary
  const task = (index: number, location: string): PendingTask => ({
    partition: { index },
    outputId: index,
    locations: [{ host: location }]
  })
  const alive = { executors: new Set(["e1", "e2"]), hosts: new Set(["h"]) }

  it("launches a pinned task PROCESS_LOCAL on its executor, and elsewhere only after the locality wait", () => {
    let ids = 0
    const manager = new TaskSetManager(
      { stageId: 0, stageAttemptId: 0, jobId: 0, properties: new Map(), binary, tasks: [task(0, "executor_h_e1")] },
      1,
      3000,
      0
    )
    assert.isUndefined(manager.resourceOffer("e2", "h", "ANY", 0, alive, () => ids++), "e2 waits for e1")
    const onE1 = manager.resourceOffer("e1", "h", "ANY", 10, alive, () => ids++)
    assert.strictEqual(onE1?.executorId, "e1")
    assert.strictEqual(onE1?.locality, "PROCESS_LOCAL")

    const later = new TaskSetManager(
      { stageId: 1, stageAttemptId: 0, jobId: 1, properties: new Map(), binary, tasks: [task(0, "executor_h_e1")] },
      1,
      3000,
      0
    )
    assert.isUndefined(later.resourceOffer("e2", "h", "ANY", 2999, alive, () => ids++))
    const fallback = later.resourceOffer("e2", "h", "ANY", 3000, alive, () => ids++)
    assert.strictEqual(fallback?.executorId, "e2")
    assert.strictEqual(fallback?.locality, "NODE_LOCAL")
  })
})

const ranOn = (_it: Iterator<number>, ctx: TaskContext) => ctx.env.executorId

describe("sc.makeRDD with executor locations on local-cluster[2,1,512]", () => {
  it.live("each partition pinned to a named executor runs there, PROCESS_LOCAL", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local-cluster[2,1,512]" })
      const host = (id: string) => sc.blockManagerMaster.blockManagers.find((m) => m.executorId === id)!.host
      const pins = ["exec-1", "exec-0", "exec-0", "exec-1"]
      const localities: Array<string> = []
      sc.addSparkListener({ onTaskEnd: (event) => void localities.push(event.taskInfo.locality) })
      const rdd = sc.makeRDD(pins.map((id, i) => [i, [`executor_${host(id)}_${id}`]] as const))
      assert.deepStrictEqual(yield* rdd.runJob(ranOn), pins)
      // Twice more: placement does not depend on which executor offers first.
      assert.deepStrictEqual(yield* rdd.runJob(ranOn), pins)
      assert.deepStrictEqual(yield* rdd.map((x) => x * 2).runJob(ranOn), pins)
      yield* sc.waitForListeners()
      assert.isTrue(localities.length === 12 && localities.every((l) => l === "PROCESS_LOCAL"), localities.join(","))
    })), { timeout: 90_000 })

  it.live(
    "with spark.locality.wait of 0, tasks pinned to a busy executor fall back to the other one",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master: "local-cluster[2,1,512]", conf: { "spark.locality.wait": "0" } })
        const host = sc.blockManagerMaster.blockManagers.find((m) => m.executorId === "exec-0")!.host
        const rdd = sc.makeRDD([0, 1, 2, 3].map((i) => [i, [`executor_${host}_exec-0`]] as const))
        const where = yield* rdd.runJob((it, ctx) => {
          const until = Date.now() + 300
          while (Date.now() < until) it.next()
          return ctx.env.executorId
        })
        assert.includeMembers(where, ["exec-0", "exec-1"])
      })),
    { timeout: 90_000 }
  )
})
