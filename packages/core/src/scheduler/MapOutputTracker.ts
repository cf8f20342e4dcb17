/**
 * The driver's record of where each map task's shuffle output lives.
 *
 * Mirrors `org.apache.spark.MapOutputTrackerMaster`.
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import type { BlockManagerId } from "../storage/BlockManagerMaster.js"

/**
 * What a finished map task reports: where its output is and how many records
 * it wrote for each reduce partition.
 *
 * Mirrors `org.apache.spark.scheduler.MapStatus`.
 *
 * @category models
 * @since 0.1.0
 */
export interface MapStatus {
  readonly location: BlockManagerId
  readonly mapId: number
  readonly sizes: ReadonlyArray<number>
}

/**
 * One map output a reduce task must fetch.
 *
 * @category models
 * @since 0.1.0
 */
export interface MapOutputLocation {
  readonly location: BlockManagerId
  readonly mapId: number
  readonly size: number
}

/**
 * The tracker. Shuffles are registered with their number of map partitions;
 * map outputs are registered as map tasks finish and unregistered when lost.
 *
 * **Example**
 * ```ts
 * const tracker = new MapOutputTracker()
 * tracker.registerShuffle(0, 2)
 * tracker.numAvailableOutputs(0) // 0
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class MapOutputTracker {
  private readonly shuffles = new Map<number, Array<MapStatus | undefined>>()
  /** Each shuffle's statuses version: a number never given before, set whenever they change. */
  private readonly versions = new Map<number, number>()
  private versionCounter = 0
  private epochCounter = 0

  /** Increases whenever outputs are lost, so executors know their view is stale. */
  get epoch(): number {
    return this.epochCounter
  }

  /**
   * The version of a shuffle's statuses (`undefined`: not registered). It
   * changes whenever they do (an output registered or lost, the shuffle
   * registered again), so the driver sends an executor a shuffle's statuses
   * only when they changed since it last did (Spark's `MapOutputTrackerWorker` cache).
   */
  statusesVersion(shuffleId: number): number | undefined {
    return this.versions.get(shuffleId)
  }

  private changed(shuffleId: number): void {
    this.versions.set(shuffleId, ++this.versionCounter)
  }

  registerShuffle(shuffleId: number, numMaps: number): void {
    if (this.shuffles.has(shuffleId)) return
    this.shuffles.set(shuffleId, new Array(numMaps).fill(undefined))
    this.changed(shuffleId)
  }

  containsShuffle(shuffleId: number): boolean {
    return this.shuffles.has(shuffleId)
  }

  registerMapOutput(shuffleId: number, mapId: number, status: MapStatus): void {
    const statuses = this.shuffles.get(shuffleId)
    if (statuses === undefined) return
    statuses[mapId] = status
    this.changed(shuffleId)
  }

  unregisterMapOutput(shuffleId: number, mapId: number): void {
    const statuses = this.shuffles.get(shuffleId)
    if (statuses?.[mapId] !== undefined) {
      statuses[mapId] = undefined
      this.epochCounter++
      this.changed(shuffleId)
    }
  }

  /** Forgets every output held by a lost executor. */
  removeOutputsOnExecutor(executorId: string): void {
    for (const [shuffleId, statuses] of this.shuffles) {
      for (let i = 0; i < statuses.length; i++) {
        if (statuses[i]?.location.executorId === executorId) {
          statuses[i] = undefined
          this.epochCounter++
          this.changed(shuffleId)
        }
      }
    }
  }

  /** Every map output of a shuffle by map id (`undefined`: missing), for executors elsewhere. */
  getStatuses(shuffleId: number): ReadonlyArray<MapStatus | undefined> | undefined {
    return this.shuffles.get(shuffleId)
  }

  /** How many shuffles are registered (a figure to watch in long runs). */
  get shuffleCount(): number {
    return this.shuffles.size
  }

  unregisterShuffle(shuffleId: number): void {
    this.shuffles.delete(shuffleId)
    this.versions.delete(shuffleId)
  }

  numAvailableOutputs(shuffleId: number): number {
    return this.shuffles.get(shuffleId)?.filter((s) => s !== undefined).length ?? 0
  }

  /** Map partitions whose output is missing. */
  findMissingPartitions(shuffleId: number): Array<number> {
    const statuses = this.shuffles.get(shuffleId)
    if (statuses === undefined) return []
    const missing: Array<number> = []
    for (let i = 0; i < statuses.length; i++) if (statuses[i] === undefined) missing.push(i)
    return missing
  }

  /**
   * The outputs a reduce partition must fetch; `undefined` entries are lost
   * outputs, which the reader reports as a fetch failure.
   */
  getMapSizes(
    shuffleId: number,
    reduceId: number
  ): Array<MapOutputLocation | { readonly mapId: number; readonly location: undefined }> | undefined {
    const statuses = this.shuffles.get(shuffleId)
    if (statuses === undefined) return undefined
    return statuses.map((status, mapId) =>
      status === undefined
        ? { mapId, location: undefined }
        : { location: status.location, mapId, size: status.sizes[reduceId] ?? 0 }
    )
  }
}

/**
 * The driver's map output tracker, as a service: the DAG scheduler registers
 * map outputs in it, the backends and the context cleaner read and drop them.
 *
 * Mirrors `org.apache.spark.MapOutputTrackerMaster`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const tracker = yield* MapOutputTracker.MapOutputTrackerMaster
 *   tracker.registerShuffle(0, 2)
 * }).pipe(Effect.provide(MapOutputTracker.layer))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class MapOutputTrackerMaster
  extends Context.Service<MapOutputTrackerMaster, MapOutputTracker>()("@tspark/core/scheduler/MapOutputTracker")
{}

/**
 * A fresh, empty tracker.
 *
 * Mirrors `org.apache.spark.MapOutputTrackerMaster`.
 *
 * **Example**
 * ```ts
 * const program = Effect.provide(useTheTracker, MapOutputTracker.layer)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<MapOutputTrackerMaster> = Layer.sync(MapOutputTrackerMaster, () => new MapOutputTracker())
