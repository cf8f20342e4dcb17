/**
 * Tagged errors shared by the write-ahead logs, checkpoint files and the
 * file-system seam. Every message says what to change.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * A file-system operation failed (I/O error, permission, disk full).
 *
 * Mirrors the `IOException`s Spark's `HdfsUtils` and `FileSystem` calls throw.
 *
 * **Example**
 * ```ts
 * const error = new FileSystemError({ operation: "write", path: "/wal/log-0-60000", code: "ENOSPC", detail: "no space left on device" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class FileSystemError extends Data.TaggedError("FileSystemError")<{
  readonly operation: string
  readonly path: string
  readonly code: string
  readonly detail: string
}> {
  override get message(): string {
    return `${this.operation} ${this.path} failed (${this.code}): ${this.detail}. ` +
      `Check that the path is on a writable, mounted file system with free space.`
  }
}

/**
 * A file that was expected to exist does not.
 *
 * Mirrors the `FileNotFoundException` of Hadoop's `FileSystem.open`.
 *
 * **Example**
 * ```ts
 * const error = new FileNotFoundError({ path: "/ckpt/checkpoint-1000" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class FileNotFoundError extends Data.TaggedError("FileNotFoundError")<{
  readonly path: string
}> {
  override get message(): string {
    return `${this.path} does not exist. Check the path, or whether another process deleted it.`
  }
}

/**
 * The log or checkpoint directory does not exist.
 *
 * Mirrors Spark's failure when `streaming.checkpoint` points to a missing directory.
 *
 * **Example**
 * ```ts
 * const error = new DirectoryNotFoundError({ path: "/missing/wal" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class DirectoryNotFoundError extends Data.TaggedError("DirectoryNotFoundError")<{
  readonly path: string
}> {
  override get message(): string {
    return `Directory ${this.path} does not exist. Create it first, or pass \`createDirectory: true\`.`
  }
}

/**
 * The log or checkpoint directory exists but cannot be written (not a
 * directory, read-only, or no permission).
 *
 * Mirrors Spark's `IOException` when the checkpoint directory is not writable.
 *
 * **Example**
 * ```ts
 * const error = new DirectoryNotWritableError({ path: "/ro/wal", reason: "EROFS" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class DirectoryNotWritableError extends Data.TaggedError("DirectoryNotWritableError")<{
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `Directory ${this.path} cannot be written (${this.reason}). ` +
      `Point the log/checkpoint at a writable directory, or fix its permissions.`
  }
}

/**
 * A file was written by a newer format version than this library reads.
 *
 * Mirrors Spark's refusal to read a checkpoint from an incompatible version.
 *
 * **Example**
 * ```ts
 * const error = new UnsupportedFormatVersionError({ path: "/wal/log-0-60000", offset: 0, version: 9, supported: 1 })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class UnsupportedFormatVersionError extends Data.TaggedError("UnsupportedFormatVersionError")<{
  readonly path: string
  readonly offset: number
  readonly version: number
  readonly supported: number
}> {
  override get message(): string {
    return `${this.path} (offset ${this.offset}) uses format version ${this.version}, ` +
      `but this @tspark/checkpoint reads up to version ${this.supported}. Upgrade @tspark/checkpoint to read it.`
  }
}

/**
 * A record handle points into a log file that `clean` has deleted.
 *
 * Mirrors the failure of Spark's `FileBasedWriteAheadLog.read` on a cleaned segment.
 *
 * **Example**
 * ```ts
 * const error = new RecordCleanedError({ path: "/wal/log-0-60000", offset: 0 })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class RecordCleanedError extends Data.TaggedError("RecordCleanedError")<{
  readonly path: string
  readonly offset: number
}> {
  override get message(): string {
    return `The record at ${this.path}:${this.offset} is gone: its log file was deleted by clean(). ` +
      `Clean with a threshold older than the records you still need to read.`
  }
}

/**
 * A record exceeds the configured maximum record size.
 *
 * Mirrors the record-size limits of Spark's WAL writers.
 *
 * **Example**
 * ```ts
 * const error = new RecordTooLargeError({ size: 200_000_000, maxRecordBytes: 64 * 1024 * 1024 })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class RecordTooLargeError extends Data.TaggedError("RecordTooLargeError")<{
  readonly size: number
  readonly maxRecordBytes: number
}> {
  override get message(): string {
    return `A record of ${this.size} bytes exceeds maxRecordBytes (${this.maxRecordBytes}). ` +
      `Split the record into smaller ones, or raise maxRecordBytes.`
  }
}

/**
 * A record or file failed its checksum, framing or length check.
 *
 * Mirrors the checksum failures Spark's HDFS streams raise on corrupt blocks.
 *
 * **Example**
 * ```ts
 * const error = new CorruptDataError({ path: "/wal/log-0-60000", offset: 4096, reason: "checksum mismatch" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class CorruptDataError extends Data.TaggedError("CorruptDataError")<{
  readonly path: string
  readonly offset: number
  readonly reason: string
}> {
  override get message(): string {
    return `Corrupt data in ${this.path} at offset ${this.offset}: ${this.reason}. ` +
      `The bytes on disk were damaged or truncated; restore the file from a replica or discard it.`
  }
}

/**
 * The log (or checkpoint writer) was used after `close()`.
 *
 * Mirrors Spark's `IllegalStateException` on a stopped write-ahead log.
 *
 * **Example**
 * ```ts
 * const error = new LogClosedError({ path: "/wal" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class LogClosedError extends Data.TaggedError("LogClosedError")<{
  readonly path: string
}> {
  override get message(): string {
    return `${this.path} was closed. Open a new log (or writer) instead of reusing a closed one.`
  }
}

/**
 * An option was out of range.
 *
 * Mirrors Spark's `require(...)` checks on configuration.
 *
 * **Example**
 * ```ts
 * const error = new InvalidOptionError({ option: "rollingIntervalMillis", value: 0, expected: "a positive number" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidOptionError extends Data.TaggedError("InvalidOptionError")<{
  readonly option: string
  readonly value: unknown
  readonly expected: string
}> {
  override get message(): string {
    return `Option ${this.option} = ${String(this.value)} is invalid: expected ${this.expected}.`
  }
}

/**
 * An argument of a write, clean or read call was not what it must be (a time
 * that is not a non-negative safe integer within `MAX_TIME`, a record that is
 * not bytes, ...). The call failed before touching the disk: no file was
 * created and the log or writer stays usable.
 *
 * Mirrors Spark's `require(...)` checks on method arguments (`IllegalArgumentException`).
 *
 * **Example**
 * ```ts
 * const error = new InvalidArgumentError({
 *   operation: "WriteAheadLog.write",
 *   argument: "record",
 *   expected: "bytes (a Uint8Array or Buffer)",
 *   received: "string"
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidArgumentError extends Data.TaggedError("InvalidArgumentError")<{
  readonly operation: string
  readonly argument: string
  readonly expected: string
  readonly received: string
}> {
  override get message(): string {
    return `${this.operation}: ${this.argument} must be ${this.expected}, but received ${this.received}. ` +
      `Pass ${this.expected}; nothing was written.`
  }
}
