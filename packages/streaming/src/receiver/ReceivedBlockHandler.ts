/**
 * Where a supervisor stores the blocks its receiver produced: in the
 * executor's BlockManager at the receiver's storage level. The write-ahead-log
 * handler (`WriteAheadLogBasedBlockHandler`) is planned.
 *
 * Mirrors `org.apache.spark.streaming.receiver.ReceivedBlockHandler`.
 *
 * @since 0.1.0
 */
import type { BlockId, BlockManager, StorageLevel } from "@tspark/core"
import { Effect } from "effect"
import { BlockStoreError } from "./ReceiverError.js"

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
 * What storing a block gives back: its id and its record count (`undefined`
 * for bytes of an unknown count, which are not opened).
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
  readonly storeBlock: (blockId: BlockId.BlockId, block: ReceivedBlock) => Effect.Effect<ReceivedBlockStoreResult, BlockStoreError>
  /** Removes blocks older than `threshTime` (ms) that the handler itself keeps. */
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

const failure = (blockId: BlockId.BlockId, level: StorageLevel.StorageLevel, cause: string) =>
  new BlockStoreError({
    blockId: blockId.name,
    message: `Could not store ${blockId.name} in the block manager at storage level ${level.name}: ${cause}. ` +
      `Use a storage level with disk (the default MEMORY_AND_DISK_SER_2), or give executors more memory`
  })

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
    Effect.suspend(() => {
      let stored: boolean
      try {
        stored = block._tag === "ArrayBufferBlock"
          ? store.putValues(blockId, block.records, level)
          : store.putBytes(blockId, Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength), level)
      } catch (error) {
        return Effect.fail(failure(blockId, level, error instanceof Error ? error.message : String(error)))
      }
      if (!stored) return Effect.fail(failure(blockId, level, "the block does not fit in memory"))
      return Effect.succeed({
        blockId,
        numRecords: block._tag === "ArrayBufferBlock" ? block.records.length : block.numRecords
      })
    }),
  cleanupOldBlocks: () => Effect.void
})
