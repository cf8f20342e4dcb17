/**
 * Streaming's dynamic allocation (`spark.streaming.dynamicAllocation.enabled`):
 * executors follow the batches' processing time. It hears every completed
 * batch (a `StreamingListener`) and, every
 * `spark.streaming.dynamicAllocation.scalingInterval` (60s), averages the
 * processing times of the batches completed since the last round (batches
 * with a failed output operation left out) and divides by the batch interval.
 * At or above `scalingUpRatio` (0.9) it asks for `max(round(ratio), 1)` more
 * executors, up to `maxExecutors`; at or below `scalingDownRatio` (0.3) it
 * kills one executor, chosen at random among those that run no receiver,
 * while more than `minExecutors` (default: one per receiver, at least 1)
 * remain. Each round that had batches logs its decision and posts it to the
 * streaming listeners (`ExecutorAllocationDecision`, tspark's own event).
 * Core's dynamic allocation must be off: the two would fight.
 *
 * The JobScheduler starts it with `createIfEnabled` and registers `listener`
 * on the streaming bus; its timer runs on Effect's `Clock`.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ExecutorAllocationManager`.
 *
 * @since 0.1.0
 */
import { type ExecutorAllocationClient, ExecutorAllocationManager as CoreAllocation, type SparkConf } from "@tspark/core"
import { Clock, Effect, Random, type Scope } from "effect"
import * as internal from "../internal/executorAllocation.js"
import type { ReceiverInfo } from "./ReceiverInfo.js"
import * as RecurringTimer from "./RecurringTimer.js"
import type { ExecutorAllocationDecision, StreamingListener, StreamingListenerEvent } from "./StreamingListener.js"

/**
 * The settings read, validated.
 *
 * @category models
 * @since 0.1.0
 */
export type Settings = internal.StreamingAllocationSettings

/**
 * The configuration keys read.
 *
 * @category constants
 * @since 0.1.0
 */
export const keys = internal.keys

/**
 * The executors that run receivers, as the receiver tracker knows them.
 *
 * Mirrors the part of `ReceiverTracker` the manager uses (`numReceivers`, `allocatedExecutors`).
 *
 * @category models
 * @since 0.1.0
 */
export interface ReceiverExecutors {
  readonly numReceivers: number
  readonly executorsWithReceivers: () => ReadonlyArray<string>
}

/**
 * The `ReceiverExecutors` of a receiver tracker: the executors of its active receivers.
 *
 * **Example**
 * ```ts
 * const receivers = ExecutorAllocationManager.receiverExecutorsOf(receiverTracker)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const receiverExecutorsOf = (
  tracker: { readonly numReceivers: number; readonly receiverInfos: ReadonlyArray<ReceiverInfo> }
): ReceiverExecutors => ({
  get numReceivers() {
    return tracker.numReceivers
  },
  executorsWithReceivers: () => tracker.receiverInfos.filter((info) => info.active && info.executorId !== "").map((info) => info.executorId)
})

/**
 * Reads and validates the settings as Spark's: a positive scaling interval,
 * ratios > 0 with `scalingDownRatio < scalingUpRatio`, executor bounds > 0
 * and, when both are set, `minExecutors <= maxExecutors`. The first invalid
 * one is a `DynamicAllocationConfigError` naming its key.
 *
 * Mirrors the streaming config entries and `validateSettings`.
 *
 * **Example**
 * ```ts
 * const settings = ExecutorAllocationManager.readSettings(SparkConf.make({ "spark.streaming.dynamicAllocation.maxExecutors": 8 }), 1)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const readSettings: (conf: SparkConf.SparkConf, numReceivers: number) => Settings | CoreAllocation.DynamicAllocationConfigError =
  internal.readSettings

/**
 * Whether streaming's dynamic allocation is on. Enabling it together with
 * core's (`spark.dynamicAllocation.enabled`) is refused: the warning is
 * logged and the effect fails with a `DynamicAllocationConfigError` naming
 * core's key.
 *
 * Mirrors `ExecutorAllocationManager.isDynamicAllocationEnabled` (streaming's).
 *
 * **Example**
 * ```ts
 * const enabled = yield* ExecutorAllocationManager.isDynamicAllocationEnabled(sc.conf)
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const isDynamicAllocationEnabled = (
  conf: SparkConf.SparkConf
): Effect.Effect<boolean, CoreAllocation.DynamicAllocationConfigError> =>
  Effect.gen(function*() {
    const raw = conf.entries.get(keys.enabled)
    const streaming = raw === undefined ? false : raw.trim().toLowerCase() === "true"
    if (raw !== undefined && !["true", "false"].includes(raw.trim().toLowerCase())) {
      return yield* new CoreAllocation.DynamicAllocationConfigError({
        key: keys.enabled,
        message: `${keys.enabled} must be true or false, got "${raw}"`
      })
    }
    const core = CoreAllocation.isDynamicAllocationEnabled(conf)
    if (typeof core !== "boolean") return yield* core
    if (streaming && core) {
      const message = "Dynamic allocation cannot be enabled for both streaming and core at the same time: " +
        `set ${CoreAllocation.keys.enabled} to false to use dynamic allocation in streaming`
      yield* Effect.logWarning(message)
      return yield* new CoreAllocation.DynamicAllocationConfigError({ key: CoreAllocation.keys.enabled, message })
    }
    return streaming
  })

/**
 * A streaming allocation manager.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ExecutorAllocationManager`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorAllocationManager {
  readonly settings: Settings
  /** Register on the streaming listener bus: it collects each completed batch's processing time. */
  readonly listener: StreamingListener
  /**
   * Checks that the cluster can allocate (a backend that cannot fails here,
   * with its own error) and starts the timer in the scope.
   */
  readonly start: Effect.Effect<void, ExecutorAllocationClient.ExecutorAllocationError, Scope.Scope>
  /** Stops the timer (closing the scope also does). */
  readonly stop: Effect.Effect<void>
  /** One round now (what the timer runs): the decision, or `undefined` when no batch completed since the last round. */
  readonly manageAllocation: Effect.Effect<ExecutorAllocationDecision | undefined>
}

/**
 * What a manager is made with: the cluster's client, the receivers' executors
 * (never removed), the batch interval, the configuration, and where decisions
 * go (the streaming listener bus's `post`).
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly client: ExecutorAllocationClient.ExecutorAllocationClient
  readonly receivers: ReceiverExecutors
  readonly batchDurationMs: number
  readonly conf: SparkConf.SparkConf
  readonly post: (event: StreamingListenerEvent) => void
}

/**
 * A manager over `options.client`, with the settings of `options.conf`; decisions go to
 * `options.post`. Fails with a
 * `DynamicAllocationConfigError` naming the first invalid setting.
 *
 * Mirrors `new ExecutorAllocationManager(client, receiverTracker, conf, batchDurationMs, clock)`.
 *
 * **Example**
 * ```ts
 * const manager = yield* ExecutorAllocationManager.make({ client, receivers, batchDurationMs: 1000, conf: sc.conf, post: (e) => bus.post(e) })
 * yield* bus.addListener(manager.listener)
 * yield* manager.start
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  { batchDurationMs, client, conf, post, receivers }: Options
): Effect.Effect<ExecutorAllocationManager, CoreAllocation.DynamicAllocationConfigError> =>
  Effect.gen(function*() {
    if (!(Number.isFinite(batchDurationMs) && batchDurationMs > 0)) {
      return yield* new CoreAllocation.DynamicAllocationConfigError({
        key: "batchDuration",
        message: `the batch duration must be a positive number of milliseconds, got ${batchDurationMs}`
      })
    }
    const settings = internal.readSettings(conf, receivers.numReceivers)
    if (settings instanceof CoreAllocation.DynamicAllocationConfigError) return yield* settings
    let batchProcTimeSum = 0
    let batchProcTimeCount = 0
    let timer: RecurringTimer.RecurringTimer | undefined

    const manageAllocation = Effect.gen(function*() {
      if (batchProcTimeCount === 0) return undefined
      const numBatches = batchProcTimeCount
      // Spark averages in whole milliseconds.
      const averageProcessingTimeMs = Math.floor(batchProcTimeSum / batchProcTimeCount)
      batchProcTimeSum = 0
      batchProcTimeCount = 0
      const ratio = averageProcessingTimeMs / batchDurationMs
      const time = yield* Clock.currentTimeMillis
      const decided = yield* decide(client, receivers, settings, ratio)
      const decision: ExecutorAllocationDecision = { time, numBatches, averageProcessingTimeMs, ratio, ...decided }
      yield* Effect.logInfo(
        `Average batch processing time ${averageProcessingTimeMs} ms over ${numBatches} batches, ratio ${ratio.toFixed(3)}: ` +
          `${describe(decision)} (${decision.reason})`
      )
      post({ _tag: "ExecutorAllocationDecision", decision })
      return decision
    }).pipe(Effect.annotateLogs({ component: "StreamingExecutorAllocationManager" }))

    return {
      settings,
      listener: {
        onBatchCompleted: (batch) => {
          const failed = [...batch.outputOperationInfos.values()].some((op) => op.failureReason !== undefined)
          if (failed || batch.processingDelay === undefined) return
          batchProcTimeSum += batch.processingDelay
          batchProcTimeCount += 1
        }
      },
      start: Effect.gen(function*() {
        // A backend that cannot allocate refuses here, once, rather than at every round.
        yield* client.getExecutorIds
        const made = yield* Effect.orDie(
          RecurringTimer.make(settings.scalingIntervalMs, () => Effect.asVoid(manageAllocation), "streaming-executor-allocation-manager")
        )
        timer = made
        yield* Effect.orDie(made.start())
        yield* Effect.logInfo(
          `ExecutorAllocationManager started with ratios = [${settings.scalingUpRatio}, ${settings.scalingDownRatio}] ` +
            `and interval = ${settings.scalingIntervalMs / 1000} sec`
        )
      }),
      stop: Effect.suspend(() => (timer === undefined || timer.isStopped ? Effect.void : Effect.ignore(timer.stop(true)))).pipe(
        Effect.andThen(Effect.logInfo("ExecutorAllocationManager stopped"))
      ),
      manageAllocation
    }
  })

type Decided = Pick<ExecutorAllocationDecision, "numExecutors" | "action" | "requestedTotal" | "executorId" | "acknowledged" | "reason">

/** Runs one plan against the cluster; a failed call is a decision that says so, never a failure of the timer. */
const decide = (
  client: ExecutorAllocationClient.ExecutorAllocationClient,
  receivers: ReceiverExecutors,
  settings: Settings,
  ratio: number
): Effect.Effect<Decided> =>
  Effect.gen(function*() {
    const refused = (numExecutors: number, error: ExecutorAllocationClient.ExecutorAllocationError) =>
      Effect.as(
        Effect.logWarning(`Executor allocation failed: ${error.message}`),
        {
          numExecutors,
          action: "NoChange",
          requestedTotal: undefined,
          executorId: undefined,
          acknowledged: false,
          reason: `the cluster refused: ${error.message}`
        } as const
      )
    const listed = yield* Effect.result(client.getExecutorIds)
    if (listed._tag === "Failure") return yield* refused(0, listed.failure)
    const executorIds = listed.success
    const base = { numExecutors: executorIds.length, requestedTotal: undefined, executorId: undefined }
    const plan = internal.plan(settings, ratio, executorIds, receivers.executorsWithReceivers())
    switch (plan._tag) {
      case "NoChange":
        return { ...base, action: "NoChange", acknowledged: false, reason: plan.reason } as const
      case "Request": {
        const requested = yield* Effect.result(client.requestTotalExecutors(plan.total))
        if (requested._tag === "Failure") return yield* refused(executorIds.length, requested.failure)
        return {
          ...base,
          action: "RequestExecutors",
          requestedTotal: plan.total,
          acknowledged: requested.success,
          reason: plan.reason
        } as const
      }
      case "Kill": {
        const executorId = plan.removable[yield* Random.nextIntBetween(0, plan.removable.length, { halfOpen: true })]!
        const killed = yield* Effect.result(client.killExecutor(executorId))
        if (killed._tag === "Failure") return yield* refused(executorIds.length, killed.failure)
        return { ...base, action: "KillExecutor", executorId, acknowledged: killed.success, reason: plan.reason } as const
      }
    }
  })

const describe = (d: ExecutorAllocationDecision): string => {
  switch (d.action) {
    case "RequestExecutors":
      return `requested a total of ${d.requestedTotal} executors (${d.numExecutors} before)${d.acknowledged ? "" : ", not acknowledged"}`
    case "KillExecutor":
      return `requested to kill executor ${d.executorId}${d.acknowledged ? "" : ", not acknowledged"}`
    case "NoChange":
      return `no change (${d.numExecutors} executors)`
  }
}

/**
 * The manager when streaming's dynamic allocation is on, else `undefined`;
 * what the JobScheduler calls at start. Fails when core's dynamic allocation
 * is on too, or a setting is invalid.
 *
 * Mirrors `ExecutorAllocationManager.createIfEnabled`.
 *
 * **Example**
 * ```ts
 * const manager = yield* ExecutorAllocationManager.createIfEnabled({ client, receivers, batchDurationMs: 1000, conf: sc.conf, post })
 * if (manager !== undefined) yield* manager.start
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const createIfEnabled = (
  options: Options
): Effect.Effect<ExecutorAllocationManager | undefined, CoreAllocation.DynamicAllocationConfigError> =>
  Effect.flatMap(
    isDynamicAllocationEnabled(options.conf),
    (enabled) => (enabled ? make(options) : Effect.succeed(undefined))
  )
