/**
 * What a receiver's supervisor reports to the driver for each block it has
 * stored: which stream, how many records, where the block lives (and, with
 * the receiver write-ahead log on, where its log record is).
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceivedBlockInfo`.
 *
 * @since 0.1.0
 */

import type { WriteAheadLog } from "@tspark/checkpoint"

/**
 * One stored block of received records.
 *
 * **Example**
 * ```ts
 * const info: ReceivedBlockInfo = { streamId: 0, numRecords: 3, blockId: "input-0-1", executorId: "1", host: "localhost" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReceivedBlockInfo {
  readonly streamId: number
  /** Records in the block (`undefined` when a receiver stored bytes it did not count). */
  readonly numRecords: number | undefined
  /** What the receiver attached with `store(records, metadata)`. */
  readonly metadata?: unknown
  /** The block's name in the BlockManager (`input-<streamId>-<uniqueId>`). */
  readonly blockId: string
  /** The executor whose BlockManager stored the block (replicas may live elsewhere too). */
  readonly executorId: string
  readonly host: string
  /**
   * The block's record in its stream's write-ahead log, when the receiver
   * write-ahead log is on: what reads the block once no executor holds it
   * (Spark's `blockStoreResult.walRecordHandleOption`).
   */
  readonly walRecordHandle?: WriteAheadLog.RecordHandle
}
