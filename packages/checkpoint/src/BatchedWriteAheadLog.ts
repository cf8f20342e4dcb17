/**
 * A write-ahead log that queues concurrent writes and stores each queue-full
 * as one frame with one sync: many writers share the cost of one fsync, and
 * each still gets its own record handle once its batch is durable. Reading is
 * unchanged (`readAll` unbatches transparently), because a batch is a regular
 * multi-record frame of the wrapped log.
 *
 * @since 0.1.0
 */
import { Layer, type Effect, type Scope } from "effect"
import type { InvalidOptionError } from "./Errors.js"
import * as internal from "./internal/batchedWriteAheadLog.js"
import { WriteAheadLog } from "./WriteAheadLog.js"

/**
 * Options of the batching wrapper.
 *
 * - `maxBatchRecords`: most records per batch (default 4096).
 * - `maxBatchBytes`: a batch is split before it grows past this (default 16 MiB).
 *
 * Mirrors the (implicit) batching limits of Spark's `BatchedWriteAheadLog`.
 *
 * **Example**
 * ```ts
 * const options: BatchedWriteAheadLog.Options = { maxBatchRecords: 1024 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly maxBatchRecords?: number
  readonly maxBatchBytes?: number
}

/**
 * Wraps a log so that concurrent writes are batched; closing the scope (or
 * `close`) fails writes still queued with `LogClosedError` and closes the
 * wrapped log.
 *
 * Mirrors `org.apache.spark.streaming.util.BatchedWriteAheadLog`.
 *
 * **Example**
 * ```ts
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const file = yield* FileWriteAheadLog.make({ directory: "/tmp/wal" })
 *   const log = yield* BatchedWriteAheadLog.make(file)
 *   yield* Effect.forEach([1, 2, 3], (i) => log.write(new Uint8Array([i]), 0), { concurrency: "unbounded" })
 * })).pipe(Effect.provide(FileSystem.layerLocal))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: (
  inner: WriteAheadLog["Service"],
  options?: Options
) => Effect.Effect<WriteAheadLog["Service"], InvalidOptionError, Scope.Scope> = internal.make

/**
 * Replaces the `WriteAheadLog` in context with a batching wrapper around it.
 *
 * Mirrors `WriteAheadLogUtils.createLog` wrapping in `BatchedWriteAheadLog`
 * when `spark.streaming.driver.writeAheadLog.allowBatching` is on.
 *
 * **Example**
 * ```ts
 * const WalLive = BatchedWriteAheadLog.layer().pipe(
 *   Layer.provide(FileWriteAheadLog.layer({ directory: "/tmp/wal" })),
 *   Layer.provide(FileSystem.layerLocal)
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options?: Options): Layer.Layer<WriteAheadLog, InvalidOptionError, WriteAheadLog> =>
  Layer.effect(WriteAheadLog)(WriteAheadLog.use((inner) => internal.make(inner, options)))
