/**
 * Runs the jobs of each batch on a pool of `spark.streaming.concurrentJobs`
 * workers (default 1, so batches complete in order), keeps each batch's
 * `BatchInfo`, and reports batch and output-operation events.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.JobScheduler` and `JobSet`.
 *
 * @since 0.1.0
 */
import { SparkContext } from "@tspark/core"
import { Cause, Clock, Deferred, Effect, Exit, Queue, type Scope } from "effect"
import type { Job } from "../dstream/DStream.js"
import type { ListenerBusLike } from "../internal/listenerBus.js"
import { StreamingJobError } from "../StreamingError.js"
import type { BatchInfo, OutputOperationInfo, StreamInputInfo, StreamingListenerEvent } from "./StreamingListener.js"

/**
 * The jobs of one batch.
 *
 * @category models
 * @since 0.1.0
 */
export interface JobSet {
  readonly time: number
  readonly jobs: ReadonlyArray<Job>
  readonly inputInfos: ReadonlyMap<number, StreamInputInfo>
}

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

/**
 * The scheduler's callbacks into the rest of the context.
 *
 * @category models
 * @since 0.1.0
 */
export interface JobSchedulerHooks {
  /** A batch's jobs all finished (`failed`: some job failed). */
  readonly onBatchCompletion: (time: number, failed: boolean) => void
  /** A job failed: surfaced by `awaitTermination`. */
  readonly reportError: (error: StreamingJobError) => void
}

/**
 * The job scheduler.
 *
 * **Example**
 * ```ts
 * const scheduler = yield* JobScheduler.make(1, bus, hooks)
 * scheduler.submitJobSet({ time, jobs, inputInfos: new Map() })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class JobScheduler {
  private readonly jobSets = new Map<number, JobSetState>()
  private idleWaiters: Array<Deferred.Deferred<void>> = []

  private constructor(
    private readonly jobQueue: Queue.Queue<Job>,
    private readonly bus: ListenerBusLike<StreamingListenerEvent>,
    private readonly hooks: JobSchedulerHooks
  ) {}

  /** Starts `concurrentJobs` workers and the event loop in the current scope. */
  static make(
    concurrentJobs: number,
    bus: ListenerBusLike<StreamingListenerEvent>,
    hooks: JobSchedulerHooks
  ): Effect.Effect<JobScheduler, never, Scope.Scope> {
    return Effect.gen(function*() {
      const jobQueue = yield* Queue.unbounded<Job>()
      const events = yield* Queue.unbounded<Event>()
      const scheduler = new JobScheduler(jobQueue, bus, hooks)
      const worker = Effect.forever(Effect.gen(function*() {
        const job = yield* Queue.take(jobQueue)
        Queue.offerUnsafe(events, { _tag: "JobStarted", job, time: yield* Clock.currentTimeMillis })
        const exit = yield* Effect.exit(
          job.run.pipe(
            SparkContext.withLocalProperty("spark.streaming.internal.batchTime", String(job.time)),
            SparkContext.withLocalProperty("spark.streaming.internal.outputOpId", String(job.outputOpId))
          )
        )
        Queue.offerUnsafe(events, { _tag: "JobCompleted", job, time: yield* Clock.currentTimeMillis, exit })
      }))
      for (let i = 0; i < concurrentJobs; i++) yield* Effect.forkScoped(worker)
      yield* Effect.forkScoped(Effect.forever(Effect.gen(function*() {
        scheduler.handle(yield* Queue.take(events))
      })))
      return scheduler
    })
  }

  /** Queues a batch's jobs; a batch without jobs completes at once. */
  submitJobSet(jobSet: JobSet, submissionTime: number): void {
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
    this.bus.post({ _tag: "BatchSubmitted", batch: batchInfo(state) })
    if (jobSet.jobs.length === 0) {
      state.processingStartTime = submissionTime
      state.processingEndTime = submissionTime
      this.complete(state)
      return
    }
    for (const job of jobSet.jobs) Queue.offerUnsafe(this.jobQueue, job)
  }

  /** Batches submitted and not yet completed. */
  get pendingBatches(): number {
    return this.jobSets.size
  }

  /** Waits until every submitted batch has completed. */
  get awaitIdle(): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.jobSets.size === 0) return Effect.void
      return Effect.flatMap(Deferred.make<void>(), (done) => {
        this.idleWaiters.push(done)
        return Deferred.await(done)
      })
    })
  }

  private handle(event: Event): void {
    const state = this.jobSets.get(event.job.time)
    if (state === undefined) return
    const job = event.job
    if (event._tag === "JobStarted") {
      if (state.processingStartTime === undefined) {
        state.processingStartTime = event.time
        this.bus.post({ _tag: "BatchStarted", batch: batchInfo(state) })
      }
      const info = outputInfo(job, event.time, undefined, undefined)
      state.outputs.set(job.outputOpId, info)
      this.bus.post({ _tag: "OutputOperationStarted", info })
      return
    }
    const failure = Exit.isFailure(event.exit) ? Cause.pretty(event.exit.cause) : undefined
    const started = state.outputs.get(job.outputOpId)?.startTime
    const info = outputInfo(job, started, event.time, failure)
    state.outputs.set(job.outputOpId, info)
    this.bus.post({ _tag: "OutputOperationCompleted", info })
    state.remaining--
    if (failure !== undefined && Exit.isFailure(event.exit)) {
      state.failed = true
      this.hooks.reportError(
        new StreamingJobError({
          batchTime: job.time,
          outputOpId: job.outputOpId,
          message: `Error running job ${job.description}: ${failure}`,
          cause: Cause.squash(event.exit.cause)
        })
      )
    }
    if (state.remaining === 0) {
      state.processingEndTime = event.time
      this.complete(state)
    }
  }

  private complete(state: JobSetState): void {
    this.jobSets.delete(state.jobSet.time)
    this.hooks.onBatchCompletion(state.jobSet.time, state.failed)
    this.bus.post({ _tag: "BatchCompleted", batch: batchInfo(state) })
    if (this.jobSets.size === 0 && this.idleWaiters.length > 0) {
      for (const waiter of this.idleWaiters) Deferred.doneUnsafe(waiter, Effect.void)
      this.idleWaiters = []
    }
  }
}

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
