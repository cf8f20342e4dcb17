/**
 * Drops the driver state of RDDs and shuffles once the objects that needed
 * it are garbage collected: the cached blocks of a persisted RDD, the map
 * outputs and shuffle files of a shuffle. A `FinalizationRegistry` notices
 * the collection and posts a `Cleanup` event, so the state is dropped on the
 * scheduler's event loop, in order with the jobs that might still use it.
 * It also keeps the registry of persisted RDDs (weakly), which the cleanup
 * of an RDD updates.
 *
 * Mirrors `org.apache.spark.ContextCleaner` (and `SparkContext.persistentRdds`).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import type { RDD } from "./rdd/RDD.js"
import { type CleanupTask, DAGSchedulerEventProcessLoop } from "./scheduler/DAGSchedulerEventProcessLoop.js"
import { MapOutputTrackerMaster } from "./scheduler/MapOutputTracker.js"
import { BlockManagerMasterEndpoint } from "./storage/BlockManagerMaster.js"

/**
 * The cleaner of one context.
 *
 * Mirrors `org.apache.spark.ContextCleaner`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const cleaner = yield* ContextCleaner.ContextCleaner
 *   return cleaner.persistentRdds().length
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class ContextCleaner extends Context.Service<ContextCleaner, {
  /** Records a persisted RDD; its blocks are removed once it is collected. */
  readonly persistRdd: (rdd: RDD<unknown>) => void
  /** Forgets a persisted RDD and removes its blocks now. */
  readonly unpersistRdd: (rddId: number) => void
  /** The persisted RDDs still alive. */
  readonly persistentRdds: () => Array<RDD<unknown>>
  /** Drops a shuffle's outputs once `owner` (the RDD reading it) is collected. */
  readonly registerShuffleForCleanup: (owner: RDD<unknown>, shuffleId: number) => void
  /** Drops the state named by a cleanup task; called on the event loop. */
  readonly doCleanup: (task: CleanupTask) => void
}>()("@tspark/core/ContextCleaner") {}

/**
 * A cleaner posting its cleanups to the context's event loop.
 *
 * Mirrors `org.apache.spark.ContextCleaner`.
 *
 * **Example**
 * ```ts
 * const cleaner = ContextCleaner.layer.pipe(Layer.provide(DAGSchedulerEventProcessLoop.layer))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<
  ContextCleaner,
  never,
  DAGSchedulerEventProcessLoop | MapOutputTrackerMaster | BlockManagerMasterEndpoint
> = Layer.effect(
  ContextCleaner,
  Effect.gen(function*() {
    const loop = yield* DAGSchedulerEventProcessLoop
    const mapOutputTracker = yield* MapOutputTrackerMaster
    const blockManagerMaster = yield* BlockManagerMasterEndpoint
    const persistent = new Map<number, WeakRef<RDD<unknown>>>()
    const registry = new FinalizationRegistry<CleanupTask>((task) => loop.post({ _tag: "Cleanup", task }))
    return ContextCleaner.of({
      persistRdd: (rdd) => {
        if (persistent.has(rdd.id)) return
        persistent.set(rdd.id, new WeakRef(rdd))
        registry.register(rdd, { _tag: "Rdd", rddId: rdd.id })
      },
      unpersistRdd: (rddId) => {
        persistent.delete(rddId)
        blockManagerMaster.removeRdd(rddId)
      },
      persistentRdds: () => {
        const rdds: Array<RDD<unknown>> = []
        for (const ref of persistent.values()) {
          const rdd = ref.deref()
          if (rdd !== undefined) rdds.push(rdd)
        }
        return rdds
      },
      registerShuffleForCleanup: (owner, shuffleId) => registry.register(owner, { _tag: "Shuffle", shuffleId }),
      doCleanup: (task) => {
        if (task._tag === "Shuffle") {
          mapOutputTracker.unregisterShuffle(task.shuffleId)
          blockManagerMaster.removeShuffle(task.shuffleId)
        } else {
          persistent.delete(task.rddId)
          blockManagerMaster.removeRdd(task.rddId)
        }
      }
    })
  })
)
