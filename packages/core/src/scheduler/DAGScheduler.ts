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
import { Context, Effect, Layer } from "effect"
import { AccumulatorContext } from "../Accumulator.js"
import { ContextCleaner } from "../ContextCleaner.js"
import { DAGScheduler as DAGSchedulerImpl } from "../internal/scheduler/dagScheduler.js"
import type { JobSubmission } from "../internal/scheduler/stage.js"
import { BlockManagerMasterEndpoint } from "../storage/BlockManagerMaster.js"
import { DAGSchedulerEventProcessLoop } from "./DAGSchedulerEventProcessLoop.js"
import { LiveListenerBus } from "./LiveListenerBus.js"
import { MapOutputTrackerMaster } from "./MapOutputTracker.js"
import { TaskScheduler } from "./TaskScheduler.js"

/**
 * The DAG scheduler of one context. Its calls post events to the loop and
 * return at once; a job reports its results through its submission.
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
  readonly submitJob: (submission: JobSubmission) => void
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
      return DAGScheduler.of({
        submitJob: (submission) => loop.post({ _tag: "JobSubmitted", submission }),
        cancelJob: (jobId, reason) => loop.post({ _tag: "JobCancelled", jobId, reason }),
        cancelJobGroup: (groupId) => loop.post({ _tag: "JobGroupCancelled", groupId }),
        cancelAllJobs: (reason) => loop.post({ _tag: "AllJobsCancelled", reason }),
        activeJobIds: () => dag.activeJobIds()
      })
    })
  )
