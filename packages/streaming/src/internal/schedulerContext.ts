import type { ContextCleaner, RDD } from "@tspark/core"
import { Context, type Effect } from "effect"
import type { DStreamGraph } from "../DStreamGraph.js"
import type { ExecutorAllocationManager } from "../scheduler/ExecutorAllocationManager.js"
import type { InputInfoTracker } from "../scheduler/InputInfoTracker.js"
import type { ReceiverTracker } from "../scheduler/ReceiverTracker.js"
import type { StreamingListenerEvent } from "../scheduler/StreamingListener.js"
import type { StreamingError } from "../StreamingError.js"
import type { ListenerBusLike } from "./listenerBus.js"

/**
 * What the schedulers read from their StreamingContext (Spark passes `ssc`
 * itself to `JobScheduler` and `JobGenerator`).
 */
export class SchedulerContext extends Context.Service<SchedulerContext, {
  readonly graph: DStreamGraph
  readonly listenerBus: ListenerBusLike<StreamingListenerEvent>
  readonly inputInfoTracker: InputInfoTracker
  /** `spark.streaming.concurrentJobs`. */
  readonly concurrentJobs: number
  /** Mirrors `ReceiverTracker.allocateBlocksToBatch`: runs before `generateJobs(time)`. */
  readonly allocateBlocksToBatch: (time: number) => Effect.Effect<void>
  /** The receiver tracker, when the graph has receiver streams: stopped first on stop, cleaned with old batches. */
  readonly receiverTracker: ReceiverTracker | undefined
  /** `spark.streaming.gracefulStopTimeout` (default ten batch durations): how long a graceful stop waits for received blocks. */
  readonly gracefulStopTimeoutMs: number
  /**
   * Runs once on a fresh start, after the graph has its zero time and before the timer starts (the
   * first metadata checkpoint, when the receivers' blocks need one to be recoverable).
   */
  readonly beforeFirstBatch?: ((zeroTime: number) => Effect.Effect<void>) | undefined
  /**
   * With a checkpoint directory: runs the effect given once a checkpoint made after the call is on
   * disk (old input is forgotten then, as Spark's `ClearCheckpointData`). Without, old input is
   * forgotten as soon as a batch completes.
   */
  readonly afterNextDurableCheckpoint?: ((action: Effect.Effect<void>) => Effect.Effect<void>) | undefined
  /** Runs after each batch is generated (`false`) and after its metadata is cleared (`true`), as Spark's `DoCheckpoint`. */
  readonly doCheckpoint: (time: number, clearCheckpointDataLater: boolean) => Effect.Effect<void>
  /** The SparkContext's explicit cleanup: what only the forgotten RDDs reach (`ContextCleaner.cleanupForgotten`). */
  readonly cleanupForgotten: (
    forgotten: ReadonlyArray<RDD.RDD<unknown>>,
    live: Iterable<RDD.RDD<unknown>>
  ) => Effect.Effect<ContextCleaner.CleanupSummary>
  /** Streaming's dynamic allocation, when on: started after the JobGenerator, stopped first (as Spark's JobScheduler). */
  readonly executorAllocationManager?: ExecutorAllocationManager | undefined
  /** Mirrors `ContextWaiter.notifyError`: `awaitTermination` fails with the error. */
  readonly notifyError: (error: StreamingError) => void
}>()("@tspark/streaming/internal/SchedulerContext") {}
