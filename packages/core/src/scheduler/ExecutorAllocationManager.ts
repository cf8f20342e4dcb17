/**
 * Core's dynamic allocation (`spark.dynamicAllocation.enabled`): the number
 * of executors follows the load of batch jobs. While tasks have been waiting
 * for `schedulerBacklogTimeout` (1s) it asks for one more executor, then every
 * `sustainedSchedulerBacklogTimeout` for twice as many as the round before
 * (1, 2, 4, ...), never more than the running and pending tasks could keep
 * busy (`tasks / (spark.executor.cores / spark.task.cpus)`) nor more than
 * `maxExecutors`; an executor idle for `executorIdleTimeout` (60s) is removed,
 * one holding cached blocks only after `cachedExecutorIdleTimeout` (never, by
 * default), and never below `minExecutors`. It starts at
 * `max(minExecutors, initialExecutors, spark.executor.instances)`. It hears
 * the scheduler through the listener bus and talks to the cluster through an
 * `ExecutorAllocationClient`; its round runs every 100 ms on Effect's `Clock`.
 *
 * Mirrors `org.apache.spark.ExecutorAllocationManager`.
 *
 * @since 0.1.0
 */
import { Clock, Data, Effect, type Scope } from "effect"
import { type AllocationAction, type AllocationSettings, AllocationState } from "../internal/scheduler/executorAllocation.js"
import * as SparkConf from "../SparkConf.js"
import type { InvalidArgumentError } from "../SparkError.js"
import type { ExecutorAllocationClient, ExecutorAllocationError } from "./ExecutorAllocationClient.js"
import type { SparkListener } from "./SparkListener.js"

/**
 * A dynamic allocation setting is invalid; `key` names it and the message says what to change.
 *
 * **Example**
 * ```ts
 * new DynamicAllocationConfigError({ key: "spark.dynamicAllocation.maxExecutors", message: "..." })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class DynamicAllocationConfigError extends Data.TaggedError("DynamicAllocationConfigError")<{
  readonly key: string
  readonly message: string
}> {}

/**
 * The settings read, validated (Spark's `validateSettings`).
 *
 * @category models
 * @since 0.1.0
 */
export type Settings = AllocationSettings

/**
 * The configuration keys read.
 *
 * @category constants
 * @since 0.1.0
 */
export const keys = {
  enabled: "spark.dynamicAllocation.enabled",
  minExecutors: "spark.dynamicAllocation.minExecutors",
  maxExecutors: "spark.dynamicAllocation.maxExecutors",
  initialExecutors: "spark.dynamicAllocation.initialExecutors",
  executorInstances: "spark.executor.instances",
  schedulerBacklogTimeout: "spark.dynamicAllocation.schedulerBacklogTimeout",
  sustainedSchedulerBacklogTimeout: "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout",
  executorIdleTimeout: "spark.dynamicAllocation.executorIdleTimeout",
  cachedExecutorIdleTimeout: "spark.dynamicAllocation.cachedExecutorIdleTimeout",
  executorAllocationRatio: "spark.dynamicAllocation.executorAllocationRatio",
  executorCores: "spark.executor.cores",
  taskCpus: "spark.task.cpus"
} as const

/** How often the policy runs, as Spark's fixed `intervalMillis`. */
const SCHEDULE_INTERVAL_MS = 100

const configError = (key: string, message: string) => new DynamicAllocationConfigError({ key, message })
const fromConf = (key: string, value: number | InvalidArgumentError): number | DynamicAllocationConfigError =>
  typeof value === "number" ? value : configError(key, value.message)

/**
 * Whether core's dynamic allocation is on (`spark.dynamicAllocation.enabled`).
 * Unlike Spark, a local master does not turn it off silently: the in-process
 * backend's client refuses it with a clear error when the manager starts.
 *
 * Mirrors `Utils.isDynamicAllocationEnabled`.
 *
 * **Example**
 * ```ts
 * ExecutorAllocationManager.isDynamicAllocationEnabled(SparkConf.make({ "spark.dynamicAllocation.enabled": true })) // true
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const isDynamicAllocationEnabled = (conf: SparkConf.SparkConf): boolean | DynamicAllocationConfigError => {
  const enabled = SparkConf.getBoolean(conf, keys.enabled, false)
  return typeof enabled === "boolean" ? enabled : configError(keys.enabled, enabled.message)
}

/**
 * Reads and validates the settings; the first invalid one is a
 * `DynamicAllocationConfigError` naming its key. Durations are Spark's
 * (a bare number is seconds). `coresPerExecutor` is used when
 * `spark.executor.cores` is not set (the master URL's cores per executor).
 *
 * Mirrors `ExecutorAllocationManager.validateSettings` and
 * `Utils.getDynamicAllocationInitialExecutors`.
 *
 * **Example**
 * ```ts
 * const settings = ExecutorAllocationManager.readSettings(SparkConf.make({ "spark.dynamicAllocation.maxExecutors": 4 }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const readSettings = (conf: SparkConf.SparkConf, coresPerExecutor = 1): Settings | DynamicAllocationConfigError => {
  const int = (key: string, fallback: number) => fromConf(key, SparkConf.getInt(conf, key, fallback))
  const seconds = (key: string, fallback: string) => {
    const value = fromConf(key, SparkConf.getTimeAsSeconds(conf, key, fallback))
    return typeof value === "number" ? value * 1000 : value
  }
  const minExecutors = int(keys.minExecutors, 0)
  if (typeof minExecutors !== "number") return minExecutors
  const maxExecutors = conf.entries.has(keys.maxExecutors) ? int(keys.maxExecutors, 0) : Number.POSITIVE_INFINITY
  if (typeof maxExecutors !== "number") return maxExecutors
  const initialSetting = int(keys.initialExecutors, minExecutors)
  if (typeof initialSetting !== "number") return initialSetting
  const instances = int(keys.executorInstances, 0)
  if (typeof instances !== "number") return instances
  const backlog = seconds(keys.schedulerBacklogTimeout, "1s")
  if (typeof backlog !== "number") return backlog
  const sustained = conf.entries.has(keys.sustainedSchedulerBacklogTimeout)
    ? seconds(keys.sustainedSchedulerBacklogTimeout, "1s")
    : backlog
  if (typeof sustained !== "number") return sustained
  const idle = seconds(keys.executorIdleTimeout, "60s")
  if (typeof idle !== "number") return idle
  const cachedIdle = conf.entries.has(keys.cachedExecutorIdleTimeout)
    ? seconds(keys.cachedExecutorIdleTimeout, "0s")
    : Number.POSITIVE_INFINITY
  if (typeof cachedIdle !== "number") return cachedIdle
  const ratio = fromConf(keys.executorAllocationRatio, SparkConf.getDouble(conf, keys.executorAllocationRatio, 1))
  if (typeof ratio !== "number") return ratio
  const cores = int(keys.executorCores, coresPerExecutor)
  if (typeof cores !== "number") return cores
  const taskCpus = int(keys.taskCpus, 1)
  if (typeof taskCpus !== "number") return taskCpus

  if (minExecutors < 0) return configError(keys.minExecutors, `${keys.minExecutors} must be >= 0, got ${minExecutors}`)
  if (maxExecutors <= 0) return configError(keys.maxExecutors, `${keys.maxExecutors} must be >= 1, got ${maxExecutors}`)
  if (minExecutors > maxExecutors) {
    return configError(
      keys.minExecutors,
      `${keys.minExecutors} (${minExecutors}) must be less than or equal to ${keys.maxExecutors} (${maxExecutors})`
    )
  }
  // Spark starts with the largest of the three; one above the maximum would start outside the bounds.
  const initialExecutors = Math.max(minExecutors, initialSetting, instances)
  if (initialExecutors > maxExecutors) {
    const key = instances > initialSetting ? keys.executorInstances : keys.initialExecutors
    return configError(key, `${key} (${initialExecutors}) must be at most ${keys.maxExecutors} (${maxExecutors})`)
  }
  if (backlog <= 0) return configError(keys.schedulerBacklogTimeout, `${keys.schedulerBacklogTimeout} must be > 0`)
  if (sustained <= 0) {
    return configError(keys.sustainedSchedulerBacklogTimeout, `${keys.sustainedSchedulerBacklogTimeout} must be > 0`)
  }
  if (!(ratio > 0 && ratio <= 1)) {
    return configError(keys.executorAllocationRatio, `${keys.executorAllocationRatio} must be > 0 and <= 1.0, got ${ratio}`)
  }
  if (cores < 1) return configError(keys.executorCores, `${keys.executorCores} must be >= 1, got ${cores}`)
  if (taskCpus < 1) return configError(keys.taskCpus, `${keys.taskCpus} must be >= 1, got ${taskCpus}`)
  const tasksPerExecutor = Math.floor(cores / taskCpus)
  if (tasksPerExecutor === 0) return configError(keys.executorCores, `${keys.executorCores} must not be less than ${keys.taskCpus}`)
  return {
    minExecutors,
    maxExecutors,
    initialExecutors,
    schedulerBacklogTimeoutMs: backlog,
    sustainedSchedulerBacklogTimeoutMs: sustained,
    executorIdleTimeoutMs: idle,
    cachedExecutorIdleTimeoutMs: cachedIdle,
    executorAllocationRatio: ratio,
    tasksPerExecutor
  }
}

/**
 * A running policy: register `listener` on the context's bus and run `start`
 * in a scope (closing it stops the rounds).
 *
 * Mirrors `org.apache.spark.ExecutorAllocationManager`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorAllocationManager {
  readonly settings: Settings
  /** Hears stages, tasks, executors and cached blocks. */
  readonly listener: SparkListener
  /**
   * Asks the cluster for the initial total and runs a round every 100 ms in
   * the scope; fails at once when the cluster refuses the first request (the
   * in-process backend's client does).
   */
  readonly start: Effect.Effect<void, ExecutorAllocationError, Scope.Scope>
  /** Runs one round now: adjusts the target and removes timed-out executors. */
  readonly schedule: Effect.Effect<void>
  /** The total number of executors wanted now. */
  readonly numExecutorsTarget: () => number
  /** Tasks waiting for a slot, over every active stage. */
  readonly pendingTasks: () => number
  /** Executors registered and not being removed. */
  readonly executorIds: () => ReadonlyArray<string>
}

/**
 * A manager over `client` with the settings of `conf` (validated first).
 * Time comes from Effect's `Clock` of the caller (the test clock in tests).
 *
 * Mirrors `new ExecutorAllocationManager(client, listenerBus, conf)`.
 *
 * **Example**
 * ```ts
 * const manager = yield* ExecutorAllocationManager.make(client, sc.conf)
 * yield* sc.listenerBus.addListener(manager.listener)
 * yield* manager.start
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  client: ExecutorAllocationClient,
  conf: SparkConf.SparkConf,
  options: { readonly coresPerExecutor?: number } = {}
): Effect.Effect<ExecutorAllocationManager, DynamicAllocationConfigError> =>
  Effect.gen(function*() {
    const settings = readSettings(conf, options.coresPerExecutor)
    if (settings instanceof DynamicAllocationConfigError) return yield* settings
    const clock = yield* Clock.Clock
    const now = () => clock.currentTimeMillisUnsafe()
    const state = new AllocationState(settings)
    const schedule = Effect.gen(function*() {
      for (const action of state.schedule(yield* Clock.currentTimeMillis)) yield* perform(client, state, action)
    })
    return {
      settings,
      listener: listenerOf(state, now),
      start: Effect.gen(function*() {
        yield* Effect.logInfo(
          `Dynamic allocation started: ${settings.initialExecutors} initial executors, ` +
            `between ${settings.minExecutors} and ${settings.maxExecutors}`
        )
        yield* client.requestTotalExecutors(state.numExecutorsTarget)
        yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(SCHEDULE_INTERVAL_MS), schedule)))
      }),
      schedule,
      numExecutorsTarget: () => state.numExecutorsTarget,
      pendingTasks: () => state.totalPendingTasks,
      executorIds: () => [...state.executors.keys()].filter((id) => !state.pendingRemoval.has(id))
    }
  })

/** Sends one request; what the cluster answered goes back to the policy, and nothing fails the rounds. */
const perform = (client: ExecutorAllocationClient, state: AllocationState, action: AllocationAction): Effect.Effect<void> =>
  Effect.gen(function*() {
    yield* Effect.logInfo(action.message)
    if (action._tag === "RequestTotal") {
      const acknowledged = yield* Effect.catch(
        client.requestTotalExecutors(action.numExecutors),
        (error) => Effect.as(Effect.logWarning(`The request for ${action.numExecutors} executors failed: ${error.message}`), false)
      )
      if (!acknowledged) yield* Effect.logWarning(`The cluster did not acknowledge a total of ${action.numExecutors} executors`)
      state.onRequestResult(action, acknowledged)
      return
    }
    const killed = yield* Effect.catch(
      client.killExecutors(action.executorIds, { adjustTargetNumExecutors: false, countFailures: false, force: false }),
      (error) => Effect.as(Effect.logWarning(`Killing executors ${action.executorIds.join(", ")} failed: ${error.message}`), [])
    )
    const refused = state.onKillResult(yield* Clock.currentTimeMillis, action.executorIds, killed)
    if (refused.length > 0) yield* Effect.logWarning(`The cluster did not kill executors ${refused.join(", ")}; they stay`)
  }).pipe(Effect.annotateLogs({ component: "ExecutorAllocationManager" }))

const listenerOf = (state: AllocationState, now: () => number): SparkListener => ({
  onStageSubmitted: ({ stageInfo }) => state.onStageSubmitted(now(), stageInfo.stageId, stageInfo.attemptNumber, stageInfo.numTasks),
  onStageCompleted: ({ stageInfo }) => state.onStageCompleted(stageInfo.stageId, stageInfo.attemptNumber),
  onTaskStart: ({ stageAttemptId, stageId, taskInfo }) =>
    state.onTaskStart(now(), stageId, stageAttemptId, taskInfo.index, taskInfo.taskId, taskInfo.executorId),
  onTaskEnd: ({ reason, stageAttemptId, stageId, taskInfo }) =>
    state.onTaskEnd(now(), stageId, stageAttemptId, taskInfo.index, taskInfo.taskId, taskInfo.executorId, reason._tag === "Success"),
  onExecutorAdded: ({ executorId }) => state.onExecutorAdded(now(), executorId),
  onExecutorRemoved: ({ executorId }) => state.onExecutorRemoved(executorId),
  onBlockUpdated: ({ blockUpdatedInfo: b }) =>
    state.onBlockUpdated(b.executorId, b.blockId, b.storageLevel.useMemory || b.storageLevel.useDisk),
  onUnpersistRDD: ({ rddId }) => state.onUnpersistRDD(rddId)
})
