/**
 * The file-system seam under the write-ahead logs and checkpoint files.
 *
 * The logs and checkpoint writers only talk to this service, so the same
 * callers run over a local directory today and over shared storage later by
 * swapping the layer.
 *
 * @since 0.1.0
 */
import { Context, Layer, type Effect, type Option } from "effect"
import type { DirectoryNotFoundError, DirectoryNotWritableError, FileNotFoundError, FileSystemError } from "./Errors.js"
import * as internal from "./internal/localFileSystem.js"

/**
 * How an appended file is made durable: `fsync` flushes data and metadata,
 * `fdatasync` flushes data and only the metadata needed to read it back.
 *
 * Mirrors the `hflush`/`hsync` choice of Spark's HDFS log writer.
 *
 * **Example**
 * ```ts
 * const mode: FileSystem.SyncMode = "fdatasync"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type SyncMode = "fsync" | "fdatasync"

/**
 * A file opened for appending. Writes go to the end of the file in call order.
 *
 * Mirrors Hadoop's `FSDataOutputStream` as used by `FileBasedWriteAheadLogWriter`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const fs = yield* FileSystem.FileSystem
 *   const file = yield* fs.openAppend("/tmp/wal/log-0-1000")
 *   yield* file.append([new Uint8Array([1, 2, 3])])
 *   yield* file.sync("fdatasync")
 *   yield* file.close
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface AppendFile {
  readonly path: string
  /** Bytes in the file, including everything appended through this handle. */
  readonly size: () => number
  /** Appends the chunks, in order, as one contiguous write at the end of the file. Issue one append at a time (the logs do, under their lock). */
  readonly append: (chunks: ReadonlyArray<Uint8Array>) => Effect.Effect<void, FileSystemError>
  readonly sync: (mode: SyncMode) => Effect.Effect<void, FileSystemError>
  readonly close: Effect.Effect<void, FileSystemError>
}

/**
 * What `stat` reports about a path.
 *
 * Mirrors Hadoop's `FileStatus`.
 *
 * **Example**
 * ```ts
 * const info: FileSystem.FileInfo = { size: 10, isDirectory: false }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface FileInfo {
  readonly size: number
  readonly isDirectory: boolean
}

/**
 * The storage operations the logs and checkpoints need, and nothing more.
 *
 * Mirrors the subset of Hadoop's `FileSystem` that Spark's `HdfsUtils` and
 * `Checkpoint` use.
 *
 * **Example**
 * ```ts
 * const names = FileSystem.FileSystem.use((fs) => fs.list("/tmp/wal"))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class FileSystem extends Context.Service<FileSystem, {
  /** Joins path segments with the store's separator. */
  readonly join: (...parts: ReadonlyArray<string>) => string
  readonly stat: (path: string) => Effect.Effect<Option.Option<FileInfo>, FileSystemError>
  readonly makeDirectory: (path: string) => Effect.Effect<void, FileSystemError>
  /** Fails unless `path` is an existing directory this process can create files in. */
  readonly checkWritableDirectory: (
    path: string
  ) => Effect.Effect<void, DirectoryNotFoundError | DirectoryNotWritableError>
  /** Names (not paths) of the entries in a directory. */
  readonly list: (directory: string) => Effect.Effect<ReadonlyArray<string>, FileSystemError | FileNotFoundError>
  readonly readFile: (path: string) => Effect.Effect<Uint8Array, FileSystemError | FileNotFoundError>
  readonly readRange: (
    path: string,
    offset: number,
    length: number
  ) => Effect.Effect<Uint8Array, FileSystemError | FileNotFoundError>
  /** Creates a new file for appending; fails if it exists. */
  readonly createAppend: (path: string) => Effect.Effect<AppendFile, FileSystemError>
  /** Writes a whole new file (failing if it exists), optionally synced before close. */
  readonly writeNewFile: (
    path: string,
    chunks: ReadonlyArray<Uint8Array>,
    sync: SyncMode | "none"
  ) => Effect.Effect<void, FileSystemError>
  /** Renames atomically, replacing `to` if it exists. */
  readonly rename: (from: string, to: string) => Effect.Effect<void, FileSystemError>
  /** Deletes a file; deleting a missing file succeeds. */
  readonly remove: (path: string) => Effect.Effect<void, FileSystemError>
  /** Makes the directory's entries (creates, renames, deletes) durable. */
  readonly syncDirectory: (path: string) => Effect.Effect<void, FileSystemError>
}>()("@tspark/checkpoint/FileSystem") {}

/**
 * Builds the local-disk file system (Node's `fs/promises`).
 *
 * Mirrors Hadoop's `LocalFileSystem`.
 *
 * **Example**
 * ```ts
 * const fs = FileSystem.makeLocal()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeLocal: () => FileSystem["Service"] = internal.makeLocal

/**
 * Provides `FileSystem` backed by the local disk.
 *
 * Mirrors Hadoop's `LocalFileSystem`.
 *
 * **Example**
 * ```ts
 * const program = Effect.provide(FileWriteAheadLog.readDirectory("/tmp/wal"), FileSystem.layerLocal)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerLocal: Layer.Layer<FileSystem> = Layer.sync(FileSystem)(internal.makeLocal)
