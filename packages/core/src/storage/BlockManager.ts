/**
 * An executor's block store: cached RDD partitions, shuffle outputs,
 * broadcast values and received stream blocks, in memory and on disk.
 *
 * Mirrors `org.apache.spark.storage.BlockManager`.
 *
 * The methods are synchronous because tasks call them from inside their
 * per-record loops.
 *
 * @since 0.1.0
 */
import { DiskStore } from "../internal/storage/diskStore.js"
import { rddGroup, shuffleGroup } from "../internal/storage/blockGroups.js"
import { type MemoryEntry, MemoryStore, ownerOf } from "../internal/storage/memoryStore.js"
import { ArrayIterator } from "../internal/rdd/iterators.js"
import { deserialize, deserializeIterator, serialize } from "../internal/storage/serializer.js"
import * as BlockId from "./BlockId.js"
import type { BlockManagerEndpoint, BlockManagerId, BlockStatus } from "./BlockManagerMaster.js"
import type { BlockTransferService } from "./BlockTransferService.js"
import * as StorageLevel from "./StorageLevel.js"

/**
 * What a block manager needs of the master: the driver's `BlockManagerMaster`
 * itself in this process, or a proxy that talks to it from an executor.
 *
 * Mirrors the part of `org.apache.spark.storage.BlockManagerMaster` a `BlockManager` calls.
 *
 * **Example**
 * ```ts
 * const master: BlockManagerMasterLike = new BlockManagerMaster()
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockManagerMasterLike {
  readonly register: (endpoint: BlockManagerEndpoint) => void
  readonly updateBlockInfo: (id: BlockManagerId, blockId: BlockId.BlockId, status: BlockStatus) => void
  readonly getLocations: (blockId: BlockId.BlockId) => Array<BlockManagerId>
  readonly getPeers: (id: BlockManagerId) => Array<BlockManagerId>
}

/**
 * Options of a block manager.
 *
 * Mirrors the constructor parameters of `org.apache.spark.storage.BlockManager`.
 *
 * **Example**
 * ```ts
 * const options: BlockManagerOptions = { id, master, transfer, maxMemory: 64 << 20, localDir }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockManagerOptions {
  readonly id: BlockManagerId
  readonly master: BlockManagerMasterLike
  readonly transfer: BlockTransferService
  /** Bytes of memory for blocks; beyond it, least recently used blocks are evicted or spilled. */
  readonly maxMemory: number
  /** The directory of the disk store (created; removed on `stop`). */
  readonly localDir: string
}

/**
 * One executor's block manager.
 *
 * Mirrors `org.apache.spark.storage.BlockManager`.
 *
 * **Example**
 * ```ts
 * const bm = new BlockManager({ id, master, transfer, maxMemory: 64 << 20, localDir })
 * bm.putValues(BlockId.rdd(0, 0), [1, 2, 3], StorageLevel.MEMORY_ONLY)
 * bm.getValues(BlockId.rdd(0, 0)) // [1, 2, 3]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class BlockManager {
  readonly id: BlockManagerId
  private readonly master: BlockManagerMasterLike
  private readonly transfer: BlockTransferService
  private readonly memory: MemoryStore
  private readonly disk: DiskStore
  private readonly levels = new Map<string, StorageLevel.StorageLevel>()

  constructor(options: BlockManagerOptions) {
    this.id = options.id
    this.master = options.master
    this.transfer = options.transfer
    this.disk = new DiskStore(options.localDir)
    this.memory = new MemoryStore(options.maxMemory, (name, entry) => this.dropFromMemory(name, entry))
    this.master.register({
      id: this.id,
      maxMemory: options.maxMemory,
      removeBlock: (blockId) => this.removeBlock(blockId, false),
      removeRdd: (rddId) => this.removeRdd(rddId),
      removeShuffle: (shuffleId) => this.removeShuffle(shuffleId)
    })
  }

  /** Bytes of memory blocks may use (beyond it, blocks are evicted or spilled). */
  get maxMemory(): number {
    return this.memory.maxMemory
  }

  /** Bytes of memory in use by blocks. */
  get memoryUsed(): number {
    return this.memory.memoryUsed
  }

  /**
   * Stores a block of records at a level. Returns whether it was stored
   * (a block larger than memory with a memory-only level is not).
   */
  putValues(blockId: BlockId.BlockId, values: ReadonlyArray<unknown>, level: StorageLevel.StorageLevel): boolean {
    const name = blockId.name
    let stored = false
    let bytes: Buffer | undefined
    if (level.useMemory) {
      if (level.deserialized) {
        stored = this.memory.putValues(name, values, ownerOf(name)) !== undefined
      } else {
        bytes = serialize(values)
        stored = this.memory.putBytes(name, bytes, ownerOf(name)) !== undefined
      }
    }
    if (!stored && level.useDisk) {
      this.disk.put(name, bytes ?? serialize(values))
      stored = true
    }
    if (!stored) return false
    this.levels.set(name, level)
    this.reportBlockStatus(blockId)
    if (level.replication > 1) this.replicate(blockId, bytes ?? serialize(values), level)
    return true
  }

  /** Stores a block given as serialized bytes. */
  putBytes(blockId: BlockId.BlockId, bytes: Buffer, level: StorageLevel.StorageLevel): boolean {
    const name = blockId.name
    let stored = false
    if (level.useMemory) {
      stored = level.deserialized
        ? this.memory.putValues(name, deserialize<Array<unknown>>(bytes), ownerOf(name)) !== undefined
        : this.memory.putBytes(name, bytes, ownerOf(name)) !== undefined
    }
    if (!stored && level.useDisk) {
      this.disk.put(name, bytes)
      stored = true
    }
    if (!stored) return false
    this.levels.set(name, level)
    this.reportBlockStatus(blockId)
    if (level.replication > 1) this.replicate(blockId, bytes, level)
    return true
  }

  /** The block's records when this executor holds it. */
  getLocalValues<A>(blockId: BlockId.BlockId): ReadonlyArray<A> | undefined {
    const entry = this.localEntry(blockId)
    if (entry === undefined) return undefined
    return entry.kind === "values" ? entry.values as ReadonlyArray<A> : deserialize<Array<A>>(entry.bytes)
  }

  /** The block as this executor holds it (objects or bytes); a block whose disk file is gone is forgotten. */
  private localEntry(blockId: BlockId.BlockId): MemoryEntry | { readonly kind: "bytes"; readonly bytes: Uint8Array } | undefined {
    const entry = this.memory.get(blockId.name)
    if (entry !== undefined) return entry
    const bytes = this.disk.get(blockId.name)
    if (bytes !== undefined) return { kind: "bytes", bytes }
    if (this.levels.has(blockId.name)) this.forget(blockId)
    return undefined
  }

  /** The block's serialized bytes when this executor holds it. */
  getLocalBytes(blockId: BlockId.BlockId): Uint8Array | undefined {
    const entry = this.memory.get(blockId.name)
    if (entry !== undefined) return entry.kind === "bytes" ? entry.bytes : serialize(entry.values)
    return this.disk.get(blockId.name)
  }

  /** The block's records from this executor, else from another that holds it. */
  getValues<A>(blockId: BlockId.BlockId): ReadonlyArray<A> | undefined {
    const local = this.getLocalValues<A>(blockId)
    if (local !== undefined) return local
    return this.getRemoteValues(blockId)
  }

  /**
   * The block's records one at a time, from this executor or another: a
   * serialized block is read as it is iterated where its form allows (a line
   * block streams), so a task never holds all of a large block's records.
   * Mirrors `BlockManager.get`, whose result is an iterator.
   */
  getIterator<A>(blockId: BlockId.BlockId): Iterator<A> | undefined {
    const entry = this.localEntry(blockId)
    if (entry?.kind === "values") return new ArrayIterator(entry.values as ReadonlyArray<A>)
    const bytes = entry?.bytes ?? this.getRemoteBytes(blockId)
    return bytes === undefined ? undefined : deserializeIterator(bytes)
  }

  /** The block's serialized bytes from another executor that holds it (the shuffle reader counts them). */
  getRemoteBytes(blockId: BlockId.BlockId): Uint8Array | undefined {
    for (const location of this.master.getLocations(blockId)) {
      if (location.executorId === this.id.executorId) continue
      const bytes = this.transfer.fetchBlock(location, blockId)
      if (bytes !== undefined) return bytes
    }
    return undefined
  }

  /** The block's records from another executor. */
  getRemoteValues<A>(blockId: BlockId.BlockId): ReadonlyArray<A> | undefined {
    const bytes = this.getRemoteBytes(blockId)
    return bytes === undefined ? undefined : deserialize<Array<A>>(bytes)
  }

  /**
   * The cached block, or computes it, stores it at `level` and returns it.
   * Mirrors `BlockManager.getOrElseUpdate`, the path of `RDD.iterator` for
   * persisted RDDs.
   */
  getOrElseUpdate<A>(
    blockId: BlockId.BlockId,
    level: StorageLevel.StorageLevel,
    compute: () => Iterable<A>
  ): ReadonlyArray<A> {
    const cached = this.getValues<A>(blockId)
    if (cached !== undefined) return cached
    const computed = compute()
    const values = Array.isArray(computed) ? computed as ReadonlyArray<A> : Array.from(computed)
    this.putValues(blockId, values, level)
    return values
  }

  /** Whether this executor holds the block. */
  contains(blockId: BlockId.BlockId): boolean {
    return this.memory.contains(blockId.name) || this.disk.contains(blockId.name)
  }

  /** This executor's status of a block. */
  getStatus(blockId: BlockId.BlockId): BlockStatus | undefined {
    const level = this.levels.get(blockId.name)
    if (level === undefined) return undefined
    return this.statusOf(blockId.name, level)
  }

  /** Removes a block from this executor. */
  removeBlock(blockId: BlockId.BlockId, tellMaster = true): boolean {
    const name = blockId.name
    const removed = this.memory.remove(name) || this.disk.remove(name)
    this.disk.remove(name)
    this.levels.delete(name)
    if (tellMaster) this.master.updateBlockInfo(this.id, blockId, { level: StorageLevel.NONE, memSize: 0, diskSize: 0 })
    return removed
  }

  /** Removes every block of an RDD; returns how many. Costs the blocks removed (an index per RDD), not a scan. */
  removeRdd(rddId: number): number {
    let removed = 0
    for (const name of this.blockNamesOf(rddGroup(rddId))) {
      const id = BlockId.parse(name)
      if (id !== undefined && this.removeBlock(id)) removed++
    }
    return removed
  }

  /** Removes every block of a shuffle. Costs the blocks removed (an index per shuffle), not a scan. */
  removeShuffle(shuffleId: number): void {
    for (const name of this.blockNamesOf(shuffleGroup(shuffleId))) {
      const id = BlockId.parse(name)
      if (id !== undefined) this.removeBlock(id)
    }
  }

  private blockNamesOf(group: string): Array<string> {
    const inMemory = this.memory.blockNamesOf(group)
    const onDisk = this.disk.blockNamesOf(group)
    return onDisk.length === 0 ? inMemory : [...new Set([...inMemory, ...onDisk])]
  }

  /** Names of every block this executor holds. */
  blockNames(): Array<string> {
    return [...new Set([...this.memory.blockNames(), ...this.disk.blockNames()])]
  }

  /** Drops every block and deletes the disk store's directory. */
  stop(): void {
    this.memory.clear()
    this.disk.clear()
    this.levels.clear()
  }

  private statusOf(name: string, level: StorageLevel.StorageLevel): BlockStatus {
    const memEntry = this.memory.contains(name) ? this.memory.get(name) : undefined
    return { level, memSize: memEntry?.size ?? 0, diskSize: this.disk.size(name) }
  }

  private reportBlockStatus(blockId: BlockId.BlockId): void {
    const level = this.levels.get(blockId.name) ?? StorageLevel.NONE
    this.master.updateBlockInfo(this.id, blockId, this.statusOf(blockId.name, level))
  }

  private forget(blockId: BlockId.BlockId): void {
    this.levels.delete(blockId.name)
    this.master.updateBlockInfo(this.id, blockId, { level: StorageLevel.NONE, memSize: 0, diskSize: 0 })
  }

  /** Eviction: spill to disk when the level allows, else drop (lineage recomputes it). */
  private dropFromMemory(name: string, entry: MemoryEntry): void {
    const level = this.levels.get(name)
    const blockId = BlockId.parse(name) ?? BlockId.test(name)
    if (level?.useDisk && !this.disk.contains(name)) {
      this.disk.put(name, entry.kind === "bytes" ? entry.bytes : serialize(entry.values))
    }
    if (!this.disk.contains(name)) this.levels.delete(name)
    this.master.updateBlockInfo(this.id, blockId, this.statusOf(name, level ?? StorageLevel.NONE))
  }

  private replicate(blockId: BlockId.BlockId, bytes: Buffer, level: StorageLevel.StorageLevel): void {
    let copies = 1
    for (const peer of this.master.getPeers(this.id)) {
      if (copies >= level.replication) break
      if (this.transfer.uploadBlock(peer, blockId, bytes, level)) copies++
    }
  }
}

/**
 * A block of records in the serialized form block managers store and ship
 * (V8's structured-clone format): what a receiver writes to its write-ahead
 * log, so that the log holds exactly the bytes the block manager holds.
 *
 * Mirrors `SerializerManager.dataSerialize`.
 *
 * **Example**
 * ```ts
 * const bytes = BlockManager.serializeValues(["a", "b"])
 * [...BlockManager.deserializeValues(bytes)] // ["a", "b"]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const serializeValues = (values: ReadonlyArray<unknown>): Buffer => serialize(values)

/**
 * The records of a serialized block, one at a time, whichever form it has:
 * a line block (`LineBlock`) or V8's form (`serializeValues`).
 *
 * Mirrors `SerializerManager.dataDeserializeStream`.
 *
 * **Example**
 * ```ts
 * const lines = [...BlockManager.deserializeValues<string>(Buffer.from("\na\nb\n"))] // ["a", "b"]
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const deserializeValues = <A>(bytes: Uint8Array): Iterator<A> => deserializeIterator<A>(bytes)
