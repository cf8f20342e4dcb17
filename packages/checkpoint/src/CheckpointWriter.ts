/**
 * Writes metadata checkpoints (bytes + time) as `checkpoint-<time>` files, on
 * a background fiber, in the order they were submitted.
 *
 * Each write is atomic (temp file, fsync, rename, fsync of the directory). A
 * checkpoint for a time that already has one moves the old file to
 * `checkpoint-<time>.bk`. A checkpoint older than the newest one written is
 * skipped, so a newer checkpoint is never replaced by an older one. Only the
 * newest `keep` checkpoint times are kept.
 *
 * @since 0.1.0
 */
import type { Effect, Option, Scope } from "effect"
import type {
  DirectoryNotFoundError,
  DirectoryNotWritableError,
  FileNotFoundError,
  FileSystemError,
  InvalidArgumentError,
  InvalidOptionError,
  LogClosedError,
  UnsupportedFormatVersionError
} from "./Errors.js"
import type { FileSystem } from "./FileSystem.js"
import * as internal from "./internal/checkpointWriter.js"

/**
 * Options of a checkpoint writer.
 *
 * - `directory`: where checkpoint files live.
 * - `keep`: how many checkpoint times to keep (default 10, as Spark).
 * - `createDirectory`: create a missing directory instead of failing (default false).
 *
 * Mirrors the checkpoint directory handling of Spark's `CheckpointWriter`.
 *
 * **Example**
 * ```ts
 * const options: CheckpointWriter.Options = { directory: "/var/tspark/checkpoint", keep: 10 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly directory: string
  readonly keep?: number
  readonly createDirectory?: boolean
}

/**
 * What happened to one submitted checkpoint.
 *
 * Mirrors the outcomes Spark's `CheckpointWriteHandler` logs.
 *
 * **Example**
 * ```ts
 * const describe = (o: CheckpointWriter.WriteOutcome) => o._tag === "Written" ? o.path : `skipped ${o.time}`
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type WriteOutcome =
  | { readonly _tag: "Written"; readonly time: number; readonly path: string }
  | { readonly _tag: "Skipped"; readonly time: number; readonly newer: number }

/**
 * A running checkpoint writer.
 *
 * `write` queues a checkpoint and returns at once; `writeAndAwait` queues it
 * and waits until it is durable (or skipped); `lastFailure` is the last write
 * that failed after 3 attempts; `close` finishes queued checkpoints, then stops.
 * `data` must be bytes and `time` an integer between 0 and
 * `WriteAheadLog.MAX_TIME` (2^52); anything else fails with
 * `InvalidArgumentError` before it is queued, and the writer stays usable.
 *
 * Mirrors `org.apache.spark.streaming.CheckpointWriter`.
 *
 * **Example**
 * ```ts
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const writer = yield* CheckpointWriter.make({ directory: "/tmp/ckpt" })
 *   yield* writer.write(new TextEncoder().encode("graph"), 1000)
 * })).pipe(Effect.provide(FileSystem.layerLocal))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface CheckpointWriter {
  readonly directory: string
  readonly write: (data: Uint8Array, time: number) => Effect.Effect<void, LogClosedError | InvalidArgumentError>
  readonly writeAndAwait: (
    data: Uint8Array,
    time: number
  ) => Effect.Effect<WriteOutcome, FileSystemError | LogClosedError | InvalidArgumentError>
  readonly lastFailure: Effect.Effect<Option.Option<FileSystemError>>
  readonly close: Effect.Effect<void>
}

/**
 * Why starting a writer failed. The writer reads the newest valid checkpoint
 * of the directory at start (so it never writes one older than it), so a
 * checkpoint from a newer format version fails the start, as it fails
 * `CheckpointReader.read`.
 *
 * Mirrors the checks Spark runs when checkpointing is enabled.
 *
 * **Example**
 * ```ts
 * const tag = (e: CheckpointWriter.MakeError) => e._tag
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export type MakeError =
  | InvalidOptionError
  | DirectoryNotFoundError
  | DirectoryNotWritableError
  | FileSystemError
  | FileNotFoundError
  | UnsupportedFormatVersionError

/**
 * Starts a checkpoint writer; closing the scope finishes queued writes.
 *
 * Mirrors `new CheckpointWriter(jobGenerator, conf, checkpointDir, hadoopConf)`.
 *
 * **Example**
 * ```ts
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const writer = yield* CheckpointWriter.make({ directory: "/tmp/ckpt", keep: 3 })
 *   return yield* writer.writeAndAwait(new Uint8Array([1]), 2000)
 * })).pipe(Effect.provide(FileSystem.layerLocal))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: (options: Options) => Effect.Effect<CheckpointWriter, MakeError, FileSystem | Scope.Scope> = internal.make
