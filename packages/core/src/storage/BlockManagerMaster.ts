/**
 * The driver's registry of block managers and of where every block lives.
 *
 * Mirrors `org.apache.spark.storage.BlockManagerMaster` (and its endpoint).
 *
 * @since 0.1.0
 */
import { type Clock, Context, Effect, Layer } from "effect"
import { BlockGroups, rddGroup, shuffleGroup } from "../internal/storage/blockGroups.js"
import type { BlockUpdatedInfo, SparkListenerEvent } from "../scheduler/SparkListener.js"
import type * as BlockId from "./BlockId.js"
import type { StorageLevel } from "./StorageLevel.js"

/**
 * Identifies one executor's block manager.
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockManagerId {
  readonly executorId: string
  readonly host: string
  readonly port: number
}

/**
 * What one block manager holds of one block.
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockStatus {
  readonly level: StorageLevel
  readonly memSize: number
  readonly diskSize: number
}

/**
 * The commands the master sends to a registered block manager.
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockManagerEndpoint {
  readonly id: BlockManagerId
  /** Bytes of memory the block manager may use for blocks (its `BlockManagerAdded` event's `maxMem`). */
  readonly maxMemory: number
  readonly removeBlock: (blockId: BlockId.BlockId) => void
  readonly removeRdd: (rddId: number) => number
  readonly removeShuffle: (shuffleId: number) => void
}

/**
 * The registry. Block managers report every change of a block's status; the
 * schedulers ask it where cached partitions are.
 *
 * **Example**
 * ```ts
 * const master = new BlockManagerMaster()
 * master.getLocations(BlockId.rdd(0, 0)) // []
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class BlockManagerMaster {
  /**
   * Where block updates and unpersisted RDDs are posted (the context's
   * listener bus, set when it is wired): the Storage page's source. Only RDD
   * and stream blocks are posted, as Spark's master sees them; shuffle blocks,
   * which Spark writes as files it never reports, are not.
   */
  private bus: { readonly post: (event: SparkListenerEvent) => void } | undefined = undefined
  private readonly managers = new Map<string, BlockManagerEndpoint>()
  /** When each registered block manager registered, ms: its `BlockManagerAdded` time, even when posted later. */
  private readonly registeredAt = new Map<string, number>()

  /** `now` gives the events' times (ms; the layer reads Effect's Clock). */
  constructor(private readonly now: () => number = Date.now) {}

  get listenerBus(): { readonly post: (event: SparkListenerEvent) => void } | undefined {
    return this.bus
  }

  /**
   * Wires the bus. The block managers that registered before (the driver's,
   * built with the context's environment) are announced now, as Spark's
   * listener bus holds the driver's `BlockManagerAdded` until it starts.
   */
  set listenerBus(bus: { readonly post: (event: SparkListenerEvent) => void } | undefined) {
    this.bus = bus
    for (const endpoint of this.managers.values()) this.postAdded(endpoint)
  }
  private readonly blockLocations = new Map<string, Map<string, BlockStatus>>()
  /** The known blocks by RDD and shuffle, so removing one costs its blocks, not a scan of all. */
  private readonly groups = new BlockGroups()

  /** Registers (or re-registers) an executor's block manager. */
  register(endpoint: BlockManagerEndpoint): void {
    this.managers.set(endpoint.id.executorId, endpoint)
    this.registeredAt.set(endpoint.id.executorId, this.now())
    this.postAdded(endpoint)
  }

  /** As Spark's master endpoint: a block manager's registration tells listeners how much memory it has. */
  private postAdded(endpoint: BlockManagerEndpoint): void {
    // The on-heap pool is all of it: block stores here live in the JavaScript heap, none off it.
    this.bus?.post({
      _tag: "BlockManagerAdded",
      time: this.registeredAt.get(endpoint.id.executorId) ?? this.now(),
      blockManagerId: endpoint.id,
      maxMem: endpoint.maxMemory,
      maxOnHeapMem: endpoint.maxMemory,
      maxOffHeapMem: 0
    })
  }

  /** Records a block's new status on one executor; a status that keeps nothing removes the location. */
  updateBlockInfo(id: BlockManagerId, blockId: BlockId.BlockId, status: BlockStatus): void {
    if (this.listenerBus !== undefined && (blockId._tag === "RDDBlockId" || blockId._tag === "StreamBlockId")) {
      this.listenerBus.post({ _tag: "BlockUpdated", blockUpdatedInfo: blockUpdatedInfo(id, blockId, status) })
    }
    let locations = this.blockLocations.get(blockId.name)
    const keeps = status.memSize > 0 || status.diskSize > 0
    if (!keeps) {
      locations?.delete(id.executorId)
      if (locations?.size === 0) this.forgetBlock(blockId.name)
      return
    }
    if (locations === undefined) {
      locations = new Map()
      this.blockLocations.set(blockId.name, locations)
      this.groups.add(blockId.name)
    }
    locations.set(id.executorId, status)
  }

  /** Where a block lives, on registered executors. */
  getLocations(blockId: BlockId.BlockId): Array<BlockManagerId> {
    const locations = this.blockLocations.get(blockId.name)
    if (locations === undefined) return []
    const result: Array<BlockManagerId> = []
    for (const executorId of locations.keys()) {
      const endpoint = this.managers.get(executorId)
      if (endpoint !== undefined) result.push(endpoint.id)
    }
    return result
  }

  /** The status of a block on each executor that holds it. */
  getBlockStatus(blockId: BlockId.BlockId): ReadonlyMap<string, BlockStatus> {
    return this.blockLocations.get(blockId.name) ?? new Map()
  }

  /** Every other registered block manager: candidates for replicas. */
  getPeers(id: BlockManagerId): Array<BlockManagerId> {
    return [...this.managers.values()].map((m) => m.id).filter((peer) => peer.executorId !== id.executorId)
  }

  /** Removes a block everywhere. */
  removeBlock(blockId: BlockId.BlockId): void {
    const locations = this.blockLocations.get(blockId.name)
    if (locations === undefined) return
    for (const executorId of [...locations.keys()]) this.managers.get(executorId)?.removeBlock(blockId)
    this.forgetBlock(blockId.name)
  }

  /** Removes every cached partition of an RDD; returns how many blocks were removed. */
  removeRdd(rddId: number): number {
    // Spark's SparkContext.unpersistRDD posts this; here both unpersist and the cleaner come through the master.
    this.listenerBus?.post({ _tag: "UnpersistRDD", rddId })
    let removed = 0
    for (const endpoint of this.managers.values()) removed += endpoint.removeRdd(rddId)
    for (const name of this.groups.namesOf(rddGroup(rddId))) this.forgetBlock(name)
    return removed
  }

  /** Removes every block of a shuffle. */
  removeShuffle(shuffleId: number): void {
    for (const endpoint of this.managers.values()) endpoint.removeShuffle(shuffleId)
    for (const name of this.groups.namesOf(shuffleGroup(shuffleId))) this.forgetBlock(name)
  }

  /** Forgets a lost executor and every block location on it. */
  removeExecutor(executorId: string): void {
    const endpoint = this.managers.get(executorId)
    this.managers.delete(executorId)
    this.registeredAt.delete(executorId)
    if (endpoint !== undefined) this.bus?.post({ _tag: "BlockManagerRemoved", time: this.now(), blockManagerId: endpoint.id })
    for (const [name, locations] of this.blockLocations) {
      locations.delete(executorId)
      if (locations.size === 0) this.forgetBlock(name)
    }
  }

  private forgetBlock(name: string): void {
    this.blockLocations.delete(name)
    this.groups.delete(name)
  }

  /** How many blocks the master knows a location of (a figure to watch in long runs). */
  get blockCount(): number {
    return this.blockLocations.size
  }

  /** The registered block managers. */
  get blockManagers(): Array<BlockManagerId> {
    return [...this.managers.values()].map((m) => m.id)
  }
}

const blockUpdatedInfo = (id: BlockManagerId, blockId: BlockId.BlockId, status: BlockStatus): BlockUpdatedInfo => ({
  executorId: id.executorId,
  host: id.host,
  blockId: blockId.name,
  storageLevel: {
    useDisk: status.level.useDisk,
    useMemory: status.level.useMemory,
    deserialized: status.level.deserialized,
    replication: status.level.replication
  },
  memSize: status.memSize,
  diskSize: status.diskSize
})

/**
 * The driver's block manager master, as a service: every block manager
 * registers with it and the schedulers ask it where blocks live.
 *
 * Mirrors `org.apache.spark.storage.BlockManagerMasterEndpoint`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const master = yield* BlockManagerMaster.BlockManagerMasterEndpoint
 *   return master.blockManagers
 * }).pipe(Effect.provide(BlockManagerMaster.layer))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class BlockManagerMasterEndpoint
  extends Context.Service<BlockManagerMasterEndpoint, BlockManagerMaster>()("@tspark/core/storage/BlockManagerMaster")
{}

/**
 * A fresh master with no block managers.
 *
 * Mirrors `org.apache.spark.storage.BlockManagerMasterEndpoint`.
 *
 * **Example**
 * ```ts
 * const program = Effect.provide(useTheMaster, BlockManagerMaster.layer)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<BlockManagerMasterEndpoint> = Layer.effect(
  BlockManagerMasterEndpoint,
  Effect.clockWith((clock: Clock.Clock) => Effect.sync(() => new BlockManagerMaster(() => clock.currentTimeMillisUnsafe())))
)
