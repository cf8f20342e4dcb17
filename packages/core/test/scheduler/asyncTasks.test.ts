import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { TaskContext } from "../../src/scheduler/TaskContext.js"
import * as SparkContext from "../../src/SparkContext.js"
import { backends, inbox, runAsync } from "../utils/rpc.js"

// Executors are real threads and processes: these tests run on the real clock, each bounded by its timeout.

/** An asynchronous task that tells the driver it started, then runs until it is killed (it tells that too). */
const untilInterrupted = (_it: Iterator<number>, ctx: TaskContext): Promise<string> =>
  new Promise<string>((resolve) => {
    ctx.addTaskInterruptListener((c) => {
      c.env.rpc.send("interrupted", { partition: c.partitionId, reason: c.getKillReason() })
      resolve("ended after the kill")
    })
    ctx.env.rpc.send("started", ctx.partitionId)
  })

/** Where a task runs: its executor id (worker threads and processes know theirs; in process it is "driver"). */
const executorOf = (_x: number) => {
  const { isMainThread, workerData } = process.getBuiltinModule("node:worker_threads")
  if (!isMainThread) return (workerData as { executorId: string }).executorId
  const i = process.argv.indexOf("--executor-id")
  return i === -1 ? "driver" : process.argv[i + 1]!
}

for (const { master, name } of backends) {
  describe(`asynchronous result tasks, ${name}`, () => {
    it.live("an action whose function returns a promise gets the awaited values", () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master })
        const sums = yield* runAsync(sc, sc.parallelize([1, 2, 3, 4, 5, 6], 3), async (it) => {
          let sum = 0
          for (let r = it.next(); !r.done; r = it.next()) sum += r.value
          await new Promise((resolve) => setImmediate(resolve))
          return sum * 10
        })
        assert.deepStrictEqual(sums, [30, 70, 110])
        // Synchronous jobs run as before, on the same executors.
        assert.deepStrictEqual(yield* sc.parallelize([1, 2, 3], 3).map((x) => x + 1).collect(), [2, 3, 4])
      })), { timeout: 60_000 })

    it.live("a rejected promise fails the task with its message", () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master, conf: { "spark.task.maxFailures": 1 } })
        const error = yield* Effect.flip(runAsync(sc, sc.parallelize([1, 2], 2), async (_it, ctx) => {
          await new Promise((resolve) => setImmediate(resolve))
          if (ctx.partitionId === 1) throw new Error("the async task gave up")
          return 1
        }))
        assert.strictEqual(error._tag, "JobFailedError")
        assert.include(error.message, "the async task gave up")
      })), { timeout: 60_000 })

    it.live(
      "cancelling the job interrupts the running tasks through their interrupt listeners",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          const started = inbox(sc, "started")
          const interrupted = inbox(sc, "interrupted")
          const handle = yield* sc.submitJob(sc.parallelize([1, 2], 2), untilInterrupted)
          yield* started.atLeast(2)
          yield* handle.cancel
          const error = yield* Effect.flip(handle.await)
          assert.strictEqual(error._tag, "JobCancelledError")
          yield* interrupted.atLeast(2)
          const reports = interrupted.messages as Array<{ partition: number; reason: string }>
          assert.deepStrictEqual(reports.map((r) => r.partition).sort(), [0, 1])
          for (const report of reports) assert.isString(report.reason)
          // Both cores are free again: the next job runs.
          assert.deepStrictEqual(yield* sc.parallelize([1, 2], 2).map((x) => x * 3).collect(), [3, 6])
        })),
      { timeout: 60_000 }
    )
  })
}

describe("a running asynchronous task holds its core, not its executor", () => {
  for (
    const { master, asyncTasks } of [
      { master: "local[2]", asyncTasks: 1 },
      { master: "local-cluster[1,2,128]", asyncTasks: 1 },
      { master: "local-cluster[3,1,128]", asyncTasks: 2 },
      { master: "local-process[1,2,128]", asyncTasks: 1 }
    ]
  ) {
    it.live(
      `${master}: ${asyncTasks} long asynchronous task(s) leave the other cores to short jobs`,
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          const started = inbox(sc, "started")
          const interrupted = inbox(sc, "interrupted")
          const handle = yield* sc.submitJob(sc.parallelize(Array.from({ length: asyncTasks }, (_, i) => i), asyncTasks), untilInterrupted)
          yield* started.atLeast(asyncTasks)
          // Short synchronous jobs run meanwhile, on the cores left.
          for (let round = 0; round < 3; round++) {
            const ran = yield* sc.parallelize([1, 2, 3, 4], 4).map(executorOf).collect()
            assert.strictEqual(ran.length, 4)
            if (master === "local-cluster[3,1,128]") {
              // The one executor whose core is free ran them all.
              assert.strictEqual(new Set(ran).size, 1)
              assert.notInclude(started.senders, ran[0])
            } else {
              assert.deepStrictEqual(new Set(ran), new Set(started.senders), "the async task's executor ran them")
            }
          }
          yield* handle.cancel
          yield* interrupted.atLeast(asyncTasks)
        })),
      { timeout: 90_000 }
    )
  }
})
