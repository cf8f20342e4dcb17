/**
 * Turns elapsed batch intervals into job sets: a recurring timer posts
 * `GenerateJobs(time)` every batch duration; for each, the generator asks the
 * receiver tracker to allocate received blocks to the batch, asks the graph
 * for the batch's jobs, and submits them. After a batch completes it clears
 * old metadata; `DoCheckpoint` events are where checkpointing hooks in.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.JobGenerator`.
 *
 * @since 0.1.0
 */
import { Clock, Deferred, Effect, Fiber, Queue, type Scope } from "effect"
import type { DStreamGraph } from "../DStreamGraph.js"
import { StreamingJobError } from "../StreamingError.js"
import type { InputInfoTracker } from "./InputInfoTracker.js"
import type { JobScheduler } from "./JobScheduler.js"
import * as RecurringTimer from "./RecurringTimer.js"

/**
 * The generator's events.
 *
 * @category models
 * @since 0.1.0
 */
export type JobGeneratorEvent =
  | { readonly _tag: "GenerateJobs"; readonly time: number }
  | { readonly _tag: "ClearMetadata"; readonly time: number }
  | { readonly _tag: "DoCheckpoint"; readonly time: number; readonly clearCheckpointDataLater: boolean }

/**
 * The seams around the generator: receivers' block allocation (before jobs are
 * generated) and checkpointing.
 *
 * @category models
 * @since 0.1.0
 */
export interface JobGeneratorHooks {
  /** Mirrors `ReceiverTracker.allocateBlocksToBatch`: runs before `generateJobs(time)`. */
  readonly allocateBlocksToBatch: (time: number) => Effect.Effect<void>
  /** Runs on every `DoCheckpoint` event (after generation, and after metadata is cleared). */
  readonly doCheckpoint: (time: number, clearCheckpointDataLater: boolean) => Effect.Effect<void>
  readonly reportError: (error: StreamingJobError) => void
}

/**
 * The generator.
 *
 * **Example**
 * ```ts
 * const generator = yield* JobGenerator.make(graph, jobScheduler, inputInfoTracker, hooks)
 * yield* generator.start
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class JobGenerator {
  private timer: Fiber.Fiber<never> | undefined
  private readonly generated: Array<number> = []
  /** Batch times posted by the timer and not yet handled by the event loop. */
  private queued = 0
  /** Waiters for `queued` to reach zero. */
  private drained: Array<Deferred.Deferred<void>> = []

  private constructor(
    private readonly graph: DStreamGraph,
    private readonly jobScheduler: JobScheduler,
    private readonly inputInfoTracker: InputInfoTracker,
    private readonly hooks: JobGeneratorHooks,
    private readonly events: Queue.Queue<JobGeneratorEvent>,
    private readonly scope: Scope.Scope
  ) {}

  /** Creates the generator and starts its event loop in the current scope. */
  static make(
    graph: DStreamGraph,
    jobScheduler: JobScheduler,
    inputInfoTracker: InputInfoTracker,
    hooks: JobGeneratorHooks
  ): Effect.Effect<JobGenerator, never, Scope.Scope> {
    return Effect.gen(function*() {
      const events = yield* Queue.unbounded<JobGeneratorEvent>()
      const scope = yield* Effect.scope
      const generator = new JobGenerator(graph, jobScheduler, inputInfoTracker, hooks, events, scope)
      yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(events), (event) => generator.process(event))))
      return generator
    })
  }

  /** The batch times generated so far, in order. */
  get generatedBatchTimes(): ReadonlyArray<number> {
    return this.generated
  }

  /**
   * Starts the timer at the next batch boundary; the graph's zero time is one
   * batch before it. Returns the zero time.
   */
  get start(): Effect.Effect<number> {
    return Effect.gen({ self: this }, function*() {
      const batch = this.graph.batchDurationMs
      const startTime = RecurringTimer.nextBoundary(yield* Clock.currentTimeMillis, batch)
      const zeroTime = startTime - batch
      this.graph.start(zeroTime)
      this.timer = yield* Effect.forkIn(
        RecurringTimer.run(batch, startTime, (time) => {
          this.queued++
          Queue.offerUnsafe(this.events, { _tag: "GenerateJobs", time })
        }),
        this.scope
      )
      return zeroTime
    })
  }

  /** Stops generating new batches (those already posted are still processed). */
  get stopTimer(): Effect.Effect<void> {
    return Effect.suspend(() => (this.timer === undefined ? Effect.void : Effect.asVoid(Fiber.interrupt(this.timer))))
  }

  /** Waits until every batch posted by the timer has been generated and completed. */
  get awaitBatchesDone(): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      if (this.queued > 0) {
        const done = yield* Deferred.make<void>()
        this.drained.push(done)
        yield* Deferred.await(done)
      }
      yield* this.jobScheduler.awaitIdle
    })
  }

  private batchGenerated(): void {
    this.queued--
    if (this.queued > 0) return
    for (const done of this.drained) Deferred.doneUnsafe(done, Effect.void)
    this.drained = []
  }

  /** Called by the job scheduler when every job of a batch is done. */
  onBatchCompletion(time: number, failed: boolean): void {
    // A failed batch keeps its input: its RDDs stay until a later batch's clearing passes them.
    if (!failed) Queue.offerUnsafe(this.events, { _tag: "ClearMetadata", time })
  }

  private process(event: JobGeneratorEvent): Effect.Effect<void> {
    switch (event._tag) {
      case "GenerateJobs":
        return Effect.ensuring(this.generateJobs(event.time), Effect.sync(() => this.batchGenerated()))
      case "ClearMetadata":
        return Effect.gen({ self: this }, function*() {
          this.graph.clearMetadata(event.time)
          this.inputInfoTracker.cleanup(event.time - this.graph.maxInputRememberDurationMs)
          yield* this.hooks.doCheckpoint(event.time, true)
        })
      case "DoCheckpoint":
        return this.hooks.doCheckpoint(event.time, event.clearCheckpointDataLater)
    }
  }

  /** Mirrors `JobGenerator.generateJobs`: allocate input, generate jobs, submit the job set. */
  private generateJobs(time: number): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      this.generated.push(time)
      yield* this.hooks.allocateBlocksToBatch(time)
      let jobs: ReturnType<DStreamGraph["generateJobs"]> = []
      try {
        jobs = this.graph.generateJobs(time)
      } catch (cause) {
        this.hooks.reportError(
          new StreamingJobError({ batchTime: time, outputOpId: -1, message: `Error generating jobs for time ${time} ms: ${String(cause)}`, cause })
        )
      }
      const submissionTime = yield* Clock.currentTimeMillis
      this.jobScheduler.submitJobSet({ time, jobs, inputInfos: this.inputInfoTracker.getInfo(time) }, submissionTime)
      yield* this.hooks.doCheckpoint(time, false)
    })
  }
}
