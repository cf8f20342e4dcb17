/**
 * Drops the driver state of RDDs and shuffles once the objects that needed
 * it are garbage collected: the cached blocks of a persisted RDD, the map
 * outputs and shuffle files of a shuffle. A `FinalizationRegistry` notices
 * the collection and posts a `Cleanup` event, so the state is dropped on the
 * scheduler's event loop, in order with the jobs that might still use it.
 * It also keeps the registry of persisted RDDs (weakly), which the cleanup
 * of an RDD updates. With `spark.cleaner.referenceTracking.cleanCheckpoints`
 * it deletes the reliable checkpoint directory of a collected RDD too.
 * (Broadcasts are dropped by `BroadcastManager`, from the driver and the
 * executors, when their object is collected.)
 *
 * Garbage collection alone does not bound a long streaming run (a collection
 * may come late, or never while something still holds the RDD), so the
 * cleaner also has an explicit path, `cleanupForgotten`: when streaming's
 * `clearMetadata` forgets a batch's RDDs, the shuffles and checkpoint files
 * that only they reach are removed at once, and nothing a live RDD still
 * reaches is touched.
 *
 * Mirrors `org.apache.spark.ContextCleaner` (and `SparkContext.persistentRdds`).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import * as fs from "node:fs"
import { reachableFrom, unreferenced } from "./internal/cleaner/referenceWalk.js"
import type { RDD } from "./rdd/RDD.js"
import { type CleanupTask, DAGSchedulerEventProcessLoop } from "./scheduler/DAGSchedulerEventProcessLoop.js"
import { MapOutputTrackerMaster } from "./scheduler/MapOutputTracker.js"
import { BlockManagerMasterEndpoint } from "./storage/BlockManagerMaster.js"

/**
 * What one explicit cleanup removed.
 *
 * Mirrors the work of `org.apache.spark.ContextCleaner`'s `doCleanupRDD`,
 * `doCleanupShuffle` and `doCleanupCheckpoint`.
 *
 * **Example**
 * ```ts
 * const summary: ContextCleaner.CleanupSummary = { rdds: 0, shuffles: 2, checkpoints: 1 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface CleanupSummary {
  /** Persisted RDDs whose blocks were removed. */
  readonly rdds: number
  /** Shuffles unregistered (map outputs and shuffle blocks removed). */
  readonly shuffles: number
  /** Reliable checkpoint directories deleted. */
  readonly checkpoints: number
}

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
  /**
   * Deletes RDD `rddId`'s reliable checkpoint `directory` once `owner` (the
   * RDD reading the checkpoint) is collected, when
   * `spark.cleaner.referenceTracking.cleanCheckpoints` is true; otherwise
   * does nothing (the checkpoint outlives the run, as in Spark).
   */
  readonly registerCheckpointForCleanup: (owner: RDD<unknown>, rddId: number, directory: string) => void
  /** The checkpoint directories registered for deletion and not deleted yet, by RDD id. */
  readonly trackedCheckpoints: () => ReadonlyMap<number, string>
  /**
   * Removes what only `forgotten` RDDs reach, now rather than on garbage
   * collection: their cached blocks, the shuffles in their lineage that no
   * `live` RDD reaches, and the reliable checkpoint directories that no live
   * RDD reads. Blocks and shuffles are dropped on the event loop, in order
   * with the jobs; a directory that cannot be deleted is logged and skipped.
   */
  readonly cleanupForgotten: (
    forgotten: ReadonlyArray<RDD<unknown>>,
    live: Iterable<RDD<unknown>>
  ) => Effect.Effect<CleanupSummary>
  /** Drops the state named by a cleanup task; called on the event loop. */
  readonly doCleanup: (task: CleanupTask) => void
}>()("@tspark/core/ContextCleaner") {}

/**
 * What a cleaner removes beyond blocks and shuffles.
 *
 * Mirrors the `spark.cleaner.referenceTracking.*` settings of `org.apache.spark.ContextCleaner`.
 *
 * **Example**
 * ```ts
 * const options: ContextCleaner.CleanerOptions = { cleanCheckpoints: true }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface CleanerOptions {
  /** `spark.cleaner.referenceTracking.cleanCheckpoints`: delete a collected RDD's reliable checkpoint directory. */
  readonly cleanCheckpoints: boolean
}

/**
 * A cleaner posting its cleanups to the context's event loop, with the
 * given options.
 *
 * Mirrors `org.apache.spark.ContextCleaner`.
 *
 * **Example**
 * ```ts
 * const cleaner = ContextCleaner.layerWith({ cleanCheckpoints: true }).pipe(Layer.provide(DAGSchedulerEventProcessLoop.layer))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerWith = (options: CleanerOptions): Layer.Layer<
  ContextCleaner,
  never,
  DAGSchedulerEventProcessLoop | MapOutputTrackerMaster | BlockManagerMasterEndpoint
> =>
  Layer.effect(
    ContextCleaner,
    make(options)
  )

const make = (options: CleanerOptions) =>
  Effect.gen(function*() {
    // The context's logger, for a checkpoint directory that cannot be deleted on the event loop.
    const context = yield* Effect.context<never>()
    const loop = yield* DAGSchedulerEventProcessLoop
    const mapOutputTracker = yield* MapOutputTrackerMaster
    const blockManagerMaster = yield* BlockManagerMasterEndpoint
    const persistent = new Map<number, WeakRef<RDD<unknown>>>()
    const checkpoints = new Map<number, string>()
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
      registerCheckpointForCleanup: (owner, rddId, directory) => {
        if (!options.cleanCheckpoints) return
        checkpoints.set(rddId, directory)
        registry.register(owner, { _tag: "Checkpoint", rddId, directory })
      },
      trackedCheckpoints: () => checkpoints,
      cleanupForgotten: (forgotten, live) =>
        Effect.gen(function*() {
          if (forgotten.length === 0) return { rdds: 0, shuffles: 0, checkpoints: 0 }
          const found = unreferenced(forgotten, reachableFrom(live))
          for (const rddId of found.rddIds) loop.post({ _tag: "Cleanup", task: { _tag: "Rdd", rddId } })
          for (const shuffleId of found.shuffleIds) loop.post({ _tag: "Cleanup", task: { _tag: "Shuffle", shuffleId } })
          let checkpoints = 0
          for (const directory of found.checkpointDirs) {
            const deleted = yield* deleteCheckpointDir(directory)
            if (deleted) checkpoints++
          }
          return { rdds: found.rddIds.length, shuffles: found.shuffleIds.length, checkpoints }
        }),
      doCleanup: (task) => {
        if (task._tag === "Shuffle") {
          mapOutputTracker.unregisterShuffle(task.shuffleId)
          blockManagerMaster.removeShuffle(task.shuffleId)
        } else if (task._tag === "Checkpoint") {
          checkpoints.delete(task.rddId)
          Effect.runSyncWith(context)(deleteCheckpointDirNow(task.rddId, task.directory))
        } else {
          persistent.delete(task.rddId)
          blockManagerMaster.removeRdd(task.rddId)
        }
      }
    })
  })

/**
 * A cleaner posting its cleanups to the context's event loop; checkpoints
 * are kept (`spark.cleaner.referenceTracking.cleanCheckpoints` false).
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
> = layerWith({ cleanCheckpoints: false })

/**
 * Deletes a collected RDD's checkpoint directory on the event loop (Spark's
 * `doCleanCheckpoint`); a failure is logged and the loop goes on.
 */
const deleteCheckpointDirNow = (rddId: number, directory: string): Effect.Effect<void> =>
  Effect.try(() => fs.rmSync(directory, { recursive: true, force: true })).pipe(
    Effect.catch((error) =>
      Effect.logWarning(
        `Could not delete the checkpoint directory ${directory} of collected RDD ${rddId}: ${String(error.cause)}; ` +
          "it stays on disk (check the directory's permissions, or delete it by hand)"
      )
    )
  )

/** Deletes one checkpoint directory; a failure is logged (the run goes on) and reported as `false`. */
const deleteCheckpointDir = (directory: string): Effect.Effect<boolean> =>
  Effect.tryPromise(() => fs.promises.rm(directory, { recursive: true, force: true })).pipe(
    Effect.as(true),
    Effect.catch((error) =>
      Effect.as(
        Effect.logWarning(
          `Could not delete the checkpoint directory ${directory} of a forgotten RDD: ${String(error.cause)}; ` +
            "it stays on disk (check the directory's permissions)"
        ),
        false
      )
    )
  )
