/**
 * How a block manager reads a block another executor holds, and uploads a
 * replica to a peer. In one process it is a registry of block managers;
 * between executors (worker threads or processes) blocks travel as bytes
 * relayed by the driver: an executor asks the driver, the driver asks the
 * executors that hold them and forwards their replies.
 *
 * Mirrors `org.apache.spark.network.BlockTransferService` (and its use by
 * `ShuffleBlockFetcherIterator` and block replication).
 *
 * @since 0.1.0
 */
import type { BlockManager } from "./BlockManager.js"
import * as BlockId from "./BlockId.js"
import type { BlockManagerId } from "./BlockManagerMaster.js"
import type * as StorageLevel from "./StorageLevel.js"

/**
 * Reads blocks from, and uploads blocks to, other block managers. Synchronous:
 * tasks call it from their per-record loops.
 *
 * Mirrors `org.apache.spark.network.BlockTransferService`.
 *
 * **Example**
 * ```ts
 * const bytes = transfer.fetchBlock(location, BlockId.rdd(0, 1))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockTransferService {
  readonly fetchBlock: (from: BlockManagerId, blockId: BlockId.BlockId) => Uint8Array | undefined
  readonly uploadBlock: (to: BlockManagerId, blockId: BlockId.BlockId, bytes: Uint8Array, level: StorageLevel.StorageLevel) => boolean
}

/**
 * Blocks as the relay carries them: name and serialized bytes.
 *
 * Mirrors the blocks of Spark's `FetchShuffleBlocks` / `OpenBlocks` replies.
 *
 * **Example**
 * ```ts
 * const blocks: NamedBlocks = [["rdd_0_1", bytes]]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type NamedBlocks = ReadonlyArray<readonly [string, Uint8Array]>

/**
 * A transfer service between block managers of one process.
 *
 * Mirrors Spark's in-process block fetches (`BlockManager.getLocalBytes` on a peer).
 *
 * **Example**
 * ```ts
 * const transfer = new LocalBlockTransferService()
 * transfer.register(new BlockManager({ id, master, transfer, maxMemory: 64 << 20, localDir }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class LocalBlockTransferService implements BlockTransferService {
  private readonly managers = new Map<string, BlockManager>()

  register(manager: BlockManager): void {
    this.managers.set(manager.id.executorId, manager)
  }

  unregister(executorId: string): void {
    this.managers.delete(executorId)
  }

  fetchBlock(from: BlockManagerId, blockId: BlockId.BlockId): Uint8Array | undefined {
    return this.managers.get(from.executorId)?.getLocalBytes(blockId)
  }

  uploadBlock(to: BlockManagerId, blockId: BlockId.BlockId, bytes: Uint8Array, level: StorageLevel.StorageLevel): boolean {
    const manager = this.managers.get(to.executorId)
    if (manager === undefined) return false
    return manager.putBytes(blockId, Buffer.from(bytes), { ...level, replication: 1 })
  }
}

/**
 * An executor's transfer service through the driver. Tasks run synchronously,
 * so the blocks a task reads elsewhere are fetched (`prefetch`) before it
 * starts and served from memory while it runs; replicas are sent to the
 * driver, which picks the peer.
 *
 * Mirrors an executor's `org.apache.spark.network.netty.NettyBlockTransferService`.
 *
 * **Example**
 * ```ts
 * const transfer = new RelayBlockTransferService({ fetch: (id, names) => send(...), replicate: (name, bytes, level) => send(...) })
 * await transfer.prefetch(["rdd_0_1"])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class RelayBlockTransferService implements BlockTransferService {
  /** Blocks fetched from other executors for the task running now. */
  private fetched = new Map<string, Uint8Array>()
  private requestIds = 0
  private readonly pending = new Map<number, (blocks: NamedBlocks) => void>()

  constructor(
    private readonly driver: {
      /** Asks the driver for blocks; it answers with `fetchResponse(requestId, ...)`. */
      readonly fetch: (requestId: number, names: ReadonlyArray<string>) => void
      readonly replicate: (name: string, bytes: Uint8Array, level: string) => void
    }
  ) {}

  /** Whether the block was fetched for the running task. */
  has(name: string): boolean {
    return this.fetched.has(name)
  }

  fetchBlock(_from: BlockManagerId, blockId: BlockId.BlockId): Uint8Array | undefined {
    return this.fetched.get(blockId.name)
  }

  uploadBlock(_to: BlockManagerId, blockId: BlockId.BlockId, bytes: Uint8Array, level: StorageLevel.StorageLevel): boolean {
    this.driver.replicate(blockId.name, new Uint8Array(bytes), level.name)
    return true
  }

  /** Fetches blocks for the next task (those no executor holds are left out). */
  prefetch(names: ReadonlyArray<string>): Promise<void> {
    const requestId = this.requestIds++
    return new Promise<NamedBlocks>((resolve) => {
      this.pending.set(requestId, resolve)
      this.driver.fetch(requestId, names)
    }).then((blocks) => {
      this.fetched = new Map(blocks)
    })
  }

  /** The driver's answer to a `fetch`. */
  fetchResponse(requestId: number, blocks: NamedBlocks): void {
    this.pending.get(requestId)?.(blocks)
    this.pending.delete(requestId)
  }

  /** The task ended: its fetched blocks are dropped. */
  release(): void {
    this.fetched = new Map()
  }
}

/**
 * The bytes of the blocks a block manager holds among `names` (an executor
 * answering the driver's request on behalf of another executor).
 *
 * Mirrors `org.apache.spark.network.netty.NettyBlockRpcServer` answering `OpenBlocks`.
 *
 * **Example**
 * ```ts
 * const blocks = localBlocks(blockManager, ["rdd_0_1", "shuffle_0_1_2"])
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const localBlocks = (blockManager: BlockManager, names: ReadonlyArray<string>): Array<readonly [string, Uint8Array]> => {
  const blocks: Array<readonly [string, Uint8Array]> = []
  for (const name of names) {
    const blockId = BlockId.parse(name)
    const bytes = blockId === undefined ? undefined : blockManager.getLocalBytes(blockId)
    // A view of larger memory (a receiver's read buffer, Node's pool) would carry all of it in a message: copy it out.
    if (bytes !== undefined) blocks.push([name, bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes)])
  }
  return blocks
}

/**
 * What the driver's relay needs of the cluster: where blocks are, which
 * executors are alive, and how to reach them.
 *
 * Mirrors what Spark's block transfer learns from `BlockManagerMaster`.
 *
 * **Example**
 * ```ts
 * const cluster: BlockRelayCluster = { locations: (id) => master.getLocations(id), ... }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockRelayCluster {
  readonly locations: (blockId: BlockId.BlockId) => ReadonlyArray<BlockManagerId>
  readonly isAlive: (executorId: string) => boolean
  /** Registered, alive executors other than `executorId` (replica targets). */
  readonly peersOf: (executorId: string) => ReadonlyArray<string>
  /** Asks an owner for blocks; its reply comes back through `reply(owner, relayId, ...)`. */
  readonly request: (owner: string, relayId: number, names: ReadonlyArray<string>) => void
  readonly respond: (requester: string, requestId: number, blocks: NamedBlocks) => void
  readonly putBlock: (peer: string, name: string, bytes: Uint8Array, level: string) => void
}

interface RelayedFetch {
  readonly requester: string
  readonly requestId: number
  readonly blocks: Array<readonly [string, Uint8Array]>
  /** Executors whose reply is still awaited. */
  readonly waiting: Set<string>
}

/**
 * The driver's side of block transfer between executors: gathers the blocks
 * an executor asks for from the executors that hold them, and picks the peer
 * of each replica. An executor lost mid-fetch counts as having answered
 * without its blocks (the task then recomputes or fails its fetch).
 *
 * Mirrors Spark's executor-to-executor block fetches and `BlockManager.replicate`'s peer choice, relayed by the driver.
 *
 * **Example**
 * ```ts
 * const relay = new BlockRelay(cluster)
 * relay.fetch("exec-0", 7, ["rdd_3_1"])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class BlockRelay {
  private readonly relayed = new Map<number, RelayedFetch>()
  private relayIds = 0
  private replicaTurn = 0

  constructor(private readonly cluster: BlockRelayCluster) {}

  /** Gathers blocks for one executor from the executors that hold them. */
  fetch(requester: string, requestId: number, names: ReadonlyArray<string>): void {
    const byOwner = new Map<string, Array<string>>()
    for (const name of names) {
      const blockId = BlockId.parse(name)
      if (blockId === undefined) continue
      const owner = this.cluster.locations(blockId).find((l) => l.executorId !== requester && this.cluster.isAlive(l.executorId))
      if (owner === undefined) continue
      const list = byOwner.get(owner.executorId)
      if (list === undefined) byOwner.set(owner.executorId, [name])
      else list.push(name)
    }
    const relayId = this.relayIds++
    const relay: RelayedFetch = { requester, requestId, blocks: [], waiting: new Set(byOwner.keys()) }
    this.relayed.set(relayId, relay)
    for (const [owner, ownerNames] of byOwner) this.cluster.request(owner, relayId, ownerNames)
    this.finish(relayId, relay)
  }

  /** An owner's answer to `request`. */
  reply(owner: string, relayId: number, blocks: NamedBlocks): void {
    const relay = this.relayed.get(relayId)
    if (relay === undefined) return
    relay.blocks.push(...blocks)
    relay.waiting.delete(owner)
    this.finish(relayId, relay)
  }

  /** Sends a replica to the next peer in turn. */
  replicate(from: string, name: string, bytes: Uint8Array, level: string): void {
    const peers = this.cluster.peersOf(from)
    if (peers.length === 0) return
    this.cluster.putBlock(peers[this.replicaTurn++ % peers.length]!, name, bytes, level)
  }

  /** An executor is gone: fetches that waited on it are answered without its blocks. */
  executorLost(executorId: string): void {
    for (const [relayId, relay] of this.relayed) {
      if (relay.waiting.delete(executorId)) this.finish(relayId, relay)
    }
  }

  private finish(relayId: number, relay: RelayedFetch): void {
    if (relay.waiting.size > 0) return
    this.relayed.delete(relayId)
    this.cluster.respond(relay.requester, relay.requestId, relay.blocks)
  }
}
