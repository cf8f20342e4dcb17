/**
 * Dynamic allocation on real executors (worker threads and processes, real
 * clock): a backlog starts an executor and the job finishes right; an idle
 * application gives executors back down to the minimum; an executor killed
 * mid-job while it holds shuffle outputs has them recomputed; a
 * decommissioned executor finishes its running task, takes no new one, then
 * stops. Tasks that must wait do so on a file the test writes, so no outcome
 * depends on the machine's speed; every wait is bounded.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, type Scope } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { withEnv } from "../../../src/Closure.js"
import type { SparkListener } from "../../../src/index.js"
import * as SparkContext from "../../../src/SparkContext.js"
import { runAsync } from "../../utils/rpc.js"
import { eventually, tempDir } from "../../utils/spark.js"

const masters = [
  { name: "worker threads (local-cluster)", cluster: (n: number, cores = 1) => `local-cluster[${n},${cores},128]` },
  { name: "processes (local-process)", cluster: (n: number, cores = 1) => `local-process[${n},${cores},128]` }
] as const

/** A task function that returns its element once `dir/go` exists (waiting at most 60 s, then failing). */
const releasedBy = (dir: string) =>
  withEnv({ dir }, ({ dir }) => <T>(x: T): T => {
    const fs = process.getBuiltinModule("node:fs")
    const cell = new Int32Array(new SharedArrayBuffer(4))
    for (let waited = 0; !fs.existsSync(`${dir}/go`); waited += 10) {
      if (waited > 60_000) throw new Error("the test never released this task")
      Atomics.wait(cell, 0, 0, 10)
    }
    return x
  })

const release = (dir: string) => Effect.sync(() => fs.writeFileSync(path.join(dir, "go"), ""))

type Event<Tag extends SparkListener.SparkListenerEvent["_tag"]> = Extract<SparkListener.SparkListenerEvent, { _tag: Tag }>

/** Executor and task events of a context, in order. */
const recordExecutors = (sc: SparkContext.SparkContext) => {
  // Events posted before the listener was added may still reach it: only executors started later count as added.
  const initial = [...sc.executorIds]
  const added: Array<string> = []
  const removed: Array<{ readonly executorId: string; readonly reason: string }> = []
  const tasks: Array<Event<"TaskEnd">> = []
  const started: Array<Event<"TaskStart">> = []
  const stages: Array<Event<"StageCompleted">> = []
  const submitted: Array<Event<"StageSubmitted">> = []
  sc.addSparkListener({
    onExecutorAdded: (e) => void (initial.includes(e.executorId) || added.push(e.executorId)),
    onExecutorRemoved: (e) => void removed.push({ executorId: e.executorId, reason: e.reason }),
    onTaskStart: (e) => void started.push(e),
    onTaskEnd: (e) => void tasks.push(e),
    onStageSubmitted: (e) => void submitted.push(e),
    onStageCompleted: (e) => void stages.push(e)
  })
  return { added, removed, tasks, started, stages, submitted }
}

/** A test on real executors and the real clock, in a scope, bounded by 90 s. */
const live = (name: string, body: Effect.Effect<void, unknown, Scope.Scope>) =>
  it.live(name, () => Effect.scoped(body), { timeout: 90_000 })

for (const { cluster, name } of masters) {
  describe(`dynamic allocation on ${name}`, () => {
    live(
      "a backlog starts a second executor; the job runs on both and its result is right",
      Effect.gen(function*() {
        const dir = yield* tempDir
        const sc = yield* SparkContext.make({
          master: cluster(1),
          conf: {
            "spark.dynamicAllocation.enabled": true,
            "spark.dynamicAllocation.minExecutors": 1,
            "spark.dynamicAllocation.maxExecutors": 2,
            "spark.dynamicAllocation.schedulerBacklogTimeout": "100ms"
          }
        })
        const events = recordExecutors(sc)
        assert.deepStrictEqual(sc.executorIds, ["exec-0"], "it starts with minExecutors")
        // Every task waits for the release, so the backlog lasts until the second executor is there.
        const job = yield* Effect.forkChild(sc.parallelize([1, 2, 3, 4, 5, 6, 7, 8], 8).map(releasedBy(dir)).map((x) => x * 10).collect())
        yield* eventually("a second executor", () => sc.executorIds.length === 2)
        yield* eventually("a task on the second executor", () => events.started.some((e) => e.taskInfo.executorId === "exec-1"))
        // Read while the backlog lasts: once the job ends, the next 100 ms round lowers the target to minExecutors.
        assert.strictEqual(sc.executorAllocationManager?.numExecutorsTarget(), 2)
        yield* release(dir)
        assert.deepStrictEqual(yield* Fiber.join(job), [10, 20, 30, 40, 50, 60, 70, 80])
        yield* sc.waitForListeners()
        assert.deepStrictEqual(new Set(events.tasks.map((e) => e.taskInfo.executorId)), new Set(["exec-0", "exec-1"]))
        assert.isTrue(events.tasks.every((e) => e.reason._tag === "Success"))
        // Never more than maxExecutors.
        assert.deepStrictEqual(events.added, ["exec-1"])
      })
    )

    live(
      "with Spark's defaults it starts with no executor, starts one for the first job, and ends with none again",
      Effect.gen(function*() {
        const sc = yield* SparkContext.make({
          master: cluster(1),
          conf: {
            "spark.dynamicAllocation.enabled": true,
            "spark.dynamicAllocation.schedulerBacklogTimeout": "100ms",
            "spark.dynamicAllocation.executorIdleTimeout": "1s"
          }
        })
        const events = recordExecutors(sc)
        assert.deepStrictEqual(sc.executorIds, [], "minExecutors is 0")
        assert.deepStrictEqual(yield* sc.parallelize([1, 2, 3, 4], 2).map((x) => x * 3).collect(), [3, 6, 9, 12])
        // Two one-core tasks need two executors at most.
        assert.isAtLeast(events.added.length, 1)
        assert.isAtMost(events.added.length, 2)
        yield* eventually(
          "the idle executors' removal",
          () => sc.executorIds.length === 0 && events.removed.length === events.added.length
        )
        assert.deepStrictEqual(sc.executorIds, [])
        assert.strictEqual(sc.executorAllocationManager?.numExecutorsTarget(), 0)
      })
    )

    live(
      "an idle application gives executors back down to minExecutors, and they are not replaced",
      Effect.gen(function*() {
        const sc = yield* SparkContext.make({
          master: cluster(1),
          conf: {
            "spark.dynamicAllocation.enabled": true,
            "spark.dynamicAllocation.minExecutors": 1,
            "spark.dynamicAllocation.initialExecutors": 3,
            "spark.dynamicAllocation.maxExecutors": 3,
            "spark.dynamicAllocation.executorIdleTimeout": "1s"
          }
        })
        const events = recordExecutors(sc)
        assert.strictEqual(sc.executorIds.length, 3, "it starts with initialExecutors")
        // The initial executors stay until the first job (Spark's rule).
        assert.deepStrictEqual(yield* sc.parallelize([1, 2, 3], 3).map((x) => x + 1).collect(), [2, 3, 4])
        yield* eventually("two executors removed", () => events.removed.length === 2)
        assert.strictEqual(sc.executorIds.length, 1)
        for (const { reason } of events.removed) assert.include(reason, "killed by the driver")
        // The one left runs the next job; nothing was started to replace the removed ones.
        assert.deepStrictEqual(yield* sc.parallelize([1, 2, 3, 4], 2).map((x) => x * 2).collect(), [2, 4, 6, 8])
        yield* sc.waitForListeners()
        assert.deepStrictEqual(events.added, [])
        assert.strictEqual(sc.executorIds.length, 1)
        assert.strictEqual(sc.executorAllocationManager?.numExecutorsTarget(), 1)
      })
    )

    live(
      "an executor holding shuffle outputs killed mid-job: the outputs are recomputed and the result is right",
      Effect.gen(function*() {
        const dir = yield* tempDir
        const sc = yield* SparkContext.make({ master: cluster(2) })
        const events = recordExecutors(sc)
        const numbers = sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 8).map((x) => [x % 5, x] as const)
        // The other side's one map task waits for the release, so the join's reduce stage cannot start before.
        const names = sc.parallelize([0, 1, 2, 3, 4], 1).map(releasedBy(dir)).map((k) => [k, `k${k}`] as const)
        const job = yield* Effect.forkChild(numbers.join(names, 3).mapValues(([x]) => x).reduceByKey((a, b) => a + b).collect())
        // The eight-task stage done, the waiting task running: the other executor is idle and holds shuffle outputs.
        yield* eventually("the numbers' map stage", () => events.stages.some((e) => e.stageInfo.numTasks === 8))
        yield* eventually(
          "the waiting task",
          () => events.started.some((e) => e.taskInfo.index === 0 && stageTasks(events, e.stageId) === 1)
        )
        const waiting = events.started.find((e) => stageTasks(events, e.stageId) === 1)!.taskInfo.executorId
        const numbersStage = events.stages.find((e) => e.stageInfo.numTasks === 8)!.stageInfo.stageId
        const holders = new Set(events.tasks.filter((e) => e.stageId === numbersStage).map((e) => e.taskInfo.executorId))
        const victim = [...holders].find((id) => id !== waiting)
        assert.isDefined(victim, "an idle executor holds some of the numbers' shuffle outputs")
        assert.deepStrictEqual(yield* sc.executorAllocationClient.killExecutors([victim!]), [victim])
        yield* eventually("the kill", () => !sc.executorIds.includes(victim!))
        yield* release(dir)
        const sums = new Map(yield* Fiber.join(job))
        assert.deepStrictEqual(sums, new Map([0, 1, 2, 3, 4].map((k) => [k, sumWhere((x) => x % 5 === k)])))
        yield* sc.waitForListeners()
        // The lost outputs were computed again: the numbers' stage ran a second attempt.
        assert.isAbove(events.submitted.filter((e) => e.stageInfo.stageId === numbersStage).length, 1)
        // Killed with Spark's defaults: the target is lowered, so it was not replaced.
        assert.deepStrictEqual(events.added, [])
        assert.deepStrictEqual(sc.executorIds, [waiting])
      })
    )

    live(
      "a decommissioned executor finishes its running task, takes no new one, then stops",
      Effect.gen(function*() {
        const dir = yield* tempDir
        // Two cores each: the decommissioned executor has a free core while its first task runs.
        const sc = yield* SparkContext.make({ master: cluster(2, 2) })
        const events = recordExecutors(sc)
        const numbers = Array.from({ length: 20 }, (_, i) => i)
        // Asynchronous tasks: the first waits without blocking its executor, whose other core keeps working.
        const job = yield* Effect.forkChild(runAsync(
          sc,
          sc.parallelize(numbers, 20),
          withEnv({ dir }, ({ dir }) => async (it: Iterator<number>) => {
            const x = it.next().value as number
            const fs = process.getBuiltinModule("node:fs")
            for (let waited = 0; x === 0 && !fs.existsSync(`${dir}/go`); waited += 10) {
              if (waited > 60_000) throw new Error("the test never released this task")
              await new Promise((resolve) => setTimeout(resolve, 10))
            }
            return x * 2
          })
        ))
        yield* eventually("the waiting task", () => events.started.some((e) => e.taskInfo.index === 0))
        const busy = events.started.find((e) => e.taskInfo.index === 0)!.taskInfo.executorId
        assert.deepStrictEqual(yield* sc.executorAllocationClient.decommissionExecutors([busy]), [busy])
        const startedBefore = events.started.length
        // Leaving: not active for allocation, but alive while its task runs.
        assert.notInclude(yield* sc.executorAllocationClient.getExecutorIds, busy)
        assert.include(sc.executorIds, busy)
        yield* eventually("the other tasks", () => events.tasks.length === 19)
        yield* release(dir)
        assert.deepStrictEqual(yield* Fiber.join(job), numbers.map((x) => x * 2))
        yield* eventually("the decommissioned executor's end", () => events.removed.some((e) => e.executorId === busy))
        yield* sc.waitForListeners()
        assert.isTrue(events.tasks.every((e) => e.reason._tag === "Success"), "its running task finished")
        assert.isTrue(events.started.slice(startedBefore).every((e) => e.taskInfo.executorId !== busy), "no new task went to it")
        assert.deepStrictEqual(events.added, [], "not replaced")
        assert.deepStrictEqual(yield* sc.parallelize([1, 2], 2).collect(), [1, 2])
      })
    )
  })
}

const stageTasks = (events: ReturnType<typeof recordExecutors>, stageId: number) =>
  events.submitted.find((e) => e.stageInfo.stageId === stageId)?.stageInfo.numTasks

const sumWhere = (keep: (x: number) => boolean) => Array.from({ length: 100 }, (_, i) => i).filter(keep).reduce((a, b) => a + b, 0)

describe("dynamic allocation refused where it cannot work", () => {
  it.effect("a local master fails the context's creation, saying what to change", () =>
    Effect.scoped(Effect.gen(function*() {
      const error = yield* Effect.flip(SparkContext.make({ master: "local[2]", conf: { "spark.dynamicAllocation.enabled": true } }))
      assert.strictEqual(error._tag, "DynamicAllocationUnsupportedError")
      assert.match(error.message, /local\[2\] backend runs every task in the driver.*local-cluster\[N,C,M\]/)
    })))

  it.effect("an invalid setting fails the context's creation naming its key", () =>
    Effect.scoped(Effect.gen(function*() {
      const error = yield* Effect.flip(SparkContext.make({
        master: "local-cluster[1,1,128]",
        conf: {
          "spark.dynamicAllocation.enabled": true,
          "spark.dynamicAllocation.minExecutors": 3,
          "spark.dynamicAllocation.maxExecutors": 2
        }
      }))
      assert.strictEqual(error._tag, "DynamicAllocationConfigError")
      assert.include(error.message, "spark.dynamicAllocation.minExecutors (3) must be less than or equal to")
    })))
})
