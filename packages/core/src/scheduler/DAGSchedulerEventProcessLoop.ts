/**
 * The driver's event loop: jobs submitted and cancelled, task status updates,
 * executors added and lost, cleanups, revives. Every scheduler decision runs
 * on its one fiber, in the order the events were posted, so the DAG and task
 * schedulers need no locks.
 *
 * Mirrors `org.apache.spark.scheduler.DAGSchedulerEventProcessLoop` (which
 * here also carries the events Spark's scheduler backend endpoints and
 * `ContextCleaner` handle on their own threads).
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Layer, Queue, type Scope } from "effect"
import type { JobSubmission } from "../internal/scheduler/stage.js"
import type { TaskDescription, TaskResult } from "./Task.js"

/**
 * State that can be dropped once the object that needed it was garbage collected.
 *
 * Mirrors `org.apache.spark.CleanupTask`.
 *
 * **Example**
 * ```ts
 * loop.post({ _tag: "Cleanup", task: { _tag: "Shuffle", shuffleId: 0 } })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type CleanupTask =
  | { readonly _tag: "Shuffle"; readonly shuffleId: number }
  | { readonly _tag: "Rdd"; readonly rddId: number }
  /** The reliable checkpoint directory of RDD `rddId` (`spark.cleaner.referenceTracking.cleanCheckpoints`). */
  | { readonly _tag: "Checkpoint"; readonly rddId: number; readonly directory: string }

/**
 * An event of the loop.
 *
 * Mirrors `org.apache.spark.scheduler.DAGSchedulerEvent`.
 *
 * **Example**
 * ```ts
 * loop.post({ _tag: "JobCancelled", jobId: 3, reason: "by request" })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type DAGSchedulerEvent =
  | { readonly _tag: "JobSubmitted"; readonly submission: JobSubmission }
  | { readonly _tag: "JobCancelled"; readonly jobId: number; readonly reason: string }
  | { readonly _tag: "JobGroupCancelled"; readonly groupId: string }
  | { readonly _tag: "AllJobsCancelled"; readonly reason: string }
  | { readonly _tag: "StatusUpdate"; readonly task: TaskDescription; readonly result: TaskResult }
  | { readonly _tag: "ReviveOffers" }
  | { readonly _tag: "ResubmitFailedStages" }
  | { readonly _tag: "ExecutorAdded"; readonly executorId: string; readonly host: string; readonly cores: number }
  | { readonly _tag: "ExecutorLost"; readonly executorId: string; readonly reason: string }
  | { readonly _tag: "Cleanup"; readonly task: CleanupTask }

/**
 * The loop: post from anywhere (thread-safe, never blocks); events are handled
 * one at a time by the handler given to `start`.
 *
 * Mirrors `org.apache.spark.scheduler.DAGSchedulerEventProcessLoop`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const loop = yield* DAGSchedulerEventProcessLoop.DAGSchedulerEventProcessLoop
 *   yield* loop.start((event) => console.log(event._tag, loop.now()))
 *   loop.post({ _tag: "ReviveOffers" })
 * }).pipe(Effect.provide(DAGSchedulerEventProcessLoop.layer), Effect.scoped)
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class DAGSchedulerEventProcessLoop extends Context.Service<DAGSchedulerEventProcessLoop, {
  /** Queues an event. */
  readonly post: (event: DAGSchedulerEvent) => void
  /** The Clock time (ms) at which the event being handled was taken from the queue. */
  readonly now: () => number
  /** Drains the queue on a fiber of the current scope, handing each event to `onReceive`. */
  readonly start: (onReceive: (event: DAGSchedulerEvent) => void) => Effect.Effect<void, never, Scope.Scope>
}>()("@tspark/core/scheduler/DAGSchedulerEventProcessLoop") {}

/**
 * An empty loop; `now` starts at the Clock's time.
 *
 * Mirrors `org.apache.spark.scheduler.DAGSchedulerEventProcessLoop`.
 *
 * **Example**
 * ```ts
 * const program = Effect.provide(useTheLoop, DAGSchedulerEventProcessLoop.layer)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<DAGSchedulerEventProcessLoop> = Layer.effect(
  DAGSchedulerEventProcessLoop,
  Effect.gen(function*() {
    const events = yield* Queue.unbounded<DAGSchedulerEvent>()
    let now = yield* Clock.currentTimeMillis
    return DAGSchedulerEventProcessLoop.of({
      post: (event) => void Queue.offerUnsafe(events, event),
      now: () => now,
      start: (onReceive) =>
        Effect.asVoid(Effect.forkScoped(Effect.forever(
          Effect.gen(function*() {
            const event = yield* Queue.take(events)
            now = yield* Clock.currentTimeMillis
            onReceive(event)
          })
        )))
    })
  })
)
