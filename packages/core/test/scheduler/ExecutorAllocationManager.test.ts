/**
 * Core dynamic allocation on the test clock, against a simulated cluster
 * that records every request (ExecutorAllocationManagerSuite's cases):
 * the initial target, ramp-up by doubling rounds capped by the maximum and by
 * what the tasks need, the target lowered when tasks finish, idle executors
 * removed after the timeout down to the minimum, executors with cached blocks
 * kept, the validation of every setting, and a refusing backend.
 */
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect } from "effect"
import { TestClock } from "effect/testing"
import * as ExecutorAllocationClient from "../../src/scheduler/ExecutorAllocationClient.js"
import * as ExecutorAllocationManager from "../../src/scheduler/ExecutorAllocationManager.js"
import * as SparkListener from "../../src/scheduler/SparkListener.js"
import * as SparkConf from "../../src/SparkConf.js"
import { stageInfo, taskInfo } from "../utils/listenerEvents.js"

type Entries = Readonly<Record<string, string | number | boolean>>

/** The events the tests post, by what they mean. */
export const events = {
  stageSubmitted: (stageId: number, numTasks: number): SparkListener.SparkListenerEvent => ({
    _tag: "StageSubmitted",
    stageInfo: stageInfo(stageId, numTasks)
  }),
  stageCompleted: (stageId: number): SparkListener.SparkListenerEvent => ({ _tag: "StageCompleted", stageInfo: stageInfo(stageId, 0) }),
  taskStart: (stageId: number, index: number, taskId: number, executorId: string): SparkListener.SparkListenerEvent => ({
    _tag: "TaskStart",
    stageId,
    stageAttemptId: 0,
    taskInfo: taskInfo(index, taskId, executorId)
  }),
  taskEnd: (stageId: number, index: number, taskId: number, executorId: string, succeeded = true): SparkListener.SparkListenerEvent => ({
    _tag: "TaskEnd",
    stageId,
    stageAttemptId: 0,
    taskType: "ResultTask",
    reason: succeeded ? { _tag: "Success" } : { _tag: "ExceptionFailure", message: "boom" },
    taskInfo: taskInfo(index, taskId, executorId),
    finishTime: 0
  }),
  blockUpdated: (executorId: string, blockId: string, stored: boolean): SparkListener.SparkListenerEvent => ({
    _tag: "BlockUpdated",
    blockUpdatedInfo: {
      executorId,
      host: "localhost",
      blockId,
      storageLevel: { useDisk: false, useMemory: stored, deserialized: true, replication: 1 },
      memSize: stored ? 10 : 0,
      diskSize: 0
    }
  })
}

/**
 * A manager over a simulated cluster whose executor changes reach the
 * manager's listener as the bus would bring them (`ExecutorAdded/Removed`).
 */
const harness = (entries: Entries, runningExecutors = 0) =>
  Effect.gen(function*() {
    const cluster = ExecutorAllocationClient.simulated(runningExecutors)
    const known = new Set<string>()
    let listener: SparkListener.SparkListener = {}
    const syncExecutors = Effect.gen(function*() {
      const time = yield* Clock.currentTimeMillis
      const live = cluster.executorIds()
      for (const executorId of live) {
        if (!known.has(executorId)) {
          known.add(executorId)
          SparkListener.dispatch(listener, { _tag: "ExecutorAdded", executorId, host: "localhost", cores: 1, time })
        }
      }
      for (const executorId of [...known]) {
        if (!live.includes(executorId)) {
          known.delete(executorId)
          SparkListener.dispatch(listener, { _tag: "ExecutorRemoved", executorId, reason: "killed", time })
        }
      }
    })
    const client: ExecutorAllocationClient.ExecutorAllocationClient = {
      ...cluster.client,
      requestTotalExecutors: (n, tasks, hosts) => Effect.tap(cluster.client.requestTotalExecutors(n, tasks, hosts), () => syncExecutors),
      killExecutors: (ids, options) => Effect.tap(cluster.client.killExecutors(ids, options), () => syncExecutors)
    }
    const manager = yield* ExecutorAllocationManager.make(client, SparkConf.make(entries))
    listener = manager.listener
    yield* syncExecutors
    const post = (...posted: ReadonlyArray<SparkListener.SparkListenerEvent>) => {
      for (const event of posted) SparkListener.dispatch(listener, event)
    }
    const requestedTotals = () => cluster.calls().flatMap((call) => (call._tag === "RequestTotalExecutors" ? [call.numExecutors] : []))
    const killed = () => cluster.calls().flatMap((call) => (call._tag === "KillExecutors" ? call.killed : []))
    return { cluster, manager, post, requestedTotals, killed }
  })

const conf = (entries: Entries): Entries => ({ "spark.dynamicAllocation.enabled": true, ...entries })

describe("ExecutorAllocationManager (core)", () => {
  it.effect("starts at max(minExecutors, initialExecutors, spark.executor.instances) and asks the cluster for it", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(conf({
        "spark.dynamicAllocation.minExecutors": 1,
        "spark.dynamicAllocation.initialExecutors": 2,
        "spark.executor.instances": 3,
        "spark.dynamicAllocation.maxExecutors": 5
      }))
      yield* h.manager.start
      assert.deepStrictEqual(h.requestedTotals(), [3])
      assert.strictEqual(h.manager.numExecutorsTarget(), 3)
      assert.deepStrictEqual(h.cluster.executorIds(), ["1", "2", "3"])
    })))

  it.effect("a backlog adds 1, 2, 4, ... executors per round, capped by maxExecutors", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(conf({ "spark.dynamicAllocation.initialExecutors": 1, "spark.dynamicAllocation.maxExecutors": 10 }))
      yield* h.manager.start
      h.post(events.stageSubmitted(0, 100))
      // The first round waits for schedulerBacklogTimeout (1s).
      yield* TestClock.adjust("900 millis")
      assert.deepStrictEqual(h.requestedTotals(), [1])
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(h.requestedTotals(), [1, 2])
      // Then one round per sustainedSchedulerBacklogTimeout (1s by default), each twice the last, up to the maximum.
      for (let i = 0; i < 5; i++) yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(h.requestedTotals(), [1, 2, 4, 8, 10])
      assert.strictEqual(h.cluster.executorIds().length, 10)
    })))

  it.effect("the target never exceeds what the running and pending tasks can use (tasks / cores per executor)", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(conf({ "spark.dynamicAllocation.initialExecutors": 1, "spark.executor.cores": 2 }))
      yield* h.manager.start
      h.post(events.stageSubmitted(0, 7))
      for (let i = 0; i < 6; i++) yield* TestClock.adjust("1 second")
      // 7 tasks on 2 cores per executor need 4 executors: rounds of +1 (2), +2 (4), then nothing more.
      assert.deepStrictEqual(h.requestedTotals(), [1, 2, 4])
      assert.strictEqual(h.manager.numExecutorsTarget(), 4)
    })))

  it.effect("a backlog that clears stops the rounds; finished tasks lower the target to what is needed", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(conf({ "spark.dynamicAllocation.minExecutors": 1, "spark.dynamicAllocation.maxExecutors": 8 }), 0)
      yield* h.manager.start
      h.post(events.stageSubmitted(0, 4))
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(h.requestedTotals(), [1, 2, 4])
      // Every task starts: nothing is pending any more, so no further round.
      h.post(...[0, 1, 2, 3].map((i) => events.taskStart(0, i, i, String(i + 1))))
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(h.requestedTotals(), [1, 2, 4])
      // Three finish: one running task needs one executor.
      h.post(...[0, 1, 2].map((i) => events.taskEnd(0, i, i, String(i + 1))))
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(h.requestedTotals(), [1, 2, 4, 1])
    })))

  it.effect("when every pending task has started, the next backlog waits schedulerBacklogTimeout and ramps from 1 again", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(conf({
        "spark.dynamicAllocation.initialExecutors": 1,
        "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout": "5s"
      }))
      yield* h.manager.start
      h.post(events.stageSubmitted(0, 10))
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(h.requestedTotals(), [1, 2])
      // All ten start (the executors take several each): the queue is empty.
      yield* TestClock.adjust("500 millis")
      h.post(...Array.from({ length: 10 }, (_, i) => events.taskStart(0, i, i, String((i % 2) + 1))))
      yield* TestClock.adjust("500 millis")
      h.post(events.stageSubmitted(1, 10))
      // A new backlog: one more after 1s (not the 5s sustained timer of the old one, and not 2 more).
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(h.requestedTotals(), [1, 2, 3])
    })))

  it.effect("a failed task is pending again and restarts the backlog timer", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(conf({ "spark.dynamicAllocation.maxExecutors": 4 }), 1)
      yield* h.manager.start
      h.post(events.stageSubmitted(0, 2), events.taskStart(0, 0, 0, "1"), events.taskStart(0, 1, 1, "1"))
      yield* TestClock.adjust("3 seconds")
      assert.strictEqual(h.manager.pendingTasks(), 0)
      h.post(events.taskEnd(0, 1, 1, "1", false))
      assert.strictEqual(h.manager.pendingTasks(), 1)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(h.manager.numExecutorsTarget(), 2)
    })))

  it.effect("an executor idle for executorIdleTimeout is removed, never below minExecutors, never a busy one", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(conf({ "spark.dynamicAllocation.minExecutors": 2, "spark.dynamicAllocation.initialExecutors": 5 }))
      yield* h.manager.start
      // Executor 5 runs a long task.
      h.post(events.stageSubmitted(0, 1), events.taskStart(0, 0, 0, "5"))
      yield* TestClock.adjust("59900 millis")
      assert.deepStrictEqual(h.killed(), [])
      yield* TestClock.adjust("100 millis")
      // 1 to 4 are idle for 60s; removing all four would leave 1 (the busy one): three go, one stays for the minimum.
      assert.deepStrictEqual(h.killed(), ["1", "2", "3"])
      assert.deepStrictEqual(h.cluster.executorIds(), ["4", "5"])
      h.post(events.taskEnd(0, 0, 0, "5"), events.stageCompleted(0))
      yield* TestClock.adjust("2 minutes")
      assert.deepStrictEqual(h.cluster.executorIds(), ["4", "5"])
    })))

  it.effect("an executor is idle from its last task's end", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(conf({ "spark.dynamicAllocation.initialExecutors": 1 }))
      yield* h.manager.start
      h.post(events.stageSubmitted(0, 1), events.taskStart(0, 0, 0, "1"))
      yield* TestClock.adjust("90 seconds")
      h.post(events.taskEnd(0, 0, 0, "1"), events.stageCompleted(0))
      yield* TestClock.adjust("59900 millis")
      assert.deepStrictEqual(h.killed(), [])
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(h.killed(), ["1"])
    })))

  it.effect("an executor holding cached blocks stays idle for ever by default", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(conf({ "spark.dynamicAllocation.initialExecutors": 2 }))
      yield* h.manager.start
      h.post(events.blockUpdated("1", "rdd_3_0", true), events.blockUpdated("2", "broadcast_0", true))
      yield* TestClock.adjust("10 minutes")
      // The broadcast block is not cached RDD data: executor 2 goes after 60s, executor 1 stays.
      assert.deepStrictEqual(h.killed(), ["2"])
      // Once its block is unpersisted, it has been idle long enough.
      h.post({ _tag: "UnpersistRDD", rddId: 3 })
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(h.killed(), ["2", "1"])
    })))

  it.effect("cachedExecutorIdleTimeout removes an executor holding cached blocks after its own timeout", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(
        conf({ "spark.dynamicAllocation.initialExecutors": 2, "spark.dynamicAllocation.cachedExecutorIdleTimeout": "120s" })
      )
      yield* h.manager.start
      h.post(events.blockUpdated("1", "rdd_0_1", true))
      yield* TestClock.adjust("119900 millis")
      assert.deepStrictEqual(h.killed(), ["2"])
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(h.killed(), ["2", "1"])
    })))

  it.effect("the initial executors stay until the first job, even when no task needs them", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(
        conf({ "spark.dynamicAllocation.initialExecutors": 3, "spark.dynamicAllocation.executorIdleTimeout": "600s" })
      )
      yield* h.manager.start
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(h.requestedTotals(), [3])
      h.post(events.stageSubmitted(0, 1))
      yield* TestClock.adjust("100 millis")
      // The first stage needs one executor: the target drops to it.
      assert.deepStrictEqual(h.requestedTotals(), [3, 1])
    })))

  it.effect("a backend that cannot allocate refuses at start with a clear error", () =>
    Effect.scoped(Effect.gen(function*() {
      const manager = yield* ExecutorAllocationManager.make(ExecutorAllocationClient.unsupported("local[2]"), SparkConf.make({}))
      const error = yield* Effect.flip(manager.start)
      assert.strictEqual(error._tag, "DynamicAllocationUnsupportedError")
      assert.match(error.message, /local\[2\].*cannot start or stop executors/)
    })))

  describe("validation names the key", () => {
    const cases: ReadonlyArray<readonly [Entries, string]> = [
      [{ "spark.dynamicAllocation.minExecutors": -1 }, "spark.dynamicAllocation.minExecutors"],
      [{ "spark.dynamicAllocation.minExecutors": "x" }, "spark.dynamicAllocation.minExecutors"],
      [{ "spark.dynamicAllocation.maxExecutors": 0 }, "spark.dynamicAllocation.maxExecutors"],
      [{ "spark.dynamicAllocation.minExecutors": 4, "spark.dynamicAllocation.maxExecutors": 3 }, "spark.dynamicAllocation.minExecutors"],
      [
        { "spark.dynamicAllocation.initialExecutors": 5, "spark.dynamicAllocation.maxExecutors": 3 },
        "spark.dynamicAllocation.initialExecutors"
      ],
      [{ "spark.executor.instances": 5, "spark.dynamicAllocation.maxExecutors": 3 }, "spark.executor.instances"],
      [{ "spark.dynamicAllocation.schedulerBacklogTimeout": "0s" }, "spark.dynamicAllocation.schedulerBacklogTimeout"],
      [{ "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout": "0s" }, "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout"],
      [{ "spark.dynamicAllocation.executorIdleTimeout": "soon" }, "spark.dynamicAllocation.executorIdleTimeout"],
      [{ "spark.dynamicAllocation.cachedExecutorIdleTimeout": "-1s" }, "spark.dynamicAllocation.cachedExecutorIdleTimeout"],
      [{ "spark.dynamicAllocation.executorAllocationRatio": 0 }, "spark.dynamicAllocation.executorAllocationRatio"],
      [{ "spark.dynamicAllocation.executorAllocationRatio": 1.5 }, "spark.dynamicAllocation.executorAllocationRatio"],
      [{ "spark.executor.cores": 1, "spark.task.cpus": 2 }, "spark.executor.cores"],
      [{ "spark.task.cpus": 0 }, "spark.task.cpus"]
    ]
    for (const [entries, key] of cases) {
      it(`${JSON.stringify(entries)} -> ${key}`, () => {
        const error = ExecutorAllocationManager.readSettings(SparkConf.make(entries))
        assert.instanceOf(error, ExecutorAllocationManager.DynamicAllocationConfigError)
        assert.strictEqual((error as ExecutorAllocationManager.DynamicAllocationConfigError).key, key)
        assert.include((error as ExecutorAllocationManager.DynamicAllocationConfigError).message, key)
      })
    }

    it("the defaults are Spark's", () => {
      const settings = ExecutorAllocationManager.readSettings(SparkConf.make({}))
      assert.deepStrictEqual(settings, {
        minExecutors: 0,
        maxExecutors: Number.POSITIVE_INFINITY,
        initialExecutors: 0,
        schedulerBacklogTimeoutMs: 1000,
        sustainedSchedulerBacklogTimeoutMs: 1000,
        executorIdleTimeoutMs: 60_000,
        cachedExecutorIdleTimeoutMs: Number.POSITIVE_INFINITY,
        executorAllocationRatio: 1,
        tasksPerExecutor: 1
      })
    })

    it("isDynamicAllocationEnabled reads spark.dynamicAllocation.enabled", () => {
      assert.isFalse(ExecutorAllocationManager.isDynamicAllocationEnabled(SparkConf.make({})))
      assert.isTrue(ExecutorAllocationManager.isDynamicAllocationEnabled(SparkConf.make({ "spark.dynamicAllocation.enabled": true })))
      const error = ExecutorAllocationManager.isDynamicAllocationEnabled(SparkConf.make({ "spark.dynamicAllocation.enabled": "yes" }))
      assert.strictEqual((error as ExecutorAllocationManager.DynamicAllocationConfigError).key, "spark.dynamicAllocation.enabled")
    })
  })
})
