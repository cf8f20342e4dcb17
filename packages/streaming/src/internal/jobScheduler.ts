import { SparkContext } from "@tspark/core"
import { Cause, Clock, Effect, Exit, Queue, Schedule, Scope, SubscriptionRef } from "effect"
import type { Job } from "../scheduler/Job.js"
import type { RestartPoint } from "../scheduler/JobGenerator.js"
import type { JobSet } from "../scheduler/JobSet.js"
import type { BatchInfo, OutputOperationInfo } from "../scheduler/StreamingListener.js"
import { StreamingJobError } from "../StreamingError.js"
import { type JobGeneratorEvent, JobGeneratorImpl } from "./jobGenerator.js"
import { RecentBatches } from "./recentBatches.js"
import { SchedulerContext } from "./schedulerContext.js"
import { awaitUntil } from "./waiter.js"

interface JobSetState {
  readonly jobSet: JobSet
  readonly submissionTime: number
  processingStartTime: number | undefined
  processingEndTime: number | undefined
  readonly outputs: Map<number, OutputOperationInfo>
  remaining: number
  failed: boolean
}

type Event =
  | { readonly _tag: "JobStarted"; readonly job: Job; readonly time: number }
  | { readonly _tag: "JobCompleted"; readonly job: Job; readonly time: number; readonly exit: Exit.Exit<void, unknown> }

/** The scheduler; it owns its JobGenerator, as Spark's. */
export class JobSchedulerImpl {
  readonly jobGenerator: JobGeneratorImpl
  private readonly jobSets = new Map<number, JobSetState>()
  private readonly completed = new RecentBatches()

  constructor(
    private readonly ctx: SchedulerContext["Service"],
    private readonly jobQueue: Queue.Queue<Job>,
    readonly events: Queue.Queue<Event>,
    generatorEvents: Queue.Queue<JobGeneratorEvent>,
    queued: SubscriptionRef.SubscriptionRef<number>,
    /** Batches submitted and not yet completed. */
    private readonly pending: SubscriptionRef.SubscriptionRef<number>,
    private readonly completedCount: SubscriptionRef.SubscriptionRef<number>,
    private readonly scope: Scope.Scope
  ) {
    this.jobGenerator = new JobGeneratorImpl(this, ctx, generatorEvents, queued, scope)
  }

  start(): Effect.Effect<number> {
    return Effect.tap(this.jobGenerator.start(), () => this.startAllocation)
  }

  restart(checkpoint: RestartPoint): Effect.Effect<number> {
    return Effect.tap(this.jobGenerator.restart(checkpoint), () => this.startAllocation)
  }

  /** Dynamic allocation starts with the generator (the context checked before that the cluster can allocate). */
  private get startAllocation(): Effect.Effect<void> {
    const manager = this.ctx.executorAllocationManager
    return manager === undefined ? Effect.void : Effect.orDie(Scope.provide(manager.start, this.scope))
  }

  /** Batches submitted and not completed, as a metadata checkpoint records them (Spark's `getPendingTimes`). */
  get pendingTimes(): ReadonlyArray<number> {
    return [...this.jobSets.keys()]
  }

  /**
   * Mirrors `JobScheduler.stop(processAllReceivedData)`: stop the receivers
   * first (they push what they stored); gracefully, let batches take every
   * received block (within `spark.streaming.gracefulStopTimeout`, default ten
   * batches), then stop the timer and let generated batches finish.
   */
  stop(graceful: boolean): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      // As Spark's JobScheduler.stop: dynamic allocation first, so no executor is requested or removed while stopping.
      if (this.ctx.executorAllocationManager !== undefined) yield* this.ctx.executorAllocationManager.stop
      const tracker = this.ctx.receiverTracker
      if (tracker !== undefined) yield* tracker.stop()
      if (graceful && tracker !== undefined) {
        const poll = Math.max(1, Math.min(100, Math.floor(this.ctx.graph.batchDurationMs / 10)))
        const drained = Effect.repeat(Effect.sync(() => tracker.hasUnallocatedBlocks), {
          while: (left) => left,
          schedule: Schedule.spaced(poll)
        })
        const done = yield* Effect.timeoutOption(drained, this.ctx.gracefulStopTimeoutMs)
        if (done._tag === "None") {
          yield* Effect.logWarning(`Timed out after ${this.ctx.gracefulStopTimeoutMs} ms waiting for every received block to be processed`)
        }
      }
      yield* this.jobGenerator.stopTimer()
      if (graceful) yield* this.jobGenerator.awaitBatchesDone()
    })
  }

  get completedBatchTimes(): ReadonlyArray<number> {
    return this.completed.times
  }

  get numCompletedBatches(): number {
    return this.completed.total
  }

  awaitCompletedBatches(count: number): Effect.Effect<void> {
    return awaitUntil(this.completedCount, (n) => n >= count)
  }

  /** Whether a batch before `time` has jobs still to finish (its RDDs may still be in use). */
  readonly hasPendingBatchBefore = (time: number): boolean => {
    for (const batch of this.jobSets.keys()) if (batch < time) return true
    return false
  }

  get awaitIdle(): Effect.Effect<void> {
    return awaitUntil(this.pending, (n) => n === 0)
  }

  readonly submitJobSet = (jobSet: JobSet, submissionTime: number): Effect.Effect<void> =>
    Effect.suspend(() => {
      const state: JobSetState = {
        jobSet,
        submissionTime,
        processingStartTime: undefined,
        processingEndTime: undefined,
        outputs: new Map(jobSet.jobs.map((job) => [job.outputOpId, outputInfo(job, undefined, undefined, undefined)])),
        remaining: jobSet.jobs.length,
        failed: false
      }
      this.jobSets.set(jobSet.time, state)
      return Effect.andThen(SubscriptionRef.set(this.pending, this.jobSets.size), () => {
        this.ctx.listenerBus.post({ _tag: "BatchSubmitted", batch: batchInfo(state) })
        if (jobSet.jobs.length === 0) {
          state.processingStartTime = submissionTime
          state.processingEndTime = submissionTime
          return this.complete(state)
        }
        for (const job of jobSet.jobs) Queue.offerUnsafe(this.jobQueue, job)
        return Effect.void
      })
    })

  /** One of `concurrentJobs` workers: runs jobs with the batch time and output id as local properties. */
  get worker(): Effect.Effect<never> {
    return Effect.forever(Effect.gen({ self: this }, function*() {
      const job = yield* Queue.take(this.jobQueue)
      Queue.offerUnsafe(this.events, { _tag: "JobStarted", job, time: yield* Clock.currentTimeMillis })
      const exit = yield* Effect.exit(
        job.run.pipe(
          SparkContext.withLocalProperty("spark.streaming.internal.batchTime", String(job.time)),
          SparkContext.withLocalProperty("spark.streaming.internal.outputOpId", String(job.outputOpId))
        )
      )
      Queue.offerUnsafe(this.events, { _tag: "JobCompleted", job, time: yield* Clock.currentTimeMillis, exit })
    }))
  }

  /** The event loop: job starts and completions, in order. */
  get loop(): Effect.Effect<never> {
    return Effect.forever(Effect.flatMap(Queue.take(this.events), (event) => this.handle(event)))
  }

  private handle(event: Event): Effect.Effect<void> {
    const state = this.jobSets.get(event.job.time)
    if (state === undefined) return Effect.void
    const job = event.job
    const bus = this.ctx.listenerBus
    if (event._tag === "JobStarted") {
      if (state.processingStartTime === undefined) {
        state.processingStartTime = event.time
        bus.post({ _tag: "BatchStarted", batch: batchInfo(state) })
      }
      const info = outputInfo(job, event.time, undefined, undefined)
      state.outputs.set(job.outputOpId, info)
      bus.post({ _tag: "OutputOperationStarted", info })
      return Effect.void
    }
    const failure = Exit.isFailure(event.exit) ? Cause.pretty(event.exit.cause) : undefined
    const started = state.outputs.get(job.outputOpId)?.startTime
    const info = outputInfo(job, started, event.time, failure)
    state.outputs.set(job.outputOpId, info)
    bus.post({ _tag: "OutputOperationCompleted", info })
    state.remaining--
    let logged: Effect.Effect<void> = Effect.void
    if (failure !== undefined && Exit.isFailure(event.exit)) {
      state.failed = true
      this.ctx.notifyError(
        new StreamingJobError({
          batchTime: job.time,
          outputOpId: job.outputOpId,
          message: `Error running job ${job.description}: ${failure}`,
          cause: Cause.squash(event.exit.cause)
        })
      )
      // One line per failed job, as Spark's JobScheduler logs "Error running job streaming job <time> ms.<op>".
      logged = Effect.logError(
        `Error running job of batch ${job.time} ms, output operation ${job.outputOpId} (${job.description})`,
        event.exit.cause
      ).pipe(Effect.annotateLogs({ batchTime: job.time, outputOpId: job.outputOpId }))
    }
    if (state.remaining > 0) return logged
    state.processingEndTime = event.time
    return Effect.andThen(logged, this.complete(state))
  }

  /** Mirrors `JobScheduler.handleJobCompletion` once a batch's last job is done. */
  private complete(state: JobSetState): Effect.Effect<void> {
    const time = state.jobSet.time
    this.jobSets.delete(time)
    this.jobGenerator.onBatchCompletion(time, state.failed)
    this.completed.add(time)
    return Effect.andThen(SubscriptionRef.set(this.completedCount, this.completed.total), () => {
      this.ctx.listenerBus.post({ _tag: "BatchCompleted", batch: batchInfo(state) })
      return SubscriptionRef.set(this.pending, this.jobSets.size)
    })
  }
}

/** Creates the scheduler and its generator, and runs their loops in the current scope. */
export const make: Effect.Effect<JobSchedulerImpl, never, SchedulerContext | Scope.Scope> = Effect.gen(function*() {
  const ctx = yield* SchedulerContext
  const scope = yield* Effect.scope
  const scheduler = new JobSchedulerImpl(
    ctx,
    yield* Queue.unbounded<Job>(),
    yield* Queue.unbounded<Event>(),
    yield* Queue.unbounded<JobGeneratorEvent>(),
    yield* SubscriptionRef.make(0),
    yield* SubscriptionRef.make(0),
    yield* SubscriptionRef.make(0),
    scope
  )
  for (let i = 0; i < ctx.concurrentJobs; i++) yield* Effect.forkScoped(scheduler.worker)
  yield* Effect.forkScoped(scheduler.loop)
  yield* Effect.forkScoped(scheduler.jobGenerator.loop)
  return scheduler
})

const outputInfo = (
  job: Job,
  startTime: number | undefined,
  endTime: number | undefined,
  failureReason: string | undefined
): OutputOperationInfo => ({
  batchTime: job.time,
  id: job.outputOpId,
  name: job.description.split(" of ")[0] ?? "output",
  description: job.description,
  startTime,
  endTime,
  failureReason
})

const batchInfo = (state: JobSetState): BatchInfo => {
  const { processingEndTime: end, processingStartTime: start, submissionTime } = state
  let numRecords = 0
  for (const info of state.jobSet.inputInfos.values()) numRecords += info.numRecords
  return {
    batchTime: state.jobSet.time,
    streamIdToInputInfo: state.jobSet.inputInfos,
    submissionTime,
    processingStartTime: start,
    processingEndTime: end,
    outputOperationInfos: new Map(state.outputs),
    schedulingDelay: start === undefined ? undefined : start - submissionTime,
    processingDelay: start === undefined || end === undefined ? undefined : end - start,
    totalDelay: end === undefined ? undefined : end - submissionTime,
    numRecords
  }
}
