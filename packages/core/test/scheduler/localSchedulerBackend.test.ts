/**
 * The in-process backend's kill bookkeeping: a kill for a task waiting for a
 * slot stops it before it starts; a kill that arrives after a task ended (a
 * stage cancelled while the task's status was on its way) is dropped, so
 * nothing is kept per task over a long run.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import type { RDD } from "../../src/rdd/RDD.js"
import { LocalSchedulerBackend } from "../../src/scheduler/local/LocalSchedulerBackend.js"
import type { DriverEndpoint } from "../../src/scheduler/SchedulerBackend.js"
import type { TaskDescription, TaskResult } from "../../src/scheduler/Task.js"
import * as SparkContext from "../../src/SparkContext.js"
import { executorEnvOf } from "../utils/spark.js"
import { describeTask } from "../utils/tasks.js"

const countTask = (rdd: RDD<number>, taskId: number): TaskDescription =>
  describeTask({
    _tag: "ResultTask",
    rdd: rdd as RDD<unknown>,
    func: (it: Iterator<unknown>) => [...{ [Symbol.iterator]: () => it }].length
  }, { taskId })

describe("LocalSchedulerBackend", () => {
  it.effect("a kill for a queued task stops it; a kill for a task that has ended is dropped, over a thousand tasks", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[1]" })
      const rdd = sc.parallelize([1, 2, 3], 1)
      const backend = new LocalSchedulerBackend(1, executorEnvOf(sc))
      const results = new Map<number, TaskResult>()
      const ended = yield* Queue.unbounded<number>()
      let toOffer: Array<TaskDescription> = []
      const driver: DriverEndpoint = {
        resourceOffers: () => toOffer.splice(0),
        statusUpdate: (task, result) => {
          results.set(task.taskId, result)
          backend.taskFinished()
          Queue.offerUnsafe(ended, task.taskId)
        },
        executorAdded: () => {},
        executorLost: () => {}
      }
      yield* backend.start(driver)
      // Killed while it waits for the slot: it never runs.
      toOffer = [countTask(rdd, 0)]
      backend.reviveOffers()
      backend.killTask(0, "driver", "stage cancelled")
      assert.strictEqual(yield* Queue.take(ended), 0)
      assert.deepStrictEqual(results.get(0), { _tag: "TaskKilled", reason: "stage cancelled" })
      assert.strictEqual(backend.pendingKills, 0)
      // Kills that cross each task's end leave nothing behind.
      for (let taskId = 1; taskId <= 1000; taskId++) {
        toOffer = [countTask(rdd, taskId)]
        backend.reviveOffers()
        assert.strictEqual(yield* Queue.take(ended), taskId)
        backend.killTask(taskId, "driver", "stage cancelled")
      }
      assert.isTrue([...results].every(([taskId, result]) => taskId === 0 || result._tag === "Success"))
      assert.strictEqual(backend.pendingKills, 0)
    })))
})
