/**
 * Where a supervisor stores the blocks its receiver produced: in the
 * executor's BlockManager at the receiver's storage level
 * (`blockManagerBased`), or, with `spark.streaming.receiver.writeAheadLog.enable`,
 * in the stream's write-ahead log and the BlockManager at the same time
 * (`writeAheadLogBased`, Spark's `WriteAheadLogBasedBlockHandler`).
 *
 * Mirrors `org.apache.spark.streaming.receiver.ReceivedBlockHandler`.
 *
 * @since 0.1.0
 */
import type { WriteAheadLog } from "@tspark/checkpoint"
import type { BlockId, BlockManager, StorageLevel } from "@tspark/core"
import { Effect, type Scope } from "effect"
import * as internal from "../internal/writeAheadLogBlockHandler.js"
import type { BlockStoreError, ReceiverConfigError, ReceiverWriteAheadLogError } from "./ReceiverError.js"

/**
 * A block as a receiver produced it: records (from the block generator or
 * `store(records)`), or serialized bytes: `v8.serialize` of an array of
 * records (`store(bytes)`, the raw socket stream) or a `LineBlock` (lines a
 * line receiver stored as bytes, with their count when it is known).
 *
 * Mirrors `org.apache.spark.streaming.receiver.ReceivedBlock`.
 *
 * **Example**
 * ```ts
 * const block: ReceivedBlockHandler.ReceivedBlock = { _tag: "ArrayBufferBlock", records: [1, 2, 3] }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ReceivedBlock =
  | { readonly _tag: "ArrayBufferBlock"; readonly records: ReadonlyArray<unknown> }
  | { readonly _tag: "ByteBufferBlock"; readonly bytes: Uint8Array; readonly numRecords?: number }

/**
 * What storing a block gives back: its id, its record count (`undefined`
 * for bytes of an unknown count, which are not opened) and, from the
 * write-ahead-log handler, the handle of the block's log record (plain data:
 * it travels in the block report to the driver).
 *
 * Mirrors `org.apache.spark.streaming.receiver.ReceivedBlockStoreResult`.
 *
 * **Example**
 * ```ts
 * const result: ReceivedBlockHandler.ReceivedBlockStoreResult = { blockId: BlockId.stream(0, 1), numRecords: 3 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReceivedBlockStoreResult {
  readonly blockId: BlockId.BlockId
  readonly numRecords: number | undefined
  readonly walRecordHandle?: WriteAheadLog.RecordHandle
}

/**
 * Stores received blocks and cleans up old ones.
 *
 * Mirrors `org.apache.spark.streaming.receiver.ReceivedBlockHandler`.
 *
 * **Example**
 * ```ts
 * const result = yield* handler.storeBlock(BlockId.stream(0, 1), { _tag: "ArrayBufferBlock", records: ["a"] })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReceivedBlockHandler {
  /** Completes once the block is stored everywhere the handler keeps it (the log's write durable). */
  readonly storeBlock: (
    blockId: BlockId.BlockId,
    block: ReceivedBlock
  ) => Effect.Effect<ReceivedBlockStoreResult, BlockStoreError | ReceiverWriteAheadLogError>
  /** Removes blocks older than `threshTime` (ms) that the handler itself keeps; a failure is logged. */
  readonly cleanupOldBlocks: (threshTime: number) => Effect.Effect<void>
}

/**
 * The part of a BlockManager the handler uses.
 *
 * Mirrors the `BlockManager` parameter of `BlockManagerBasedBlockHandler`.
 *
 * **Example**
 * ```ts
 * const store: ReceivedBlockHandler.BlockStore = sc.env.blockManager
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type BlockStore = Pick<BlockManager.BlockManager, "putValues" | "putBytes">

/**
 * A handler that puts blocks into a BlockManager at the given level
 * (replicated when the level says `_2`); `cleanupOldBlocks` does nothing, as in
 * Spark (the driver removes old blocks through the BlockManagerMaster).
 *
 * Mirrors `org.apache.spark.streaming.receiver.BlockManagerBasedBlockHandler`.
 *
 * **Example**
 * ```ts
 * const handler = ReceivedBlockHandler.blockManagerBased(blockManager, StorageLevel.MEMORY_AND_DISK_SER_2)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const blockManagerBased = (store: BlockStore, level: StorageLevel.StorageLevel): ReceivedBlockHandler => ({
  storeBlock: (blockId, block) =>
    Effect.as(internal.putInBlockManager(store, level, blockId, block), {
      blockId,
      numRecords: block._tag === "ArrayBufferBlock" ? block.records.length : block.numRecords
    }),
  cleanupOldBlocks: () => Effect.void
})

/**
 * A handler that serializes each block once (records in the block manager's
 * serialized form, a line block's bytes as they are), writes it to `log` and
 * puts it in the block manager at the same time, and completes when both
 * have: the write is durable under the log's policy. The result carries the
 * record's handle. The level's replication is dropped to 1 (the log keeps
 * the second copy). A failed write fails the store with
 * `ReceiverWriteAheadLogError`; `cleanupOldBlocks(t)` deletes the log's
 * segments that end before `t`.
 *
 * Mirrors `org.apache.spark.streaming.receiver.WriteAheadLogBasedBlockHandler`.
 *
 * **Example**
 * ```ts
 * const handler = ReceivedBlockHandler.writeAheadLogBased(blockManager, StorageLevel.MEMORY_AND_DISK_SER, log, {
 *   streamId: 0,
 *   directory: "/ckpt/receivedData/0"
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const writeAheadLogBased: (
  store: BlockStore,
  level: StorageLevel.StorageLevel,
  log: WriteAheadLog.WriteAheadLog["Service"],
  where: { readonly streamId: number; readonly directory: string }
) => ReceivedBlockHandler = internal.writeAheadLogBased

/**
 * Opens the stream's write-ahead log, `<checkpointDir>/receivedData/<streamId>`
 * (created when missing; segments already there, from an earlier run of the
 * receiver here or on another executor, stay readable and new ones are
 * added), with the settings in `conf`
 * (`spark.streaming.receiver.writeAheadLog.rollingIntervalSecs`, default 60;
 * `spark.streaming.receiver.writeAheadLog.groupCommitInterval`, default
 * `0ms`: each write synced, concurrent writes sharing one sync; above 0, a
 * write completes at the next periodic sync;
 * `spark.streaming.receiver.writeAheadLog.sync`, default true: false hands
 * writes to the OS unsynced, which survives the process being killed but
 * not the machine crashing, as Spark's log on a local disk), and builds
 * `writeAheadLogBased` over it. The log closes with the scope.
 *
 * Mirrors `new WriteAheadLogBasedBlockHandler(...)` with `WriteAheadLogUtils.createLogForReceiver`.
 *
 * **Example**
 * ```ts
 * const handler = yield* ReceivedBlockHandler.makeWriteAheadLogBased({
 *   store: blockManager, level: StorageLevel.MEMORY_AND_DISK_SER_2, checkpointDir: "/ckpt", streamId: 0, conf: {}
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeWriteAheadLogBased: (options: {
  readonly store: BlockStore
  readonly level: StorageLevel.StorageLevel
  readonly checkpointDir: string
  readonly streamId: number
  readonly conf: Readonly<Record<string, string>>
}) => Effect.Effect<ReceivedBlockHandler, ReceiverConfigError | ReceiverWriteAheadLogError, Scope.Scope> = internal.makeWriteAheadLogBased
