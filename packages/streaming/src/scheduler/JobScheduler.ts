/**
 * Runs the jobs of each batch on a pool of `spark.streaming.concurrentJobs`
 * workers (default 1, so batches complete in order), keeps each batch's
 * `BatchInfo`, and reports batch and output-operation events. It owns the
 * `JobGenerator` (and, with receivers, the `ReceiverTracker`), as in Spark:
 * starting the scheduler starts the generator; closing the layer's scope
 * stops every loop.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.JobScheduler`.
 *
 * @since 0.1.0
 */
import { Context, type Effect, Layer } from "effect"
import * as internal from "../internal/jobScheduler.js"
import type { SchedulerContext } from "../internal/schedulerContext.js"
import type { JobGenerator, RestartPoint } from "./JobGenerator.js"
import type { JobSet } from "./JobSet.js"

/**
 * The job scheduler service.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.JobScheduler`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const scheduler = yield* JobScheduler.JobScheduler
 *   const zeroTime = yield* scheduler.start()
 *   yield* scheduler.awaitCompletedBatches(3)
 *   yield* scheduler.stop(true)
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class JobScheduler extends Context.Service<JobScheduler, {
  /** The generator this scheduler owns. */
  readonly jobGenerator: JobGenerator["Service"]
  /** Starts the generator's timer; returns the graph's zero time. */
  start(): Effect.Effect<number>
  /** Starts the generator again from a checkpoint (`JobGenerator.restart`); returns the graph's zero time. */
  restart(checkpoint: RestartPoint): Effect.Effect<number>
  /** Batches submitted and not yet completed (what a metadata checkpoint records as pending). */
  readonly pendingTimes: ReadonlyArray<number>
  /** Stops generating batches; when `graceful`, waits until every generated batch has completed. */
  stop(graceful: boolean): Effect.Effect<void>
  /** Queues a batch's jobs; a batch without jobs completes at once. */
  readonly submitJobSet: (jobSet: JobSet, submissionTime: number) => Effect.Effect<void>
  /** Waits until every submitted batch has completed. */
  readonly awaitIdle: Effect.Effect<void>
  /** The most recent batch times (at most 1,000) whose jobs have all completed, in completion order. */
  readonly completedBatchTimes: ReadonlyArray<number>
  /** How many batches have completed since start. */
  readonly numCompletedBatches: number
  /** Waits until at least `count` batches have completed. */
  awaitCompletedBatches(count: number): Effect.Effect<void>
}>()("@tspark/streaming/scheduler/JobScheduler") {}

/**
 * The scheduler and its generator, their workers and event loops running in
 * the layer's scope. Built by `StreamingContext.start`.
 *
 * Mirrors `JobScheduler`'s construction (`new JobScheduler(ssc)`).
 *
 * **Example**
 * ```ts
 * const services = yield* Layer.build(JobScheduler.layer)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<JobScheduler, never, SchedulerContext> = Layer.effect(JobScheduler)(internal.make)
