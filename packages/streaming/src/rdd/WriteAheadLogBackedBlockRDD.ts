/**
 * The RDD of a batch's received blocks when the receiver write-ahead log is
 * on: one partition per block, read from the block managers (this
 * executor's, or fetched from the one holding it) when the block is there,
 * otherwise from the block's write-ahead log record, by its handle, and
 * deserialized (a line block as well as records). So a batch whose blocks
 * were lost with their executor, or with the driver before a restart, still
 * reads every record.
 *
 * Mirrors `org.apache.spark.streaming.rdd.WriteAheadLogBackedBlockRDD`.
 *
 * @since 0.1.0
 */
import type { WriteAheadLog } from "@tspark/checkpoint"
import { BlockId } from "@tspark/core"
import { BlockRDD } from "@tspark/core/rdd"
import type { ReceivedBlockInfo } from "../scheduler/ReceivedBlockInfo.js"

/**
 * A block RDD backed by write-ahead log records: `recordHandles[i]` is the
 * record of `blockIds[i]`. Preferred locations are the executors holding
 * each block (none once it is gone: the log is readable from any local
 * executor). A task reading a block that is in no block manager and whose
 * record cannot be read fails with `BlockRDD.BlockRDDRecordReadError`.
 *
 * Mirrors `org.apache.spark.streaming.rdd.WriteAheadLogBackedBlockRDD`.
 *
 * **Example**
 * ```ts
 * const rdd = new WriteAheadLogBackedBlockRDD<string>(sc, [BlockId.stream(0, 1)], [handle])
 * const lines = yield* rdd.collect()
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class WriteAheadLogBackedBlockRDD<T> extends BlockRDD.BlockRDD<T> {
  /** The log record of each block, one per partition. */
  readonly walRecordHandles: ReadonlyArray<WriteAheadLog.RecordHandle>

  constructor(
    context: BlockRDD.BlockRDDContext,
    blockIds: ReadonlyArray<BlockId.BlockId>,
    walRecordHandles: ReadonlyArray<WriteAheadLog.RecordHandle>
  ) {
    if (blockIds.length !== walRecordHandles.length) {
      // A programming error of the caller, as Spark's `require`: the two lists describe the same blocks.
      throw new RangeError(
        `WriteAheadLogBackedBlockRDD needs one record handle per block: ${blockIds.length} blocks, ` +
          `${walRecordHandles.length} handles`
      )
    }
    super(context, blockIds, { removed: false }, walRecordHandles)
    this.walRecordHandles = [...walRecordHandles]
  }
}

/**
 * The RDD of reported blocks that all carry a write-ahead log record handle,
 * or `undefined` when one does not (the block was stored without the log).
 *
 * Mirrors `ReceiverInputDStream.createBlockRDD` choosing `WriteAheadLogBackedBlockRDD`.
 *
 * **Example**
 * ```ts
 * const rdd = WriteAheadLogBackedBlockRDD.fromBlockInfos<string>(sc, tracker.getBlocksOfBatchAndStream(time, 0))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromBlockInfos = <T>(
  context: BlockRDD.BlockRDDContext,
  blocks: ReadonlyArray<ReceivedBlockInfo>
): WriteAheadLogBackedBlockRDD<T> | undefined => {
  const ids: Array<BlockId.BlockId> = []
  const handles: Array<WriteAheadLog.RecordHandle> = []
  for (const block of blocks) {
    const id = BlockId.parse(block.blockId)
    if (block.walRecordHandle === undefined || id === undefined) return undefined
    ids.push(id)
    handles.push(block.walRecordHandle)
  }
  return new WriteAheadLogBackedBlockRDD<T>(context, ids, handles)
}

/**
 * Whether an RDD is a `WriteAheadLogBackedBlockRDD`.
 *
 * **Example**
 * ```ts
 * if (WriteAheadLogBackedBlockRDD.isWriteAheadLogBackedBlockRDD(rdd)) rdd.walRecordHandles
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isWriteAheadLogBackedBlockRDD = (u: unknown): u is WriteAheadLogBackedBlockRDD<unknown> =>
  u instanceof WriteAheadLogBackedBlockRDD
