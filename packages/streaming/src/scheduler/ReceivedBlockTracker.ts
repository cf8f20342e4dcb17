/**
 * The driver's record of received blocks: per-stream queues of blocks not yet
 * given to a batch, and the blocks each batch was given.
 *
 * Every change is one `ReceivedBlockTrackerLogEvent` (a block added, a batch
 * allocated, old batches cleaned). Without an event log the tracker applies
 * each event at once. The write-ahead-log seam: give an `eventLog` whose
 * `write` makes the event durable first (a change whose event is not written
 * is not applied, as Spark's), and replay a log's events with `recover` after
 * a crash. A log whose writes are Effects can use the two halves directly:
 * `allocationFor(time)` / `cleanupFor(time)` build the event, the caller
 * writes it, then `applyEvent` applies it. With
 * `spark.streaming.receiver.writeAheadLog.enable`, the streaming context
 * writes every event to `<checkpointDir>/receivedBlockMetadata` this way
 * and, restarting from a checkpoint, rebuilds the tracker with `recover`.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceivedBlockTracker`.
 *
 * @since 0.1.0
 */
import type { ReceivedBlockInfo } from "./ReceivedBlockInfo.js"

/**
 * One change of the tracker's state, as data (what a write-ahead log stores).
 *
 * Mirrors `BlockAdditionEvent`, `BatchAllocationEvent` and `BatchCleanupEvent`.
 *
 * **Example**
 * ```ts
 * const event: ReceivedBlockTracker.ReceivedBlockTrackerLogEvent = { _tag: "BatchCleanup", times: [1000, 2000] }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ReceivedBlockTrackerLogEvent =
  | { readonly _tag: "BlockAddition"; readonly info: ReceivedBlockInfo }
  | {
    readonly _tag: "BatchAllocation"
    readonly time: number
    /** Every registered stream, with the blocks (possibly none) the batch took from it. */
    readonly blocks: ReadonlyMap<number, ReadonlyArray<ReceivedBlockInfo>>
  }
  | { readonly _tag: "BatchCleanup"; readonly times: ReadonlyArray<number> }

/**
 * Where events go before they are applied, for a log whose writes are
 * synchronous (the streaming context's own durable log, used with the
 * receiver write-ahead log on, writes Effects and uses the split halves
 * instead). `write` returns whether the event is stored; `false` (or a
 * throw) leaves the tracker unchanged.
 *
 * Mirrors `ReceivedBlockTracker.writeToLog`.
 *
 * **Example**
 * ```ts
 * const events: Array<ReceivedBlockTracker.ReceivedBlockTrackerLogEvent> = []
 * const eventLog: ReceivedBlockTracker.ReceivedBlockEventLog = { write: (e) => (events.push(e), true) }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReceivedBlockEventLog {
  readonly write: (event: ReceivedBlockTrackerLogEvent) => boolean
}

/**
 * The tracker of one streaming context, for the receiver input streams
 * `streamIds`.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceivedBlockTracker`.
 *
 * **Example**
 * ```ts
 * const tracker = new ReceivedBlockTracker([0])
 * tracker.addBlock({ streamId: 0, numRecords: 3, blockId: "input-0-1", executorId: "1", host: "localhost" })
 * tracker.allocateBlocksToBatch(1000)
 * tracker.getBlocksOfBatchAndStream(1000, 0).length // 1
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class ReceivedBlockTracker {
  readonly streamIds: ReadonlyArray<number>
  private readonly unallocated = new Map<number, Array<ReceivedBlockInfo>>()
  private readonly timeToAllocatedBlocks = new Map<number, ReadonlyMap<number, ReadonlyArray<ReceivedBlockInfo>>>()
  private lastAllocated: number | undefined = undefined

  constructor(streamIds: Iterable<number>, private readonly eventLog?: ReceivedBlockEventLog) {
    this.streamIds = [...new Set(streamIds)]
    for (const id of this.streamIds) this.unallocated.set(id, [])
  }

  /** The time of the last batch given blocks (`undefined` before the first). */
  get lastAllocatedBatchTime(): number | undefined {
    return this.lastAllocated
  }

  /** How many batches are remembered (allocated and not yet cleaned up). */
  get allocatedBatchCount(): number {
    return this.timeToAllocatedBlocks.size
  }

  /**
   * Queues a reported block for the next batch. `false` when its stream is not
   * one of `streamIds` (it could never be allocated) or the event log refused it.
   */
  addBlock(info: ReceivedBlockInfo): boolean {
    if (!this.unallocated.has(info.streamId)) return false
    return this.logAndApply({ _tag: "BlockAddition", info })
  }

  /**
   * Gives every unallocated block of every stream to the batch at `batchTime`.
   * Only a time after the last allocated one allocates; an earlier or equal
   * time (a batch re-run after recovery) is left as it is, quietly, as Spark's.
   * Returns whether this call allocated.
   */
  allocateBlocksToBatch(batchTime: number): boolean {
    const event = this.allocationFor(batchTime)
    return event !== undefined && this.logAndApply(event)
  }

  /** The blocks of each stream allocated to the batch (empty when none was). */
  getBlocksOfBatch(batchTime: number): ReadonlyMap<number, ReadonlyArray<ReceivedBlockInfo>> {
    return this.timeToAllocatedBlocks.get(batchTime) ?? new Map()
  }

  /** The blocks of one stream allocated to the batch. */
  getBlocksOfBatchAndStream(batchTime: number, streamId: number): ReadonlyArray<ReceivedBlockInfo> {
    return this.timeToAllocatedBlocks.get(batchTime)?.get(streamId) ?? []
  }

  /** Whether any stream has blocks waiting for a batch. */
  get hasUnallocatedReceivedBlocks(): boolean {
    for (const queue of this.unallocated.values()) if (queue.length > 0) return true
    return false
  }

  /** The blocks of a stream waiting for a batch, oldest first. */
  getUnallocatedBlocks(streamId: number): ReadonlyArray<ReceivedBlockInfo> {
    return [...(this.unallocated.get(streamId) ?? [])]
  }

  /**
   * Forgets the batches before `cleanupThreshTime`; returns the blocks they
   * held (what the ReceiverTracker removes from the executors).
   */
  cleanupOldBatches(cleanupThreshTime: number): ReadonlyArray<ReceivedBlockInfo> {
    const event = this.cleanupFor(cleanupThreshTime)
    const removed = this.blocksOf(event.times)
    return this.logAndApply(event) ? removed : []
  }

  /**
   * The allocation event for `batchTime`, or `undefined` when that time is
   * not after the last allocated one. Does not change the tracker.
   */
  allocationFor(batchTime: number): ReceivedBlockTrackerLogEvent | undefined {
    if (this.lastAllocated !== undefined && batchTime <= this.lastAllocated) return undefined
    const blocks = new Map<number, ReadonlyArray<ReceivedBlockInfo>>()
    for (const [id, queue] of this.unallocated) blocks.set(id, [...queue])
    return { _tag: "BatchAllocation", time: batchTime, blocks }
  }

  /** The cleanup event for the batches before `cleanupThreshTime`. Does not change the tracker. */
  cleanupFor(cleanupThreshTime: number): ReceivedBlockTrackerLogEvent & { readonly _tag: "BatchCleanup" } {
    const times: Array<number> = []
    for (const time of this.timeToAllocatedBlocks.keys()) if (time < cleanupThreshTime) times.push(time)
    return { _tag: "BatchCleanup", times }
  }

  /**
   * Applies an event already made durable. An allocation takes from each
   * queue exactly the blocks it names (those at the head of the queue), so
   * blocks added after the event was built stay queued.
   */
  applyEvent(event: ReceivedBlockTrackerLogEvent): void {
    switch (event._tag) {
      case "BlockAddition":
        this.unallocated.get(event.info.streamId)?.push(event.info)
        return
      case "BatchAllocation": {
        for (const [id, blocks] of event.blocks) {
          const queue = this.unallocated.get(id)
          if (queue !== undefined) this.unallocated.set(id, queue.slice(blocks.length))
        }
        this.timeToAllocatedBlocks.set(event.time, event.blocks)
        this.lastAllocated = event.time
        return
      }
      case "BatchCleanup":
        for (const time of event.times) this.timeToAllocatedBlocks.delete(time)
        return
    }
  }

  /**
   * Rebuilds the state from a log's events in write order, as Spark's
   * `recoverPastEvents`: an allocation found in the log takes the blocks it
   * names out of the queues, wherever they are in them. In a log written one
   * change at a time those are the whole queues (Spark empties them); in one
   * whose additions are written while an allocation is (a batched log), an
   * addition written before the allocation but not in it stays queued for
   * the next batch.
   */
  recover(events: Iterable<ReceivedBlockTrackerLogEvent>): void {
    for (const event of events) {
      if (event._tag !== "BatchAllocation") {
        this.applyEvent(event)
        continue
      }
      for (const [id, blocks] of event.blocks) {
        const queue = this.unallocated.get(id)
        if (queue === undefined) continue
        const taken = new Set(blocks.map((b) => b.blockId))
        this.unallocated.set(id, queue.filter((b) => !taken.has(b.blockId)))
      }
      this.timeToAllocatedBlocks.set(event.time, event.blocks)
      this.lastAllocated = event.time
    }
  }

  private blocksOf(times: ReadonlyArray<number>): Array<ReceivedBlockInfo> {
    const blocks: Array<ReceivedBlockInfo> = []
    for (const time of times) {
      for (const perStream of this.timeToAllocatedBlocks.get(time)?.values() ?? []) blocks.push(...perStream)
    }
    return blocks
  }

  private logAndApply(event: ReceivedBlockTrackerLogEvent): boolean {
    if (this.eventLog !== undefined) {
      let written: boolean
      try {
        written = this.eventLog.write(event)
      } catch {
        written = false
      }
      if (!written) return false
    }
    this.applyEvent(event)
    return true
  }
}
