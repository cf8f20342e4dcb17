/**
 * Files written atomically in a checksummed, versioned frame: the building
 * block of checkpoint files here and of reliable RDD checkpoint files in
 * `@tspark/core`. A reader either gets exactly the bytes that were written or
 * a typed error; never a half-written or damaged file.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CorruptDataError, FileNotFoundError, FileSystemError, InvalidArgumentError, UnsupportedFormatVersionError } from "./Errors.js"
import type { FileSystem } from "./FileSystem.js"
import * as internal from "./internal/checkpointFile.js"

/**
 * The newest frame version this library writes and reads.
 *
 * Mirrors the format version Spark writes into checkpoint files.
 *
 * **Example**
 * ```ts
 * const v = CheckpointFile.formatVersion // 1
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const formatVersion: number = internal.VERSION

/**
 * Frames bytes: a 24-byte header (magic, version, length, CRC-32 of the data
 * and of the header) followed by the data. Returned as chunks to write in order.
 *
 * Mirrors the serialization half of `Checkpoint.serialize`.
 *
 * **Example**
 * ```ts
 * const chunks = CheckpointFile.encode(new Uint8Array([1, 2, 3]))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const encode: (data: Uint8Array) => ReadonlyArray<Uint8Array> = internal.encode

/**
 * Checks and strips the frame: fails with `CorruptDataError` (truncated, bad
 * magic, bad checksum) or `UnsupportedFormatVersionError`.
 *
 * Mirrors the validation half of `Checkpoint.deserialize`.
 *
 * **Example**
 * ```ts
 * const data = CheckpointFile.decode("in-memory", someBytes)
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const decode: (
  path: string,
  bytes: Uint8Array
) => Effect.Effect<Uint8Array, CorruptDataError | UnsupportedFormatVersionError> = internal.decode

/**
 * Writes `directory/name` atomically and durably: the framed bytes go to a
 * temp file in the same directory, which is fsynced, renamed over the target
 * and then the directory is fsynced. Returns the target path. After a crash,
 * the target holds either the old content or the complete new content.
 * `name` must be a plain file name (no separator, not `.` or `..`) and `data`
 * bytes; otherwise it fails with `InvalidArgumentError` and writes nothing.
 *
 * Mirrors `ReliableCheckpointRDD.writePartitionToCheckpointFile` (temp file + rename).
 *
 * **Example**
 * ```ts
 * const program = CheckpointFile.writeAtomic("/ckpt/rdd-7", "part-00000", bytes).pipe(
 *   Effect.provide(FileSystem.layerLocal)
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const writeAtomic: (
  directory: string,
  name: string,
  data: Uint8Array
) => Effect.Effect<string, FileSystemError | InvalidArgumentError, FileSystem> = internal.writeAtomic

/**
 * Reads and validates a file written by `writeAtomic`.
 *
 * Mirrors `ReliableCheckpointRDD.readCheckpointFile`.
 *
 * **Example**
 * ```ts
 * const program = CheckpointFile.read("/ckpt/rdd-7/part-00000").pipe(Effect.provide(FileSystem.layerLocal))
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const read: (
  path: string
) => Effect.Effect<
  Uint8Array,
  FileSystemError | FileNotFoundError | CorruptDataError | UnsupportedFormatVersionError,
  FileSystem
> = internal.read
