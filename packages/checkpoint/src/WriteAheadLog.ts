/**
 * The write-ahead log seam: append records durably, read them back by handle
 * or all at once after a crash, and clean old ones.
 *
 * @since 0.1.0
 */
import { Context, type Duration, Effect } from "effect"
import type {
  CorruptDataError,
  FileNotFoundError,
  FileSystemError,
  InvalidArgumentError,
  LogClosedError,
  RecordCleanedError,
  RecordTooLargeError,
  UnsupportedFormatVersionError
} from "./Errors.js"
import type { SyncMode } from "./FileSystem.js"
import { MAX_TIME as MAX_TIME_ } from "./internal/arguments.js"
import type * as Serializer from "./Serializer.js"

/**
 * The largest time (milliseconds) `write`, `writeBatch` and `clean` accept:
 * 2^52, about 142,000 years after the epoch. Times must be integers between 0
 * and `MAX_TIME`; anything else (NaN, Infinity, 1e21, -5000, 1.5) fails with
 * `InvalidArgumentError` before the disk is touched.
 *
 * Mirrors the `Long` milliseconds of Spark's `WriteAheadLog.write(record, time)`.
 *
 * **Example**
 * ```ts
 * const ok = Number.isInteger(t) && t >= 0 && t <= WriteAheadLog.MAX_TIME
 * ```
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_TIME: number = MAX_TIME_

/**
 * Where a record lives: the log file, the byte offset of its entry and the
 * entry's length. Valid until the file is cleaned.
 *
 * Mirrors `org.apache.spark.streaming.util.FileBasedWriteAheadLogSegment`
 * (a `WriteAheadLogRecordHandle`).
 *
 * **Example**
 * ```ts
 * const handle: WriteAheadLog.RecordHandle = { path: "/wal/log-0-60000", offset: 28, length: 1028 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RecordHandle {
  readonly path: string
  readonly offset: number
  readonly length: number
}

/**
 * A record returned by `readAll`, with the handle that reads it again.
 *
 * Mirrors the `ByteBuffer`s of Spark's `WriteAheadLog.readAll` iterator.
 *
 * **Example**
 * ```ts
 * const sizes = (all: WriteAheadLog.ReadAllResult) => all.records.map((r: WriteAheadLog.LogRecord) => r.data.length)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface LogRecord {
  readonly handle: RecordHandle
  readonly data: Uint8Array
}

/**
 * Something `readAll` skipped or found wrong: a torn tail (a frame cut off by
 * the end of a file, as left by a crash mid-write), a corrupt record (damaged
 * bytes in the middle of a file), or a broken chain (format version 2: a
 * segment missing between two others, segments out of order, a segment that
 * does not continue the one before it because that one was truncated at a
 * frame boundary or replaced, or a frame that does not continue the frames
 * before it). Damaged bytes are never returned as data.
 *
 * Mirrors the warnings Spark's `FileBasedWriteAheadLogReader` logs on a
 * truncated or unreadable segment.
 *
 * **Example**
 * ```ts
 * const describe = (p: WriteAheadLog.LogProblem) => `${p._tag} at ${p.path}:${p.offset}`
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type LogProblem =
  | { readonly _tag: "TornTail"; readonly path: string; readonly offset: number; readonly bytes: number }
  | {
    readonly _tag: "CorruptRecord"
    readonly path: string
    readonly offset: number
    readonly length: number
    readonly reason: string
  }
  | {
    readonly _tag: "BrokenChain"
    readonly path: string
    readonly offset: number
    readonly length: number
    readonly reason: string
  }

/**
 * The records of a log in write order, plus every problem met while reading.
 *
 * Mirrors the result of Spark's `WriteAheadLog.readAll`.
 *
 * **Example**
 * ```ts
 * const ok = (r: WriteAheadLog.ReadAllResult) => r.problems.length === 0
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReadAllResult {
  readonly records: ReadonlyArray<LogRecord>
  readonly problems: ReadonlyArray<LogProblem>
}

/**
 * What has to be true on disk before `write` completes.
 *
 * - `Sync`: the record's frame is written and then `fsync`/`fdatasync`ed.
 * - `GroupCommit`: the frame is written at once; `write` completes after the
 *   next periodic sync (every `interval`, on Effect's `Clock`), which covers
 *   every frame written since the previous one.
 * - `None`: the frame is handed to the OS (`write(2)`) and not synced: it
 *   survives a process kill, not a machine crash.
 *
 * Mirrors Spark's `hflush`-per-write policy of `FileBasedWriteAheadLogWriter`,
 * made explicit.
 *
 * **Example**
 * ```ts
 * const policy = WriteAheadLog.groupCommit("5 millis")
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type DurabilityPolicy =
  | { readonly _tag: "Sync"; readonly mode: SyncMode }
  | { readonly _tag: "GroupCommit"; readonly interval: Duration.Input; readonly mode: SyncMode }
  | { readonly _tag: "None" }

/**
 * Sync every write (or batch) before it completes.
 *
 * Mirrors Spark's per-write `hflush`, strengthened to a real sync.
 *
 * **Example**
 * ```ts
 * const policy = WriteAheadLog.sync("fdatasync")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const sync = (mode: SyncMode = "fdatasync"): DurabilityPolicy => ({ _tag: "Sync", mode })

/**
 * Complete writes at the next periodic sync.
 *
 * Mirrors the group commit of databases; Spark has no equivalent.
 *
 * **Example**
 * ```ts
 * const policy = WriteAheadLog.groupCommit("10 millis", "fdatasync")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const groupCommit = (interval: Duration.Input, mode: SyncMode = "fdatasync"): DurabilityPolicy => ({
  _tag: "GroupCommit",
  interval,
  mode
})

/**
 * Never sync: survives a process kill, not a power loss or kernel crash.
 *
 * Mirrors Spark with `closeFileAfterWrite = false` on a local file system.
 *
 * **Example**
 * ```ts
 * const policy = WriteAheadLog.none
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const none: DurabilityPolicy = { _tag: "None" }

/**
 * Any failure of a write.
 *
 * Mirrors the exceptions of Spark's `WriteAheadLog.write`.
 *
 * **Example**
 * ```ts
 * const handled = (e: WriteAheadLog.WriteError) => e._tag
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export type WriteError = FileSystemError | RecordTooLargeError | LogClosedError | InvalidArgumentError

/**
 * Any failure of a read by handle.
 *
 * Mirrors the exceptions of Spark's `WriteAheadLog.read`.
 *
 * **Example**
 * ```ts
 * const handled = (e: WriteAheadLog.ReadError) => e._tag
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export type ReadError = FileSystemError | RecordCleanedError | CorruptDataError | InvalidArgumentError

/**
 * Any failure of `clean`: a threshold that is not a time (see `MAX_TIME`), or
 * a file that could not be deleted.
 *
 * Mirrors the exceptions of Spark's `WriteAheadLog.clean`.
 *
 * **Example**
 * ```ts
 * const handled = (e: WriteAheadLog.CleanError) => e._tag
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export type CleanError = FileSystemError | InvalidArgumentError

/**
 * Any failure of `readAll`.
 *
 * Mirrors the exceptions of Spark's `WriteAheadLog.readAll`.
 *
 * **Example**
 * ```ts
 * const handled = (e: WriteAheadLog.ReadAllError) => e._tag
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export type ReadAllError = FileSystemError | FileNotFoundError | UnsupportedFormatVersionError | LogClosedError

/**
 * The write-ahead log service.
 *
 * `write` completes once the record is durable under the log's
 * `DurabilityPolicy`. `writeBatch` stores several records with one frame and
 * one sync. `readAll` returns every valid record in write order and reports
 * torn tails and corrupt records. `clean` deletes whole files whose time range
 * ends before `threshold` (never the file being written).
 *
 * Mirrors `org.apache.spark.streaming.util.WriteAheadLog`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const log = yield* WriteAheadLog.WriteAheadLog
 *   const handle = yield* log.write(new TextEncoder().encode("block-1"), 1000)
 *   return yield* log.read(handle)
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class WriteAheadLog extends Context.Service<WriteAheadLog, {
  /** The largest record (in bytes) `write` accepts. */
  readonly maxRecordBytes: number
  /**
   * Appends one record. Large records are written from the caller's buffer
   * without a copy, so do not change `record` until the write has completed.
   */
  readonly write: (record: Uint8Array, time: number) => Effect.Effect<RecordHandle, WriteError>
  readonly writeBatch: (
    records: ReadonlyArray<Uint8Array>,
    time: number
  ) => Effect.Effect<ReadonlyArray<RecordHandle>, WriteError>
  readonly read: (handle: RecordHandle) => Effect.Effect<Uint8Array, ReadError>
  readonly readAll: Effect.Effect<ReadAllResult, ReadAllError>
  readonly clean: (threshold: number, waitForCompletion: boolean) => Effect.Effect<void, CleanError>
  readonly close: Effect.Effect<void, FileSystemError>
}>()("@tspark/checkpoint/WriteAheadLog") {}

/**
 * A log of typed values, encoded through a `Serializer`.
 *
 * Mirrors how Spark's `ReceivedBlockTracker` serializes events into its WAL.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const log = WriteAheadLog.typed(yield* WriteAheadLog.WriteAheadLog, Serializer.json<{ id: number }>())
 *   yield* log.write({ id: 1 }, 1000)
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface TypedWriteAheadLog<A> {
  readonly write: (value: A, time: number) => Effect.Effect<RecordHandle, WriteError | Serializer.SerializationError>
  readonly read: (handle: RecordHandle) => Effect.Effect<A, ReadError | Serializer.SerializationError>
  readonly readAll: Effect.Effect<
    { readonly values: ReadonlyArray<A>; readonly problems: ReadonlyArray<LogProblem> },
    ReadAllError | Serializer.SerializationError
  >
}

/**
 * Views a byte log as a log of values.
 *
 * Mirrors the serialize-then-write pattern of Spark's WAL users.
 *
 * **Example**
 * ```ts
 * const events = (log: WriteAheadLog.WriteAheadLog["Service"]) => WriteAheadLog.typed(log, Serializer.json<string>())
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const typed = <A>(log: WriteAheadLog["Service"], serializer: Serializer.Serializer<A>): TypedWriteAheadLog<A> => ({
  write: (value, time) => Effect.flatMap(serializer.encode(value), (bytes) => log.write(bytes, time)),
  read: (handle) => Effect.flatMap(log.read(handle), serializer.decode),
  readAll: Effect.flatMap(log.readAll, (all) =>
    Effect.map(
      Effect.forEach(all.records, (r) => serializer.decode(r.data)),
      (values) => ({ values, problems: all.problems })
    ))
})
