import type { RDD } from "@tspark/core"
import { BlockRDD } from "@tspark/core/rdd"
import { Clock, Effect, Queue, type Scope, SubscriptionRef } from "effect"
import type { RestartPoint } from "../scheduler/JobGenerator.js"
import type { JobSet } from "../scheduler/JobSet.js"
import { StreamingJobError } from "../StreamingError.js"
import { RecentBatches } from "./recentBatches.js"
import { RecurringTimerImpl } from "./recurringTimer.js"
import type { SchedulerContext } from "./schedulerContext.js"
import { awaitUntil } from "./waiter.js"

/** The generator's events (Spark's `JobGeneratorEvent`; `DoCheckpoint` runs inline, see `generateJobs`). */
export type JobGeneratorEvent =
  | { readonly _tag: "GenerateJobs"; readonly time: number }
  | { readonly _tag: "ClearMetadata"; readonly time: number }
  | { readonly _tag: "ClearCheckpointData"; readonly time: number }

/** What the generator needs of its JobScheduler. */
export interface JobSubmitter {
  readonly submitJobSet: (jobSet: JobSet, submissionTime: number) => Effect.Effect<void>
  readonly awaitIdle: Effect.Effect<void>
  /** Whether a batch before `time` has jobs still to finish. */
  readonly hasPendingBatchBefore: (time: number) => boolean
  /** The batches submitted and not yet completed. */
  readonly pendingTimes: ReadonlyArray<number>
}

/** The generator; its owner runs `loop` in a scope. */
export class JobGeneratorImpl {
  private timer: RecurringTimerImpl | undefined
  private readonly generated = new RecentBatches()
  /** RDDs forgotten by clearMetadata whose cleanup waits for earlier batches still running. */
  private forgotten: Array<RDD.RDD<unknown>> = []

  constructor(
    private readonly jobScheduler: JobSubmitter,
    private readonly ctx: SchedulerContext["Service"],
    private readonly events: Queue.Queue<JobGeneratorEvent>,
    /** Batch times posted by the timer and not yet handled by the event loop. */
    private readonly queued: SubscriptionRef.SubscriptionRef<number>,
    private readonly scope: Scope.Scope
  ) {}

  /** The event loop: runs until its scope closes. */
  get loop(): Effect.Effect<never> {
    return Effect.forever(Effect.flatMap(Queue.take(this.events), (event) => this.process(event)))
  }

  get generatedBatchTimes(): ReadonlyArray<number> {
    return this.generated.times
  }

  start(): Effect.Effect<number> {
    return Effect.gen({ self: this }, function*() {
      // Mirrors startFirstTime: the timer's first time is the first batch; the graph starts one batch before.
      const timer = this.newTimer()
      const startTime = yield* timer.getStartTime
      const zeroTime = startTime - this.ctx.graph.batchDurationMs
      this.ctx.graph.start(zeroTime)
      if (this.ctx.beforeFirstBatch !== undefined) yield* this.ctx.beforeFirstBatch(zeroTime)
      yield* Effect.orDie(timer.start(startTime))
      return zeroTime
    })
  }

  /**
   * Mirrors `JobGenerator.restart`: the graph keeps the checkpoint's zero
   * time; the batches the checkpoint had not completed and those that fell
   * in the down time run first, in order; then the timer goes on from its
   * restart time, the next boundary of the zero time's series.
   */
  restart(checkpoint: RestartPoint): Effect.Effect<number> {
    return Effect.gen({ self: this }, function*() {
      const batch = this.ctx.graph.batchDurationMs
      const { checkpointTime, zeroTime } = checkpoint
      this.ctx.graph.start(zeroTime)
      const timer = this.newTimer()
      const restartTime = yield* Effect.orDie(timer.getRestartTime(zeroTime))
      const downTimes: Array<number> = []
      for (let time = checkpointTime; time < restartTime; time += batch) downTimes.push(time)
      const times = [...new Set([...checkpoint.pendingTimes, ...downTimes])]
        .filter((time) => time < restartTime && time > zeroTime)
        .sort((a, b) => a - b)
      yield* Effect.logInfo(
        `Restarting from the checkpoint of batch ${checkpointTime}: batches pending ${checkpoint.pendingTimes.join(", ") || "none"}; ` +
          `${downTimes.length} batch times in the down time; rescheduling ${times.join(", ") || "none"}`
      )
      for (const time of times) {
        yield* SubscriptionRef.update(this.queued, (n) => n + 1)
        yield* Queue.offer(this.events, { _tag: "GenerateJobs", time })
      }
      yield* Effect.orDie(timer.start(restartTime))
      return zeroTime
    })
  }

  /** Spark's `timer`: posts `GenerateJobs(time)` at every batch boundary. */
  private newTimer(): RecurringTimerImpl {
    const timer = new RecurringTimerImpl(
      this.ctx.graph.batchDurationMs,
      // Uninterruptible, so a stop between the count and the post cannot leave a batch counted but never posted.
      (time) =>
        Effect.uninterruptible(Effect.andThen(
          SubscriptionRef.update(this.queued, (n) => n + 1),
          Queue.offer(this.events, { _tag: "GenerateJobs", time })
        )),
      "JobGenerator",
      this.scope
    )
    this.timer = timer
    return timer
  }

  /**
   * Stops the timer; returns the last batch time it posted (-1 if none).
   * With `interruptTimer` false (Spark's graceful stop) it first posts the
   * batch it waits for and one more (see RecurringTimer.stop).
   */
  stopTimer(interruptTimer = true): Effect.Effect<number> {
    return Effect.suspend(() => (this.timer === undefined ? Effect.succeed(-1) : Effect.orDie(this.timer.stop(interruptTimer))))
  }

  awaitBatchesDone(): Effect.Effect<void> {
    return Effect.andThen(awaitUntil(this.queued, (n) => n === 0), this.jobScheduler.awaitIdle)
  }

  onBatchCompletion(time: number, failed: boolean): void {
    // A failed batch keeps its input: its RDDs stay until a later batch's clearing passes them.
    if (!failed) Queue.offerUnsafe(this.events, { _tag: "ClearMetadata", time })
  }

  private process(event: JobGeneratorEvent): Effect.Effect<void> {
    switch (event._tag) {
      case "GenerateJobs":
        return Effect.ensuring(this.generateJobs(event.time), SubscriptionRef.update(this.queued, (n) => n - 1))
      case "ClearMetadata":
        return this.clearMetadata(event.time)
      case "ClearCheckpointData":
        return this.clearOldInput(event.time)
    }
  }

  /** Mirrors `JobGenerator.generateJobs`: allocate input, generate jobs, submit the job set, then checkpoint. */
  private generateJobs(time: number): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      this.generated.add(time)
      yield* this.ctx.allocateBlocksToBatch(time)
      let jobs: ReturnType<SchedulerContext["Service"]["graph"]["generateJobs"]> = []
      try {
        jobs = this.ctx.graph.generateJobs(time)
      } catch (cause) {
        this.ctx.notifyError(
          new StreamingJobError({
            batchTime: time,
            outputOpId: -1,
            message: `Error generating jobs for time ${time} ms: ${String(cause)}`,
            cause
          })
        )
        yield* Effect.logError(`Error generating jobs for time ${time} ms`, cause).pipe(Effect.annotateLogs({ batchTime: time }))
      }
      // Input counts the driver could not know while generating (see InputInfoTracker.reportRDD).
      yield* this.ctx.inputInfoTracker.resolve(time)
      const submissionTime = yield* Clock.currentTimeMillis
      yield* this.jobScheduler.submitJobSet({ time, jobs, inputInfos: this.ctx.inputInfoTracker.getInfo(time) }, submissionTime)
      // Spark posts DoCheckpoint(time, false) here; nothing else posts it, so it runs inline.
      yield* this.ctx.doCheckpoint(time, false)
    })
  }

  /**
   * Mirrors `JobGenerator.clearMetadata`: forget old RDDs, clean what only
   * the forgotten RDDs reach, then checkpoint. The cleanup waits while an
   * earlier batch is still running (with concurrent jobs a batch can complete
   * before an earlier one, whose jobs may still read the RDDs just forgotten);
   * the forgotten RDDs are kept until then. Old input is forgotten at once
   * without checkpointing; with it, only once a checkpoint made from now on
   * is on disk (Spark's `ClearCheckpointData`): until then a restart recovers
   * from an older checkpoint, whose pending batches need their blocks'
   * allocations and write-ahead log records.
   */
  private clearMetadata(time: number): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      for (const rdd of this.ctx.graph.clearMetadata(time)) this.forgotten.push(rdd)
      const afterCheckpoint = this.ctx.afterNextDurableCheckpoint
      if (afterCheckpoint === undefined) yield* this.clearOldInput(time)
      else yield* afterCheckpoint(Effect.sync(() => void Queue.offerUnsafe(this.events, { _tag: "ClearCheckpointData", time })))
      if (this.forgotten.length > 0 && !this.jobScheduler.hasPendingBatchBefore(time)) {
        const forgotten = this.forgotten
        this.forgotten = []
        // Received blocks are read by their batch only (Spark's DStream.clearMetadata removes them with spark.streaming.unpersist).
        for (const rdd of forgotten) if (BlockRDD.isBlockRDD(rdd)) rdd.removeBlocks()
        const summary = yield* this.ctx.cleanupForgotten(forgotten, this.ctx.graph.rememberedRDDs())
        yield* Effect.logDebug(
          `Cleared batch ${time}: ${forgotten.length} RDDs forgotten, ${summary.shuffles} shuffles, ` +
            `${summary.rdds} cached RDDs and ${summary.checkpoints} checkpoint directories removed`
        )
      }
      yield* this.ctx.doCheckpoint(time, true)
    })
  }

  /**
   * Forgets the input of the batches older than the input streams remember
   * before `time`: their infos, their blocks' allocations (in the block
   * tracker's log too) and the receivers' write-ahead log records. Never a
   * batch still running: with concurrent jobs, later batches complete before
   * it, and a restart before it completes would run it again with its input.
   */
  private clearOldInput(time: number): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      const running = this.jobScheduler.pendingTimes
      const threshTime = Math.min(time - this.ctx.graph.maxInputRememberDurationMs, ...running)
      this.ctx.inputInfoTracker.cleanup(threshTime)
      if (this.ctx.receiverTracker !== undefined) yield* this.ctx.receiverTracker.cleanupOldBlocksAndBatches(threshTime)
    })
  }
}
