/**
 * A write-ahead log in rolling files on a `FileSystem`.
 *
 * Records are framed (magic, format version, lengths, CRC-32 of the header,
 * the length table and each record). A new file `log-<start>-<end>` starts
 * when a write's time passes the active file's end; `clean` deletes whole
 * files. See the checkpoint guide for exactly what survives a crash.
 *
 * @since 0.1.0
 */
import { Layer, type Effect, type Scope } from "effect"
import type {
  DirectoryNotFoundError,
  DirectoryNotWritableError,
  FileNotFoundError,
  FileSystemError,
  InvalidOptionError,
  InvalidArgumentError,
  CorruptDataError,
  RecordCleanedError,
  UnsupportedFormatVersionError
} from "./Errors.js"
import type { FileSystem } from "./FileSystem.js"
import * as internal from "./internal/fileWriteAheadLog.js"
import { WriteAheadLog, type DurabilityPolicy, type ReadAllResult, type RecordHandle } from "./WriteAheadLog.js"

/**
 * Options of a file-based log.
 *
 * - `directory`: where the log files live.
 * - `rollingIntervalMillis`: time span of one file (default 60 000).
 * - `durability`: when `write` completes (default `WriteAheadLog.sync("fdatasync")`).
 * - `maxRecordBytes`: largest record accepted (default 64 MiB).
 * - `createDirectory`: create a missing directory instead of failing (default false).
 *
 * Mirrors the `spark.streaming.*.writeAheadLog.*` settings of `FileBasedWriteAheadLog`.
 *
 * **Example**
 * ```ts
 * const options: FileWriteAheadLog.Options = { directory: "/var/tspark/wal", rollingIntervalMillis: 60_000 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly directory: string
  readonly rollingIntervalMillis?: number
  readonly durability?: DurabilityPolicy
  readonly maxRecordBytes?: number
  readonly createDirectory?: boolean
}

/**
 * Why opening a log failed.
 *
 * Mirrors the exceptions of Spark's `FileBasedWriteAheadLog` constructor.
 *
 * **Example**
 * ```ts
 * const tag = (e: FileWriteAheadLog.MakeError) => e._tag
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export type MakeError = InvalidOptionError | DirectoryNotFoundError | DirectoryNotWritableError | FileSystemError

/**
 * Opens a file-based log; closing the scope syncs and closes the active file.
 *
 * Mirrors `org.apache.spark.streaming.util.FileBasedWriteAheadLog`.
 *
 * **Example**
 * ```ts
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const log = yield* FileWriteAheadLog.make({ directory: "/tmp/wal" })
 *   yield* log.write(new Uint8Array([1, 2, 3]), 1000)
 * })).pipe(Effect.provide(FileSystem.layerLocal))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: (
  options: Options
) => Effect.Effect<WriteAheadLog["Service"], MakeError, FileSystem | Scope.Scope> = internal.make

/**
 * Provides `WriteAheadLog` as a file-based log.
 *
 * Mirrors `WriteAheadLogUtils.createLog` choosing `FileBasedWriteAheadLog`.
 *
 * **Example**
 * ```ts
 * const WalLive = FileWriteAheadLog.layer({ directory: "/tmp/wal" }).pipe(Layer.provide(FileSystem.layerLocal))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<WriteAheadLog, MakeError, FileSystem> =>
  Layer.effect(WriteAheadLog)(internal.make(options))

/**
 * Reads every record of a log directory without opening it for writing (for
 * recovery tools and tests). Torn tails and corrupt records are reported in
 * `problems`; a file of a newer format version fails.
 *
 * Mirrors `FileBasedWriteAheadLog.readAll` over a directory after a crash.
 *
 * **Example**
 * ```ts
 * const program = FileWriteAheadLog.readDirectory("/tmp/wal").pipe(Effect.provide(FileSystem.layerLocal))
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const readDirectory: (
  directory: string
) => Effect.Effect<ReadAllResult, FileSystemError | FileNotFoundError | UnsupportedFormatVersionError, FileSystem> = internal.readDirectory

/**
 * Reads one record by handle, verifying its checksum.
 *
 * Mirrors `FileBasedWriteAheadLogRandomReader.read`.
 *
 * **Example**
 * ```ts
 * const program = (h: WriteAheadLog.RecordHandle) => FileWriteAheadLog.readHandle(h).pipe(Effect.provide(FileSystem.layerLocal))
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const readHandle: (
  handle: RecordHandle
) => Effect.Effect<
  Uint8Array,
  FileSystemError | RecordCleanedError | CorruptDataError | InvalidArgumentError,
  FileSystem
> = internal.readHandle
