import { ListenerBus, SparkConf, type SparkContext } from "@tspark/core"
import * as ExecutorAllocationManager from "../scheduler/ExecutorAllocationManager.js"
import { Context, Deferred, type Duration, Effect, Layer, Scope } from "effect"
import { isReceiverInputDStream } from "../dstream/ReceiverInputDStream.js"
import type { DStreamGraph } from "../DStreamGraph.js"
import type { InputInfoTracker } from "../scheduler/InputInfoTracker.js"
import type { JobGeneratorHooks } from "../scheduler/JobGenerator.js"
import * as JobScheduler from "../scheduler/JobScheduler.js"
import { ReceiverTracker } from "../scheduler/ReceiverTracker.js"
import * as StreamingListener from "../scheduler/StreamingListener.js"
import { forwarding } from "../scheduler/StreamingListenerBus.js"
import type { StreamingContext, StreamingContextOptions } from "../StreamingContext.js"
import type { StreamingError } from "../StreamingError.js"
import { stateOf as directStateOf } from "./directStream.js"
import { positiveMillis } from "./durations.js"
import { attachRateControllers, rateControllerListener } from "./receiverRateControllers.js"
import type { MetadataCheckpointer } from "./recovery.js"
import { SchedulerContext } from "./schedulerContext.js"
import { readWriteAheadLogSettings } from "./writeAheadLogConf.js"

type Bus = ListenerBus.ListenerBus<StreamingListener.StreamingListenerEvent, StreamingListener.StreamingListener>

/** The context started in this process (Spark's `StreamingContext.activeContext`): at most one runs at a time. */
let activeContext: StreamingContext | undefined

/** Whether a context other than `ssc` is active, which forbids starting `ssc`. */
export const otherContextActive = (ssc: StreamingContext): boolean => activeContext !== undefined && activeContext !== ssc

/** Records `ssc` as the active context (Spark's `setActiveContext`). */
export const setActiveContext = (ssc: StreamingContext): void => {
  activeContext = ssc
}

/** Forgets `ssc` as the active context when it is the one, so another may start. */
export const clearActiveContext = (ssc: StreamingContext): void => {
  if (activeContext === ssc) activeContext = undefined
}

/** `ssc.remember(duration)`: a duration that is not positive is kept for `start` to fail with. */
export const remember = (graph: DStreamGraph, duration: Duration.Input): void => {
  const ms = positiveMillis(duration, "StreamingContext", "remember duration")
  if (typeof ms === "number") graph.rememberDurationMs = ms
  graph.rememberDurationError = typeof ms === "number" ? undefined : ms
}

/** What `StreamingContext.make` builds a context with: the batch duration (checked), its own scope, its termination. */
export const contextResources = (options: StreamingContextOptions) =>
  Effect.gen(function*() {
    const batch = positiveMillis(options.batchDuration, "StreamingContext", "batchDuration")
    if (typeof batch !== "number") return yield* Effect.fail(batch)
    const scope = yield* Scope.fork(yield* Effect.scope)
    const termination = yield* Deferred.make<void, StreamingError>()
    return { batch, scope, termination }
  })

/**
 * Streaming's dynamic allocation when `spark.streaming.dynamicAllocation.enabled`
 * (Spark's `JobScheduler.start` creates it): its settings are checked and the
 * cluster is asked whether it can allocate before the context starts
 * anything, so a refusal leaves the context as it was. It learns which
 * executors run receivers from the tracker once there is one.
 */
export const prepareAllocation = (
  ssc: Pick<StreamingContext, "sparkContext" | "batchDurationMs" | "receiverTracker">,
  numReceivers: number,
  post: (event: StreamingListener.StreamingListenerEvent) => void
): Effect.Effect<ExecutorAllocationManager.ExecutorAllocationManager | undefined, StreamingError> =>
  Effect.gen(function*() {
    const { batchDurationMs, sparkContext: sc } = ssc
    const receivers: ExecutorAllocationManager.ReceiverExecutors = {
      numReceivers,
      executorsWithReceivers: () => {
        const current = ssc.receiverTracker()
        return current === undefined ? [] : ExecutorAllocationManager.receiverExecutorsOf(current).executorsWithReceivers()
      }
    }
    const client = sc.executorAllocationClient
    const manager = yield* ExecutorAllocationManager.createIfEnabled({ client, receivers, batchDurationMs, conf: sc.conf, post })
    // A backend that cannot allocate (local[N], executors started by hand) refuses here.
    if (manager !== undefined) yield* client.getExecutorIds
    return manager
  })

/**
 * What `StreamingContext.start` does once the graph is valid: start the
 * listener bus, build the ReceiverTracker (when there are receiver streams)
 * and the receivers' rate controllers, add the user's listeners and the
 * input streams' rate controllers, then build the JobScheduler (which owns
 * the JobGenerator) in the context's scope. Closing that scope stops every
 * loop. The caller starts the tracker, then the generator, as Spark's
 * `JobScheduler.start`.
 */
export const startSchedulers = (
  options: {
    readonly sparkContext: SparkContext.SparkContext
    readonly graph: DStreamGraph
    readonly inputInfoTracker: InputInfoTracker
    readonly listeners: ReadonlyArray<StreamingListener.StreamingListener>
    readonly conf: SparkConf.SparkConf
    readonly hooks: Partial<JobGeneratorHooks>
    readonly notifyError: (error: StreamingError) => void
    readonly cleanupForgotten: SchedulerContext["Service"]["cleanupForgotten"]
    /** Where the receiver write-ahead logs live (when on). */
    readonly checkpointDir: string | undefined
    /** The metadata checkpoints' writer, with a checkpoint directory. */
    readonly checkpoint?: MetadataCheckpointer | undefined
    /** Streaming's dynamic allocation, when on: it hears completed batches, and the JobScheduler starts and stops it. */
    readonly allocation?: ExecutorAllocationManager.ExecutorAllocationManager | undefined
  },
  scope: Scope.Scope
) =>
  Effect.gen(function*() {
    const bus: Bus = yield* Scope.provide(
      ListenerBus.ListenerBus.make<StreamingListener.StreamingListenerEvent, StreamingListener.StreamingListener>(
        StreamingListener.dispatch
      ),
      scope
    )
    const receiverStreams = options.graph.inputStreams.filter(isReceiverInputDStream)
    // Restarting from a checkpoint, the block tracker recovers from its write-ahead log (Spark's isCheckpointPresent).
    const recover = options.graph.restartPoint !== undefined
    // Started afresh, the next start would be too until a checkpoint is on disk, and a fresh start discards the block
    // tracker's log: with the receiver write-ahead log on, the first checkpoint (of the zero time) is written before
    // the first batch, and the tracker takes (and acknowledges) no block before a checkpoint is on disk.
    const wal = readWriteAheadLogSettings(Object.fromEntries(options.conf.entries))
    const walOn = "enabled" in wal && wal.enabled
    const firstCheckpoint = !recover && walOn && receiverStreams.length > 0 ? options.checkpoint : undefined
    const trackerOptions = { checkpointDir: options.checkpointDir, recover, untilRecoverable: firstCheckpoint?.firstDurable }
    const tracker = receiverStreams.length === 0
      ? undefined
      : new ReceiverTracker(options.sparkContext, receiverStreams, bus, trackerOptions)
    if (tracker !== undefined) {
      yield* Scope.provide(attachRateControllers(options.conf, options.graph.batchDurationMs, receiverStreams, tracker), scope)
    }
    // Direct streams plan each batch's ranges where receiver streams allocate their blocks; with backpressure,
    // each gets a rate controller whose rates clamp its next batches.
    const directStreams = options.graph.inputStreams.flatMap((stream) => {
      const state = directStateOf(stream)
      return state === undefined ? [] : [{ stream, state }]
    })
    const entries = Object.fromEntries(options.conf.entries)
    for (const { state, stream } of directStreams) {
      if (!state.backpressure) continue
      stream.rateController = yield* Scope.provide(
        rateControllerListener(entries, options.graph.batchDurationMs, state.inputStreamId, (rate) => state.publishRate(rate)),
        scope
      )
    }
    // As Spark's StreamingListenerBus: every streaming event also goes to the core's bus (the event log has them).
    yield* bus.addListener(forwarding((event) => options.sparkContext.listenerBus.post(event), options.graph.batchDurationMs))
    for (const listener of options.listeners) yield* bus.addListener(listener)
    if (options.allocation !== undefined) yield* bus.addListener(options.allocation.listener)
    for (const input of options.graph.inputStreams) {
      if (input.rateController !== undefined) yield* bus.addListener(input.rateController)
    }
    const concurrentJobs = SparkConf.getInt(options.conf, "spark.streaming.concurrentJobs", 1, 1)
    const schedulerContext = Layer.succeed(SchedulerContext)({
      graph: options.graph,
      listenerBus: bus,
      inputInfoTracker: options.inputInfoTracker,
      concurrentJobs: typeof concurrentJobs === "number" ? concurrentJobs : 1,
      receiverTracker: tracker,
      gracefulStopTimeoutMs: gracefulStopTimeoutMs(options.conf, options.graph.batchDurationMs),
      allocateBlocksToBatch: (time) => {
        const hook = options.hooks.allocateBlocksToBatch
        const blocks = tracker === undefined ? Effect.void : tracker.allocateBlocksToBatch(time)
        const allocate = directStreams.length === 0
          ? blocks
          : Effect.andThen(blocks, Effect.forEach(directStreams, ({ state }) => state.prepare(time), { discard: true }))
        return hook === undefined ? allocate : Effect.andThen(allocate, hook(time))
      },
      beforeFirstBatch: firstCheckpoint?.checkpointZeroTime,
      doCheckpoint: options.hooks.doCheckpoint ?? (() => Effect.void),
      afterNextDurableCheckpoint: options.checkpoint?.afterNextDurable,
      notifyError: options.notifyError,
      cleanupForgotten: options.cleanupForgotten,
      executorAllocationManager: options.allocation
    })
    const services = yield* Layer.buildWithScope(Layer.provide(JobScheduler.layer, schedulerContext), scope)
    return { bus, tracker, scheduler: Context.get(services, JobScheduler.JobScheduler) }
  })

const gracefulStopTimeoutMs = (conf: SparkConf.SparkConf, batchDurationMs: number): number => {
  const timeout = SparkConf.getTimeAsMs(conf, "spark.streaming.gracefulStopTimeout", `${batchDurationMs * 10}ms`)
  return typeof timeout === "number" ? timeout : batchDurationMs * 10
}

export { afterStart, stopped as logStopped } from "./streamingLifecycle.js"
