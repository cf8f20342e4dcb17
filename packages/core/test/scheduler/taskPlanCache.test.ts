import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as v8 from "node:v8"
import { StagePlanCache } from "../../src/internal/executor/stagePlanCache.js"
import type { FromExecutor, ToExecutor } from "../../src/internal/executor/protocol.js"
import { drain } from "../../src/internal/rdd/iterators.js"
import { type DecodedStage, receiveTask, type ShippedTask, shipTask } from "../../src/internal/scheduler/taskPlan.js"
import type { RDD } from "../../src/rdd/RDD.js"
import type { TaskBinary, TaskDescription } from "../../src/scheduler/Task.js"
import { TaskContext } from "../../src/scheduler/TaskContext.js"
import type { SparkContext } from "../../src/SparkContext.js"
import { executorEnvOf, makeContext } from "../utils/spark.js"
import { describeTask, executorInThread } from "../utils/tasks.js"

const taskOf = (binary: TaskBinary, index: number, stageId = 0, stageAttemptId = 0): TaskDescription =>
  describeTask(binary, { taskId: index, index, stageId, stageAttemptId, executorId: "exec-0" })

/** A result stage collecting each partition (its function captures nothing, so it ships by source). */
const resultStage = (rdd: RDD<unknown>): TaskBinary => ({
  _tag: "ResultTask",
  rdd,
  func: (it) => {
    const out: Array<unknown> = []
    for (let next = it.next(); next.done !== true; next = it.next()) out.push(next.value)
    return out
  }
})

/** Through the channel: v8-serialized and deserialized, as between threads. */
const overTheWire = (shipped: ShippedTask): ShippedTask => v8.deserialize(v8.serialize(shipped)) as ShippedTask

/** Runs a received task's partition through its rebuilt RDDs. */
const compute = (sc: SparkContext, task: TaskDescription): Array<unknown> => {
  const env = executorEnvOf(sc, "exec-0")
  const ctx = new TaskContext(task.stageId, task.stageAttemptId, task.partition.index, 0, task.taskId, new Map(), env)
  const out: Array<unknown> = []
  drain(task.binary.rdd.iterator(task.partition, ctx), (x) => out.push(x))
  ctx.markTaskCompleted()
  return out
}

describe("stage plans cached per executor", () => {
  it.effect("the first task of a stage carries its plan; the others reuse the decoded stage with their own slices", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      const binary = resultStage(sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => x * 10))
      const stages = new StagePlanCache<DecodedStage>()
      const results: Array<Array<unknown>> = []
      let decoded: TaskBinary | undefined
      for (let index = 0; index < 3; index++) {
        const shipped = overTheWire(shipTask(taskOf(binary, index), (planId) => stages.has(planId)))
        assert.strictEqual(shipped.plan !== undefined, index === 0, `task ${index} carries the plan`)
        const received = receiveTask(shipped, stages)!
        // One decoded stage serves every task.
        if (decoded !== undefined) assert.strictEqual(received.task.binary, decoded)
        decoded = received.task.binary
        results.push(compute(sc, received.task))
        received.release()
      }
      assert.deepStrictEqual(results, [[10, 20], [30, 40], [50, 60]])
      assert.deepStrictEqual({ size: stages.size, hits: stages.hits, misses: stages.misses }, { size: 1, hits: 2, misses: 0 })
    }))

  it.effect("a task without its plan on an executor that lacks it is not run (the executor asks)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      const binary = resultStage(sc.parallelize([1, 2], 2))
      const shipped = overTheWire(shipTask(taskOf(binary, 1), () => true))
      assert.isUndefined(shipped.plan)
      assert.isUndefined(receiveTask(shipped, new StagePlanCache<DecodedStage>()))
    }))

  it.effect("stages with equal-looking functions, and new attempts of a stage, get plans of their own", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      const stages = new StagePlanCache<DecodedStage>()
      const run = (binary: TaskBinary, stageId: number, attempt: number) => {
        const shipped = overTheWire(shipTask(taskOf(binary, 0, stageId, attempt), (planId) => stages.has(planId)))
        const received = receiveTask(shipped, stages)!
        return { planId: shipped.planId, carried: shipped.plan !== undefined, values: compute(sc, received.task) }
      }
      const first = run(resultStage(sc.parallelize(["a"], 1).map((x) => `${x}!`)), 0, 0)
      const second = run(resultStage(sc.parallelize(["b"], 1).map((x) => `${x}!`)), 0, 0)
      assert.notStrictEqual(first.planId, second.planId)
      assert.deepStrictEqual([first.values, second.values], [["a!"], ["b!"]])
      assert.isTrue(second.carried)
      // A resubmitted stage is a new binary: a new plan, which replaces the older attempt's.
      const rdd = sc.parallelize([1, 2], 1).filter((x) => x > 1)
      const attempt0 = run(resultStage(rdd), 7, 0)
      const attempt1 = run(resultStage(rdd), 7, 1)
      assert.notStrictEqual(attempt0.planId, attempt1.planId)
      assert.isTrue(attempt1.carried)
      assert.deepStrictEqual(attempt1.values, [2])
      assert.isFalse(stages.has(attempt0.planId))
    }))

  it.effect("an executor that lost a plan asks the driver for it, then runs the task sent again with it", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      const binary = resultStage(sc.parallelize([1, 2, 3, 4], 2).map((x) => x + 1))
      const sent: Array<FromExecutor> = []
      const executor = yield* executorInThread(sent, "plan-cache")
      const launch = (index: number, holdsPlan: boolean): ToExecutor => ({
        _tag: "Launch",
        task: overTheWire(shipTask(taskOf(binary, index), () => holdsPlan)),
        mapStatuses: [],
        broadcasts: []
      })
      const statuses = () => sent.filter((m) => m._tag === "StatusUpdate" || m._tag === "PlanMissing")
      const settled = (count: number) =>
        Effect.promise(async () => {
          while (statuses().length < count) await new Promise((resolve) => setImmediate(resolve))
        })
      executor.handle(launch(0, false))
      yield* settled(1)
      // Memory pressure (or eviction) drops the decoded stage the driver thinks the executor holds.
      executor.stages.clear()
      executor.handle(launch(1, true))
      yield* settled(2)
      executor.handle(launch(1, false))
      yield* settled(3)
      const [first, missing, resent] = statuses()
      assert.deepStrictEqual(first?._tag === "StatusUpdate" ? first.result._tag : first, "Success")
      assert.deepStrictEqual(missing, { _tag: "PlanMissing", taskId: 1, planId: (launch(1, true) as { task: ShippedTask }).task.planId })
      assert.deepStrictEqual(resent?._tag === "StatusUpdate" && resent.result._tag === "Success" ? resent.result.value : resent, [4, 5])
    }))
})
