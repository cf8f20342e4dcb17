// The Storage page's side of the status store (Spark's LiveRDD and the
// executors' memory and disk of AppStatusListener): the persisted RDDs the
// stages named, each cached partition with the executors holding it, and
// what each executor holds of RDD and stream blocks. It holds only what is
// cached now: a removed block, an unpersisted RDD or a lost executor's
// blocks are forgotten, so its size follows the cluster's, not the run's length.
import type { BlockUpdatedInfo, RDDInfo, SparkListenerEvent } from "../../scheduler/SparkListener.js"
import { describeLevel, type RDDPartitionInfo, type RDDStorageInfo } from "../../status/api.js"
import { trimFinished } from "./retention.js"

interface LiveRDD {
  readonly id: number
  name: string
  numPartitions: number
  storageLevel: string
  /** Per block, per executor: its memory and disk sizes. */
  readonly blocks: Map<string, Map<string, { memSize: number; diskSize: number; level: string }>>
}

/** How much memory a block manager may use for blocks, as its `BlockManagerAdded` said. */
export interface BlockManagerMemory {
  readonly maxMemory: number
  readonly maxOnHeapMemory: number
  readonly maxOffHeapMemory: number
}

/** What an executor holds of cached blocks, as its summary shows. */
export interface ExecutorStorage {
  memoryUsed: number
  diskUsed: number
  rddBlocks: number
}

const RDD_BLOCK = /^rdd_(\d+)_\d+$/

/** How many persisted RDDs without a cached block are tracked (their names wait for their blocks). */
const MAX_UNCACHED_RDDS = 1000

export class StorageStatus {
  private readonly rdds = new Map<number, LiveRDD>()
  /** Each executor's stream blocks' sizes (Spark's StreamBlockData), for its totals. */
  private readonly streamBlocks = new Map<string, Map<string, { memSize: number; diskSize: number }>>()
  readonly executors = new Map<string, ExecutorStorage>()
  /** Each live block manager's memory, by executor (the driver's too): kept while it is registered. */
  readonly blockManagers = new Map<string, BlockManagerMemory>()

  /** A block manager registered (or registered again): its memory. */
  onBlockManagerAdded(event: Extract<SparkListenerEvent, { _tag: "BlockManagerAdded" }>): BlockManagerMemory {
    const memory: BlockManagerMemory = {
      maxMemory: event.maxMem,
      // Spark's older logs leave the split out: all of it is on the heap.
      maxOnHeapMemory: event.maxOnHeapMem ?? event.maxMem,
      maxOffHeapMemory: event.maxOffHeapMem ?? 0
    }
    this.blockManagers.set(event.blockManagerId.executorId, memory)
    return memory
  }

  onBlockManagerRemoved(executorId: string): void {
    this.blockManagers.delete(executorId)
  }

  /** A stage named its RDDs: the persisted ones are tracked (their names and partition counts). */
  onRddInfos(infos: ReadonlyArray<RDDInfo>): void {
    for (const info of infos) {
      const level = info.storageLevel
      if (!level.useMemory && !level.useDisk) continue
      const known = this.rdds.get(info.rddId)
      if (known !== undefined) {
        known.name = info.name
        known.numPartitions = info.numPartitions
        known.storageLevel = describeLevel(level)
        continue
      }
      this.rdds.set(info.rddId, {
        id: info.rddId,
        name: info.name,
        numPartitions: info.numPartitions,
        storageLevel: describeLevel(level),
        blocks: new Map()
      })
    }
    // Persisted RDDs that hold no block (never computed, or evicted) are forgotten past a bound, oldest first
    // (scanned only when there are more RDDs than that bound, not at every stage).
    if (this.rdds.size > MAX_UNCACHED_RDDS) trimFinished(this.rdds, (rdd) => rdd.blocks.size === 0, MAX_UNCACHED_RDDS)
  }

  private executor(executorId: string): ExecutorStorage {
    let storage = this.executors.get(executorId)
    if (storage === undefined) this.executors.set(executorId, storage = { memoryUsed: 0, diskUsed: 0, rddBlocks: 0 })
    return storage
  }

  onBlockUpdated(info: BlockUpdatedInfo): void {
    const keeps = info.memSize > 0 || info.diskSize > 0
    const match = RDD_BLOCK.exec(info.blockId)
    if (match === null) {
      // A stream block: only the executor's totals.
      let blocks = this.streamBlocks.get(info.executorId)
      const previous = blocks?.get(info.blockId)
      const storage = this.executor(info.executorId)
      storage.memoryUsed += info.memSize - (previous?.memSize ?? 0)
      storage.diskUsed += info.diskSize - (previous?.diskSize ?? 0)
      if (!keeps) {
        blocks?.delete(info.blockId)
        if (blocks?.size === 0) this.streamBlocks.delete(info.executorId)
        return
      }
      if (blocks === undefined) this.streamBlocks.set(info.executorId, blocks = new Map())
      blocks.set(info.blockId, { memSize: info.memSize, diskSize: info.diskSize })
      return
    }
    const rdd = this.rdds.get(Number(match[1]))
    if (rdd === undefined) return // not a persisted RDD a stage named (as Spark, which ignores it)
    let holders = rdd.blocks.get(info.blockId)
    const previous = holders?.get(info.executorId)
    const storage = this.executor(info.executorId)
    storage.memoryUsed += info.memSize - (previous?.memSize ?? 0)
    storage.diskUsed += info.diskSize - (previous?.diskSize ?? 0)
    if (!keeps) {
      if (previous !== undefined) storage.rddBlocks--
      holders?.delete(info.executorId)
      if (holders?.size === 0) rdd.blocks.delete(info.blockId)
      return
    }
    if (previous === undefined) storage.rddBlocks++
    if (holders === undefined) rdd.blocks.set(info.blockId, holders = new Map())
    holders.set(info.executorId, { memSize: info.memSize, diskSize: info.diskSize, level: describeLevel(info.storageLevel) })
  }

  onUnpersistRDD(rddId: number): void {
    const rdd = this.rdds.get(rddId)
    if (rdd === undefined) return
    for (const holders of rdd.blocks.values()) {
      for (const [executorId, block] of holders) {
        const storage = this.executor(executorId)
        storage.memoryUsed -= block.memSize
        storage.diskUsed -= block.diskSize
        storage.rddBlocks--
      }
    }
    this.rdds.delete(rddId)
  }

  /** A lost executor's blocks are gone with it. */
  onExecutorRemoved(executorId: string): void {
    for (const rdd of this.rdds.values()) {
      for (const [blockName, holders] of rdd.blocks) {
        holders.delete(executorId)
        if (holders.size === 0) rdd.blocks.delete(blockName)
      }
    }
    this.streamBlocks.delete(executorId)
    this.executors.delete(executorId)
    this.blockManagers.delete(executorId)
  }

  /** The cached RDDs (those with at least one cached partition), by id. */
  rddStorage(): Array<RDDStorageInfo> {
    const out: Array<RDDStorageInfo> = []
    for (const rdd of [...this.rdds.values()].sort((a, b) => a.id - b.id)) {
      if (rdd.blocks.size === 0) continue
      out.push(this.info(rdd))
    }
    return out
  }

  rdd(rddId: number): RDDStorageInfo | undefined {
    const rdd = this.rdds.get(rddId)
    return rdd === undefined ? undefined : this.info(rdd)
  }

  private info(rdd: LiveRDD): RDDStorageInfo {
    const partitions: Array<RDDPartitionInfo> = []
    let memoryUsed = 0
    let diskUsed = 0
    for (const [blockName, holders] of [...rdd.blocks].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      let mem = 0
      let disk = 0
      let level = rdd.storageLevel
      for (const block of holders.values()) {
        mem += block.memSize
        disk += block.diskSize
        level = block.level
      }
      memoryUsed += mem
      diskUsed += disk
      partitions.push({ blockName, storageLevel: level, memoryUsed: mem, diskUsed: disk, executors: [...holders.keys()].sort() })
    }
    return {
      id: rdd.id,
      name: rdd.name,
      numPartitions: rdd.numPartitions,
      numCachedPartitions: rdd.blocks.size,
      storageLevel: rdd.storageLevel,
      memoryUsed,
      diskUsed,
      partitions
    }
  }

  /** How many RDDs and blocks it holds (its bound follows what is cached). */
  sizes(): { readonly rdds: number; readonly blocks: number } {
    let blocks = 0
    for (const rdd of this.rdds.values()) blocks += rdd.blocks.size
    for (const stream of this.streamBlocks.values()) blocks += stream.size
    return { rdds: this.rdds.size, blocks }
  }
}
