/**
 * Turns elapsed batch intervals into job sets: a `RecurringTimer` posts
 * `GenerateJobs(time)` every batch duration; for each, the generator asks the
 * receiver tracker to allocate received blocks to the batch, asks the graph
 * for the batch's jobs, and submits them to its `JobScheduler`. After a batch
 * completes it clears old metadata. Checkpointing hooks in after generation
 * and after clearing (Spark's `DoCheckpoint`).
 *
 * Mirrors `org.apache.spark.streaming.scheduler.JobGenerator`.
 *
 * @since 0.1.0
 */
import { Context, type Effect, Layer } from "effect"
import { JobScheduler } from "./JobScheduler.js"

/**
 * The seams around the generator: receivers' block allocation (before jobs are
 * generated) and checkpointing.
 *
 * Mirrors the calls `JobGenerator` makes to `ReceiverTracker.allocateBlocksToBatch`
 * and, through `DoCheckpoint`, to `CheckpointWriter`.
 *
 * **Example**
 * ```ts
 * const hooks: Partial<JobGenerator.JobGeneratorHooks> = { allocateBlocksToBatch: (time) => Effect.log(time) }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface JobGeneratorHooks {
  /** Mirrors `ReceiverTracker.allocateBlocksToBatch`: runs before `generateJobs(time)`. */
  readonly allocateBlocksToBatch: (time: number) => Effect.Effect<void>
  /** Runs after each batch is generated (`false`) and after its old metadata is cleared (`true`). */
  readonly doCheckpoint: (time: number, clearCheckpointDataLater: boolean) => Effect.Effect<void>
}

/**
 * Where a restarted generator takes up: the checkpoint's batch time, the
 * graph's zero time, and the batches generated but not completed then.
 *
 * Mirrors what `JobGenerator.restart` reads of `ssc.initialCheckpoint`.
 *
 * **Example**
 * ```ts
 * const point: JobGenerator.RestartPoint = { checkpointTime: 5000, zeroTime: 0, pendingTimes: [5000] }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RestartPoint {
  readonly checkpointTime: number
  readonly zeroTime: number
  readonly pendingTimes: ReadonlyArray<number>
}

/**
 * The job generator service.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.JobGenerator`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const generator = yield* JobGenerator.JobGenerator
 *   return generator.generatedBatchTimes
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class JobGenerator extends Context.Service<JobGenerator, {
  /** The most recent batch times generated (at most 1,000), in order. */
  readonly generatedBatchTimes: ReadonlyArray<number>
  /** Starts the timer at the next batch boundary; returns the zero time (one batch before it). */
  start(): Effect.Effect<number>
  /** Starts again from a checkpoint: its unfinished and down-time batches first, then the timer; returns the zero time. */
  restart(checkpoint: RestartPoint): Effect.Effect<number>
  /**
   * Stops generating new batches (those already posted are still processed);
   * returns the last batch time posted (-1 if none). `interruptTimer` (default
   * true) stops at once; false first lets the timer post the batch it waits
   * for and one more, as `RecurringTimer.stop(false)`.
   */
  stopTimer(interruptTimer?: boolean): Effect.Effect<number>
  /** Waits until every batch posted by the timer has been generated and completed. */
  awaitBatchesDone(): Effect.Effect<void>
  /** Called by the job scheduler when every job of a batch is done. */
  onBatchCompletion(time: number, failed: boolean): void
}>()("@tspark/streaming/scheduler/JobGenerator") {}

/**
 * The generator of the `JobScheduler` in context (the scheduler creates and
 * owns it, as Spark's).
 *
 * Mirrors `JobScheduler.jobGenerator`.
 *
 * **Example**
 * ```ts
 * const both = Layer.provideMerge(JobGenerator.layer, JobScheduler.layer)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<JobGenerator, never, JobScheduler> = Layer.effect(JobGenerator)(
  JobScheduler.useSync((scheduler) => scheduler.jobGenerator)
)
