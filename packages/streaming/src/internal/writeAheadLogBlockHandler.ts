// The receiver's write-ahead-log block handler (Spark's
// WriteAheadLogBasedBlockHandler): each block is serialized once, then
// written to the stream's log and put in the block manager at the same time;
// the store completes when both have, and its result carries the record's
// handle, which the block report takes to the driver.
import { BatchedWriteAheadLog, FileSystem, FileWriteAheadLog, type WriteAheadLog } from "@tspark/checkpoint"
import { type BlockId, BlockManager, StorageLevel } from "@tspark/core"
import { Clock, Effect, type Scope } from "effect"
import type { BlockStore, ReceivedBlock, ReceivedBlockHandler, ReceivedBlockStoreResult } from "../receiver/ReceivedBlockHandler.js"
import { BlockStoreError, type ReceiverConfigError, ReceiverWriteAheadLogError } from "../receiver/ReceiverError.js"
import { readWriteAheadLogSettings, receiverLogDirectory } from "./writeAheadLogConf.js"

const storeFailure = (blockId: BlockId.BlockId, level: StorageLevel.StorageLevel, cause: string) =>
  new BlockStoreError({
    blockId: blockId.name,
    message: `Could not store ${blockId.name} in the block manager at storage level ${level.name}: ${cause}. ` +
      `Use a storage level with disk (the default MEMORY_AND_DISK_SER_2), or give executors more memory`
  })

/** Puts records, or serialized bytes, in the block manager; fails when it refuses or throws. */
export const putInBlockManager = (
  store: BlockStore,
  level: StorageLevel.StorageLevel,
  blockId: BlockId.BlockId,
  block: ReceivedBlock
): Effect.Effect<void, BlockStoreError> =>
  Effect.suspend(() => {
    let stored: boolean
    try {
      stored = block._tag === "ArrayBufferBlock"
        ? store.putValues(blockId, block.records, level)
        : store.putBytes(blockId, Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength), level)
    } catch (error) {
      return Effect.fail(storeFailure(blockId, level, error instanceof Error ? error.message : String(error)))
    }
    return stored ? Effect.void : Effect.fail(storeFailure(blockId, level, "the block does not fit in memory"))
  })

/** The level without replication: the log already keeps a copy that survives the executor (Spark does the same). */
export const unreplicated = (level: StorageLevel.StorageLevel): StorageLevel.StorageLevel =>
  level.replication <= 1 ? level : StorageLevel.byName.get(level.name.replace(/_\d+$/, "")) ?? level

export const writeAheadLogBased = (
  store: BlockStore,
  level: StorageLevel.StorageLevel,
  log: WriteAheadLog.WriteAheadLog["Service"],
  where: { readonly streamId: number; readonly directory: string }
): ReceivedBlockHandler => {
  const effectiveLevel = unreplicated(level)
  const writeFailure = (blockId: BlockId.BlockId, cause: string) =>
    new ReceiverWriteAheadLogError({
      streamId: where.streamId,
      directory: where.directory,
      message: `Could not write block ${blockId.name} of stream ${where.streamId} to the receiver write-ahead log in ` +
        `${where.directory}: ${cause}. Check that the checkpoint directory is writable and has free space`
    })
  return {
    storeBlock: (blockId, block) =>
      Effect.gen(function*() {
        // Serialized once: the log and the block manager hold the same bytes (a line block as it was read).
        const bytes = block._tag === "ArrayBufferBlock" ? BlockManager.serializeValues(block.records) : block.bytes
        const numRecords = block._tag === "ArrayBufferBlock" ? block.records.length : block.numRecords
        const time = yield* Clock.currentTimeMillis
        const [handle] = yield* Effect.all([
          log.write(bytes, time).pipe(Effect.mapError((e) => writeFailure(blockId, e.message))),
          putInBlockManager(store, effectiveLevel, blockId, { _tag: "ByteBufferBlock", bytes })
        ], { concurrency: 2 })
        const result: ReceivedBlockStoreResult = { blockId, numRecords, walRecordHandle: handle }
        return result
      }),
    // The driver sends CleanupOldBlocks once the batches before threshTime are done with.
    cleanupOldBlocks: (threshTime) =>
      log.clean(threshTime, true).pipe(
        Effect.catch((e) =>
          Effect.logWarning(
            `Could not clean the receiver write-ahead log of stream ${where.streamId} in ${where.directory} ` +
              `before ${threshTime}: ${e.message}`
          )
        )
      )
  }
}

/**
 * Opens the stream's log in `<checkpointDir>/receivedData/<streamId>` with the receiver
 * settings and builds the handler over it; the log closes with the scope. A log already in
 * the directory (the receiver ran before, here or on another executor) is continued in new
 * segments: its records stay readable by their handles until cleaned.
 */
export const makeWriteAheadLogBased = (options: {
  readonly store: BlockStore
  readonly level: StorageLevel.StorageLevel
  readonly checkpointDir: string
  readonly streamId: number
  readonly conf: Readonly<Record<string, string>>
}): Effect.Effect<ReceivedBlockHandler, ReceiverConfigError | ReceiverWriteAheadLogError, Scope.Scope> =>
  Effect.gen(function*() {
    const settings = readWriteAheadLogSettings(options.conf)
    if (!("enabled" in settings)) return yield* settings
    const directory = receiverLogDirectory(options.checkpointDir, options.streamId)
    const file = yield* FileWriteAheadLog.make({
      directory,
      rollingIntervalMillis: settings.receiverRollingMs,
      durability: settings.receiverDurability,
      createDirectory: true
    }).pipe(
      Effect.provide(FileSystem.layerLocal),
      Effect.mapError((e) =>
        new ReceiverWriteAheadLogError({
          streamId: options.streamId,
          directory,
          message: `Could not open the receiver write-ahead log of stream ${options.streamId} in ${directory}: ` +
            `${e.message}`
        })
      )
    )
    // Concurrent stores (a receiver calling store(records) from several callbacks) share one frame and one sync.
    const log = yield* BatchedWriteAheadLog.make(file).pipe(Effect.orDie)
    if (options.level.replication > 1) {
      yield* Effect.logWarning(
        `Storage level ${options.level.name} of stream ${options.streamId}: replication is unnecessary with the ` +
          `write-ahead log on, which keeps a copy of each block; blocks are stored with replication 1`
      )
    }
    return writeAheadLogBased(options.store, options.level, log, { streamId: options.streamId, directory })
  })
