/**
 * Cuts a job's RDD graph into stages at shuffle boundaries, submits each
 * stage's tasks once its parents' outputs exist, reuses shuffle outputs
 * across jobs, resubmits map stages whose output was lost, and fails jobs
 * whose stages are aborted. All of it runs on the context's event loop.
 *
 * Mirrors `org.apache.spark.scheduler.DAGScheduler`.
 *
 * @since 0.1.0
 */
import { Context, Deferred, Effect, Layer } from "effect"
import { AccumulatorContext } from "../Accumulator.js"
import { ContextCleaner } from "../ContextCleaner.js"
import { DAGScheduler as DAGSchedulerImpl } from "../internal/scheduler/dagScheduler.js"
import type { RDD } from "../rdd/RDD.js"
import { InvalidArgumentError, type JobCancelledError, type JobFailedError } from "../SparkError.js"
import { BlockManagerMasterEndpoint } from "../storage/BlockManagerMaster.js"
import { DAGSchedulerEventProcessLoop } from "./DAGSchedulerEventProcessLoop.js"
import { LiveListenerBus } from "./LiveListenerBus.js"
import { MapOutputTrackerMaster } from "./MapOutputTracker.js"
import type { TaskContext } from "./TaskContext.js"
import { TaskScheduler } from "./TaskScheduler.js"

/**
 * A submitted job: its id, and the effect that waits for its results.
 *
 * Mirrors `org.apache.spark.scheduler.JobWaiter`.
 *
 * **Example**
 * ```ts
 * const results = yield* (yield* dag.submitJob(rdd, (it) => [...it], undefined, new Map())).await
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface JobWaiter<U> {
  readonly jobId: number
  /** The job's tasks: one per partition asked for. */
  readonly totalTasks: number
  readonly await: Effect.Effect<Array<U>, JobFailedError | JobCancelledError>
}

/**
 * The DAG scheduler of one context. Its calls post events to the loop and
 * return at once; a job reports its results through its submission.
 *
 * Mirrors `org.apache.spark.scheduler.DAGScheduler`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const dag = yield* DAGScheduler.DAGScheduler
 *   dag.cancelAllJobs("shutting down")
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class DAGScheduler extends Context.Service<DAGScheduler, {
  /**
   * Checks the partitions, gives the job an id and submits it; the waiter's
   * `await` gives the results in partition order (interrupting it cancels the job).
   */
  readonly submitJob: <U>(
    rdd: RDD<unknown>,
    func: (iterator: Iterator<unknown>, ctx: TaskContext) => U,
    partitions: ReadonlyArray<number> | undefined,
    properties: ReadonlyMap<string, string>
  ) => Effect.Effect<JobWaiter<U>, InvalidArgumentError>
  readonly cancelJob: (jobId: number, reason: string) => void
  readonly cancelJobGroup: (groupId: string) => void
  readonly cancelAllJobs: (reason: string) => void
  /** The ids of the jobs running now. */
  readonly activeJobIds: () => Array<number>
}>()("@tspark/core/scheduler/DAGScheduler") {}

/**
 * The DAG scheduler: becomes the task scheduler's listener and starts the
 * event loop, in the layer's scope.
 *
 * Mirrors `org.apache.spark.scheduler.DAGScheduler`.
 *
 * **Example**
 * ```ts
 * const dag = DAGScheduler.layer({ maxConsecutiveStageAttempts: 4 })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: {
  /** Consecutive fetch-failed attempts of a stage before its jobs fail (`spark.stage.maxConsecutiveAttempts`). */
  readonly maxConsecutiveStageAttempts: number
}): Layer.Layer<
  DAGScheduler,
  never,
  | DAGSchedulerEventProcessLoop
  | LiveListenerBus
  | TaskScheduler
  | AccumulatorContext
  | ContextCleaner
  | MapOutputTrackerMaster
  | BlockManagerMasterEndpoint
> =>
  Layer.effect(
    DAGScheduler,
    Effect.gen(function*() {
      const loop = yield* DAGSchedulerEventProcessLoop
      const taskScheduler = yield* TaskScheduler
      const dag = new DAGSchedulerImpl({
        loop,
        listenerBus: yield* LiveListenerBus,
        taskScheduler,
        accumulators: yield* AccumulatorContext,
        cleaner: yield* ContextCleaner,
        mapOutputTracker: yield* MapOutputTrackerMaster,
        blockManagerMaster: yield* BlockManagerMasterEndpoint,
        maxConsecutiveStageAttempts: options.maxConsecutiveStageAttempts
      })
      taskScheduler.setDAGScheduler(dag)
      yield* loop.start((event) => dag.onReceive(event))
      let nextJobId = 0
      const cancelJob = (jobId: number, reason: string) => loop.post({ _tag: "JobCancelled", jobId, reason })
      return DAGScheduler.of({
        submitJob: Effect.fnUntraced(function*<U>(
          rdd: RDD<unknown>,
          func: (iterator: Iterator<unknown>, ctx: TaskContext) => U,
          partitions: ReadonlyArray<number> | undefined,
          properties: ReadonlyMap<string, string>
        ) {
          const numPartitions = rdd.numPartitions
          const parts = partitions ?? Array.from({ length: numPartitions }, (_, i) => i)
          const outOfRange = parts.find((p) => !Number.isInteger(p) || p < 0 || p >= numPartitions)
          if (outOfRange !== undefined) {
            return yield* new InvalidArgumentError({
              method: "runJob",
              message: `Attempting to access a non-existent partition: ${outOfRange}. RDD ${rdd.id} has ${numPartitions} partitions` +
                (numPartitions === 0 ? ": it has none to run on" : `: ask for whole partition indices from 0 to ${numPartitions - 1}`)
            })
          }
          const jobId = nextJobId++
          if (parts.length === 0) return { jobId, totalTasks: 0, await: Effect.succeed([] as Array<U>) }
          const results = new Array<U>(parts.length)
          const done = yield* Deferred.make<void, JobFailedError | JobCancelledError>()
          loop.post({
            _tag: "JobSubmitted",
            submission: {
              jobId,
              rdd,
              func,
              partitions: parts,
              properties,
              onTaskSucceeded: (index, result) => {
                results[index] = result as U
              },
              onJobFinished: (outcome) => {
                Deferred.doneUnsafe(done, outcome._tag === "Success" ? Effect.void : Effect.fail(outcome.error as JobFailedError))
              }
            }
          })
          const wait = Deferred.await(done).pipe(
            Effect.onInterrupt(() => Effect.sync(() => cancelJob(jobId, "because the effect waiting for it was interrupted"))),
            Effect.as(results)
          )
          return { jobId, totalTasks: parts.length, await: wait }
        }),
        cancelJob,
        cancelJobGroup: (groupId) => loop.post({ _tag: "JobGroupCancelled", groupId }),
        cancelAllJobs: (reason) => loop.post({ _tag: "AllJobsCancelled", reason }),
        activeJobIds: () => dag.activeJobIds()
      })
    })
  )
