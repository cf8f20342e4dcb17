/**
 * The RDD of blocks already stored in the executors' block managers: one
 * partition per block, computed by reading the block (locally, or fetched
 * from the executor that holds it) and preferring the executors that hold it.
 * Streaming reads the blocks its receivers stored for a batch through it.
 *
 * Mirrors `org.apache.spark.rdd.BlockRDD`.
 *
 * @since 0.1.0
 */
import { FileWriteAheadLog, type WriteAheadLog } from "@tspark/checkpoint"
import { Data } from "effect"
import { runSyncFiles } from "../internal/rdd/checkpointFiles.js"
import { CountingIterator } from "../internal/rdd/iterators.js"
import type { RDDOp } from "../internal/rdd/op.js"
import { deserializeIterator } from "../internal/storage/serializer.js"
import { executorLocation } from "../internal/scheduler/taskLocation.js"
import type * as BlockId from "../storage/BlockId.js"
import type { TaskContext } from "../scheduler/TaskContext.js"
import type { BlockManagerMaster } from "../storage/BlockManagerMaster.js"
import type { Partition } from "./Partition.js"
import { RDD, type RDDContext } from "./RDD.js"

/**
 * A block of a `BlockRDD` is in no executor's block manager (it was never
 * stored, or it was lost with every executor that held it). The task reading
 * it fails with this error, and the job with it.
 *
 * Mirrors the exception of `BlockRDD.compute` ("Could not compute split, block ... not found").
 *
 * **Example**
 * ```ts
 * const error = new BlockRDD.BlockRDDBlockNotFoundError({ blockId: "input-0-3", rddId: 12 })
 * error.message // "Could not compute split, block input-0-3 of RDD 12 not found; ..."
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class BlockRDDBlockNotFoundError extends Data.TaggedError("BlockRDDBlockNotFoundError")<{
  readonly blockId: string
  readonly rddId: number
}> {
  override get message(): string {
    return `Could not compute split, block ${this.blockId} of RDD ${this.rddId} not found; ` +
      "it was never stored or was lost with every executor holding it (store blocks with a replicated level, " +
      "such as MEMORY_AND_DISK_SER_2, to survive the loss of one executor)"
  }
}

/**
 * A `BlockRDD` was used after `removeBlocks()` removed its blocks.
 *
 * Mirrors the `SparkException` of `BlockRDD.assertValid`.
 *
 * **Example**
 * ```ts
 * const error = new BlockRDD.BlockRDDRemovedError({ rddId: 12 })
 * error.message // "Attempted to use BlockRDD[12] after its blocks have been removed! ..."
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class BlockRDDRemovedError extends Data.TaggedError("BlockRDDRemovedError")<{
  readonly rddId: number
}> {
  override get message(): string {
    return `Attempted to use BlockRDD[${this.rddId}] after its blocks have been removed! ` +
      "Build a new BlockRDD over blocks that still exist."
  }
}

/**
 * A partition of a `BlockRDD`: the block it reads.
 *
 * Mirrors `org.apache.spark.rdd.BlockRDDPartition`.
 *
 * **Example**
 * ```ts
 * const p: BlockRDD.BlockRDDPartition = { index: 0, blockId: BlockId.stream(0, 3) }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockRDDPartition extends Partition {
  readonly blockId: BlockId.BlockId
}

/**
 * Whether the blocks of a `BlockRDD` were removed. It travels with the plan,
 * so a task shipped after `removeBlocks()` fails as one run in this process.
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockRDDState {
  removed: boolean
}

/**
 * The plan of an RDD over `blockIds`, one partition per block. Without a
 * master it has no preferred locations (an executor rebuilding it needs none).
 *
 * Mirrors `new BlockRDD(sc, blockIds)`.
 *
 * **Example**
 * ```ts
 * const op = BlockRDD.block([BlockId.stream(0, 1)], { removed: false })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const block = (blockIds: ReadonlyArray<BlockId.BlockId>, state: BlockRDDState): RDDOp => ({
  factory: "block",
  args: [blockIds, state],
  kind: "BlockRDD",
  params: { blockIds: blockIds.map((id) => id.name) },
  getPartitions: () => blockIds.map((blockId, index): BlockRDDPartition => ({ index, blockId })),
  compute: (rdd, split, ctx) => {
    if (state.removed) throw new BlockRDDRemovedError({ rddId: rdd.id })
    const blockId = blockIds[split.index]!
    const records = ctx.env.blockManager.getIterator(blockId)
    if (records === undefined) throw new BlockRDDBlockNotFoundError({ blockId: blockId.name, rddId: rdd.id })
    return countInput(ctx, blockId, records)
  }
})

/**
 * A block of a write-ahead-log-backed `BlockRDD` is in no executor's block
 * manager, and its write-ahead log record could not be read either (its
 * segment was cleaned, or the file is damaged). The task fails with it.
 *
 * Mirrors the `SparkException` of `WriteAheadLogBackedBlockRDD.compute`
 * ("Could not read data from write ahead log record").
 *
 * **Example**
 * ```ts
 * const error = new BlockRDD.BlockRDDRecordReadError({ blockId: "input-0-3", rddId: 12, path: "/ckpt/receivedData/0/log-0-60000", offset: 28, reason: "the record was cleaned" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class BlockRDDRecordReadError extends Data.TaggedError("BlockRDDRecordReadError")<{
  readonly blockId: string
  readonly rddId: number
  readonly path: string
  readonly offset: number
  readonly reason: string
}> {
  override get message(): string {
    return `Could not compute split, block ${this.blockId} of RDD ${this.rddId} is in no block manager, and reading ` +
      `it from its write-ahead log record (${this.path} at offset ${this.offset}) failed: ${this.reason.replace(/\.+$/, "")}. ` +
      "The log keeps a block until its batch has been processed and cleared; a record removed or damaged before " +
      "then cannot be read (keep the checkpoint directory on storage that survives, and do not edit it)"
  }
}

/**
 * The plan of an RDD over blocks that a write-ahead log also keeps, one
 * partition per block: a partition reads its block from the block managers
 * (this executor's, or fetched from one holding it) and, when none holds it
 * (the executor died, the driver restarted), reads the block's record by its
 * handle from the log and deserializes it (a line block or V8's form).
 * `recordHandles[i]` is the record of `blockIds[i]`. The read is synchronous,
 * as tasks are, over the same file protocol the log wrote with.
 *
 * Mirrors `org.apache.spark.streaming.rdd.WriteAheadLogBackedBlockRDD.compute`.
 *
 * **Example**
 * ```ts
 * const op = BlockRDD.writeAheadLogBacked([BlockId.stream(0, 1)], [handle], { removed: false })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const writeAheadLogBacked = (
  blockIds: ReadonlyArray<BlockId.BlockId>,
  recordHandles: ReadonlyArray<WriteAheadLog.RecordHandle>,
  state: BlockRDDState
): RDDOp => ({
  ...block(blockIds, state),
  factory: "writeAheadLogBackedBlock",
  args: [blockIds, recordHandles, state],
  kind: "WriteAheadLogBackedBlockRDD",
  params: { blockIds: blockIds.map((id) => id.name), records: recordHandles.length },
  compute: (rdd, split, ctx) => {
    if (state.removed) throw new BlockRDDRemovedError({ rddId: rdd.id })
    const blockId = blockIds[split.index]!
    const records = ctx.env.blockManager.getIterator(blockId)
    if (records !== undefined) return countInput(ctx, blockId, records)
    const handle = recordHandles[split.index]!
    let bytes: Uint8Array
    try {
      bytes = runSyncFiles(FileWriteAheadLog.readHandle(handle))
    } catch (error) {
      throw new BlockRDDRecordReadError({
        blockId: blockId.name,
        rddId: rdd.id,
        path: handle.path,
        offset: handle.offset,
        reason: error instanceof Error ? error.message : String(error)
      })
    }
    ctx.taskMetrics.bytesRead += bytes.byteLength
    return new CountingIterator(deserializeIterator(bytes), ctx.taskMetrics)
  }
})

/** Input metrics of a block read: its stored size (when this executor holds it), its records as they are read. */
const countInput = <A>(ctx: TaskContext, blockId: BlockId.BlockId, records: Iterator<A>): Iterator<A> => {
  const stored = ctx.env.blockManager.getStatus(blockId)
  if (stored !== undefined) ctx.taskMetrics.bytesRead += stored.memSize + stored.diskSize
  return new CountingIterator(records, ctx.taskMetrics)
}

/**
 * The blocks' executors, in Spark's `ExecutorCacheTaskLocation` string form
 * (`executor_<host>_<executorId>`), so that the scheduler runs each task
 * where its block is (PROCESS_LOCAL).
 *
 * Mirrors `BlockManager.blockIdsToLocations`.
 *
 * **Example**
 * ```ts
 * BlockRDD.blockLocations(sc.blockManagerMaster, BlockId.stream(0, 1)) // ["executor_localhost_exec-0"]
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const blockLocations = (master: BlockManagerMaster, blockId: BlockId.BlockId): Array<string> =>
  master.getLocations(blockId).map((id) => executorLocation(id.host, id.executorId))

/**
 * What a `BlockRDD` needs of its context: an RDD context that knows where
 * blocks live (a `SparkContext`).
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockRDDContext extends RDDContext {
  readonly blockManagerMaster: BlockManagerMaster
}

/**
 * An RDD over blocks stored in the block managers.
 *
 * Mirrors `org.apache.spark.rdd.BlockRDD`.
 *
 * **Example**
 * ```ts
 * const rdd = BlockRDD.make<string>(sc, [BlockId.stream(0, 1), BlockId.stream(0, 2)])
 * const records = yield* rdd.collect()
 * rdd.removeBlocks()
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class BlockRDD<T> extends RDD<T> {
  private readonly master: BlockManagerMaster
  private readonly state: BlockRDDState
  private readonly ids: ReadonlyArray<BlockId.BlockId>

  /**
   * @internal Use `BlockRDD.make`. `recordHandles` (one per block) makes the
   * RDD read a block no block manager holds from its write-ahead log record.
   */
  constructor(
    context: BlockRDDContext,
    blockIds: ReadonlyArray<BlockId.BlockId>,
    state: BlockRDDState = { removed: false },
    recordHandles?: ReadonlyArray<WriteAheadLog.RecordHandle>
  ) {
    const master = context.blockManagerMaster
    const ids = [...blockIds]
    super(context, {
      ...(recordHandles === undefined ? block(ids, state) : writeAheadLogBacked(ids, [...recordHandles], state)),
      preferredLocations: (_rdd, split) => blockLocations(master, ids[split.index]!)
    }, [])
    this.master = master
    this.state = state
    this.ids = ids
  }

  /** The blocks, one per partition. */
  get blockIds(): ReadonlyArray<BlockId.BlockId> {
    return this.ids
  }

  /** Whether the blocks are still there (`removeBlocks()` was not called). */
  get isValid(): boolean {
    return !this.state.removed
  }

  /**
   * Removes the blocks from every executor and marks the RDD invalid: a job
   * computing it afterwards fails with `BlockRDDRemovedError`.
   */
  removeBlocks(): void {
    for (const blockId of this.ids) this.master.removeBlock(blockId)
    this.state.removed = true
  }
}

/**
 * An RDD over blocks stored in the block managers, one partition per block.
 * Zero blocks make an RDD of zero partitions.
 *
 * Mirrors `new BlockRDD[T](sc, blockIds)`.
 *
 * **Example**
 * ```ts
 * sc.blockManager.putValues(BlockId.stream(0, 1), ["a", "b"], StorageLevel.MEMORY_ONLY)
 * const rdd = BlockRDD.make<string>(sc, [BlockId.stream(0, 1)])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(context: BlockRDDContext, blockIds: ReadonlyArray<BlockId.BlockId>): BlockRDD<T> =>
  new BlockRDD<T>(context, blockIds)

/**
 * Whether an RDD is a `BlockRDD`.
 *
 * @category guards
 * @since 0.1.0
 */
export const isBlockRDD = (u: unknown): u is BlockRDD<unknown> => u instanceof BlockRDD
