/**
 * The typed errors of the receiver side: a store on a stopped receiver, a
 * receiver that cannot be shipped to an executor, a block that could not be
 * stored or reported, a bad receiver setting.
 *
 * Mirrors the `SparkException`s thrown by `org.apache.spark.streaming.receiver`.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * `store` was called on a receiver that is not running: stopped for good,
 * stopped while it restarts, or never started by a supervisor.
 *
 * Mirrors the `SparkException` of `BlockGenerator.addData` ("Cannot add data as
 * BlockGenerator has not been started or has been stopped").
 *
 * **Example**
 * ```ts
 * receiver.store("x").catch((e) => e instanceof ReceiverStoppedError) // true after stop
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ReceiverStoppedError extends Data.TaggedError("ReceiverStoppedError")<{
  readonly streamId: number
  readonly message: string
}> {}

/**
 * A receiver's `store` call was given data it cannot take (`storeLines`
 * bytes that do not end a line). The message says what to pass instead.
 *
 * Mirrors the `IllegalArgumentException`s of Spark's receiver API.
 *
 * **Example**
 * ```ts
 * receiver.storeLines(Buffer.from("no newline")).catch((e) => e._tag) // "StoreArgumentError"
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class StoreArgumentError extends Data.TaggedError("StoreArgumentError")<{
  readonly streamId: number
  readonly method: string
  readonly message: string
}> {}

/**
 * A receiver that cannot run on an executor in another thread or process:
 * its class does not say which module exports it, the module does not export
 * it, or one of its fields cannot be serialized. The message says how to fix it.
 *
 * Mirrors Spark's "Task not serializable" for a receiver.
 *
 * **Example**
 * ```ts
 * class MyReceiver extends Receiver<string> {
 *   static readonly module = import.meta.url // the fix for reason "missing-module"
 * }
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ReceiverNotShippableError extends Data.TaggedError("ReceiverNotShippableError")<{
  readonly receiver: string
  readonly reason: "missing-module" | "not-exported" | "field"
  readonly field?: string
  readonly message: string
}> {}

/**
 * A block of received records could not be stored in the BlockManager.
 *
 * Mirrors the `SparkException` of `BlockManagerBasedBlockHandler.storeBlock`
 * ("Could not store <blockId> to block manager with storage level ...").
 *
 * **Example**
 * ```ts
 * handler.storeBlock(blockId, block).pipe(Effect.catchTag("BlockStoreError", (e) => Effect.logError(e.message)))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class BlockStoreError extends Data.TaggedError("BlockStoreError")<{
  readonly blockId: string
  readonly message: string
}> {}

/**
 * A stored block could not be reported to the driver's ReceiverTracker
 * (AddBlock was refused or the tracker could not be reached).
 *
 * Mirrors the `SparkException` "Error reporting block" of `ReceiverSupervisorImpl`.
 *
 * **Example**
 * ```ts
 * Effect.catchTag("BlockReportError", (e) => Effect.logError(e.message))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class BlockReportError extends Data.TaggedError("BlockReportError")<{
  readonly blockId: string
  readonly message: string
}> {}

/**
 * Data was added to a block generator that is not active (not started yet, or
 * stopping).
 *
 * Mirrors the `SparkException` of `BlockGenerator.addData`.
 *
 * **Example**
 * ```ts
 * generator.addData(1).pipe(Effect.catchTag("BlockGeneratorStoppedError", () => Effect.void))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class BlockGeneratorStoppedError extends Data.TaggedError("BlockGeneratorStoppedError")<{
  readonly streamId: number
  readonly state: string
  readonly message: string
}> {}

/**
 * A receiver setting is invalid (`spark.streaming.blockInterval`,
 * `spark.streaming.blockQueueSize`, `spark.streaming.receiverRestartDelay`,
 * the rate settings).
 *
 * Mirrors the `require`s of `BlockGenerator` and `RateLimiter`.
 *
 * **Example**
 * ```ts
 * // spark.streaming.blockInterval = "0ms" fails with ReceiverConfigError
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ReceiverConfigError extends Data.TaggedError("ReceiverConfigError")<{
  readonly key: string
  readonly message: string
}> {}

/**
 * The receiver write-ahead log could not be opened, or a block could not be
 * written to it: the block is not stored (nor reported), and `store` fails
 * with this error, so a reliable receiver does not acknowledge its source.
 *
 * Mirrors the exceptions of `WriteAheadLogBasedBlockHandler.storeBlock`.
 *
 * **Example**
 * ```ts
 * handler.storeBlock(id, block).pipe(Effect.catchTag("ReceiverWriteAheadLogError", (e) => Effect.logError(e.message)))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ReceiverWriteAheadLogError extends Data.TaggedError("ReceiverWriteAheadLogError")<{
  readonly streamId: number
  readonly directory: string
  readonly message: string
}> {}
