import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runTask } from "../../src/internal/scheduler/runTask.js"
import type { RDD } from "../../src/rdd/RDD.js"
import type { TaskDescription } from "../../src/scheduler/Task.js"
import { TaskContext } from "../../src/scheduler/TaskContext.js"
import * as SparkContext from "../../src/SparkContext.js"
import { executorEnvOf } from "../utils/spark.js"
import { describeTask } from "../utils/tasks.js"

const resultTask = (rdd: RDD<number>, func: (it: Iterator<unknown>, ctx: TaskContext) => unknown, taskId = 1): TaskDescription =>
  describeTask({ _tag: "ResultTask", rdd: rdd as RDD<unknown>, func }, { taskId })

describe("runTask", () => {
  it.effect("a synchronous task returns its result itself (no promise); a promise-returning one returns a promise of it", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[1]" })
      const rdd = sc.parallelize([1, 2, 3], 1)
      const env = executorEnvOf(sc)
      const sync = runTask(resultTask(rdd, (it) => [...{ [Symbol.iterator]: () => it }].length), env)
      assert.notInstanceOf(sync, Promise)
      assert.deepInclude(sync, { _tag: "Success", value: 3 })
      const completed: Array<string> = []
      const running = new Map<number, TaskContext>()
      const pending = runTask(
        resultTask(rdd, async (_it, ctx) => {
          ctx.addTaskCompletionListener(() => void completed.push("done"))
          await Promise.resolve()
          return "later"
        }, 7),
        env,
        running
      )
      assert.instanceOf(pending, Promise)
      assert.deepStrictEqual([...running.keys()], [7])
      assert.deepStrictEqual(completed, [], "completion waits for the promise")
      assert.deepInclude(yield* Effect.promise(() => pending as Promise<unknown>), { _tag: "Success", value: "later" })
      assert.deepStrictEqual(completed, ["done"])
      assert.strictEqual(running.size, 0)
      // Killed while it runs: its interrupt listener ends it, and it reports TaskKilled.
      const killable = runTask(
        resultTask(rdd, (_it, ctx) => new Promise((resolve) => ctx.addTaskInterruptListener(() => resolve("stopped"))), 8),
        env,
        running
      ) as Promise<unknown>
      running.get(8)!.markInterrupted("stage cancelled")
      assert.deepStrictEqual(yield* Effect.promise(() => killable), { _tag: "TaskKilled", reason: "stage cancelled" })
      // A rejection fails the task with its message.
      const rejected = runTask(resultTask(rdd, () => Promise.reject(new Error("no luck"))), env) as Promise<unknown>
      assert.deepInclude(yield* Effect.promise(() => rejected), { _tag: "ExceptionFailure", message: "Error: no luck" })
    })))
})

describe("TaskContext interrupt listeners", () => {
  it("run once on the first markInterrupted, report what they threw, and run at once when added after the kill", () => {
    const ctx = new TaskContext(0, 0, 0, 0, 0, new Map(), undefined as never)
    const calls: Array<string> = []
    ctx.addTaskInterruptListener(() => void calls.push("first"))
    ctx.addTaskInterruptListener(() => {
      throw new Error("listener failed")
    })
    ctx.addTaskInterruptListener((c) => void calls.push(`third: ${c.getKillReason()}`))
    const errors = ctx.markInterrupted("job cancelled")
    assert.deepStrictEqual(calls, ["first", "third: job cancelled"])
    assert.strictEqual((errors[0] as Error).message, "listener failed")
    assert.deepStrictEqual(ctx.markInterrupted("again"), [])
    assert.strictEqual(ctx.getKillReason(), "job cancelled")
    ctx.addTaskInterruptListener(() => void calls.push("late"))
    assert.deepStrictEqual(calls, ["first", "third: job cancelled", "late"])
    assert.isTrue(ctx.isInterrupted())
  })
})
