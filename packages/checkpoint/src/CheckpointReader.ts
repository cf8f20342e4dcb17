/**
 * Finds the newest checkpoint that validates.
 *
 * Candidates are `checkpoint-<time>` and `checkpoint-<time>.bk`, newest time
 * first (the main file before its backup). Each candidate must pass its
 * header and data checksums and hold the time its name says; every one that
 * does not (truncated, bad checksum, a directory with a checkpoint file's
 * name, unreadable, deleted meanwhile, holding another time) is reported in
 * `skipped` with a typed `kind` and the reason, logged with
 * `Effect.logWarning`, and the next older one is tried. A file written by a newer format version fails the read with
 * `UnsupportedFormatVersionError` instead of silently falling back to older
 * state.
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type { FileSystemError, UnsupportedFormatVersionError } from "./Errors.js"
import type { FileSystem } from "./FileSystem.js"
import * as internal from "./internal/checkpointReader.js"

/**
 * A checkpoint that validated.
 *
 * Mirrors the deserialized `org.apache.spark.streaming.Checkpoint`, as bytes.
 *
 * **Example**
 * ```ts
 * const time = (c: CheckpointReader.Checkpoint) => c.time
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Checkpoint {
  readonly path: string
  readonly time: number
  readonly data: Uint8Array
}

/**
 * Why a candidate was skipped:
 *
 * - `Corrupt`: truncated, bad magic, a header or data checksum mismatch.
 * - `NotAFile`: a directory (or other non-file) has the candidate's name.
 * - `Unreadable`: reading failed (permission, I/O error).
 * - `Deleted`: the file disappeared between the listing and the read.
 * - `TimeMismatch`: the file holds another time than its name says.
 *
 * Mirrors the causes of the "Error reading checkpoint from file" warnings of Spark's `CheckpointReader`.
 *
 * **Example**
 * ```ts
 * const damaged = (k: CheckpointReader.SkipKind) => k === "Corrupt"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type SkipKind = "Corrupt" | "NotAFile" | "Unreadable" | "Deleted" | "TimeMismatch"

/**
 * A candidate file that was not used, and why (`kind`, and a `reason` in words).
 *
 * Mirrors the "Error reading checkpoint from file" warnings of Spark's `CheckpointReader`.
 *
 * **Example**
 * ```ts
 * const line = (s: CheckpointReader.Skipped) => `${s.path} (${s.kind}): ${s.reason}`
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Skipped {
  readonly path: string
  readonly kind: SkipKind
  readonly reason: string
}

/**
 * The newest valid checkpoint (none if the directory is missing or holds no
 * valid one) and every newer candidate that was skipped.
 *
 * Mirrors the `Option[Checkpoint]` of `CheckpointReader.read`.
 *
 * **Example**
 * ```ts
 * const found = (r: CheckpointReader.ReadResult) => Option.isSome(r.checkpoint)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReadResult {
  readonly checkpoint: Option.Option<Checkpoint>
  readonly skipped: ReadonlyArray<Skipped>
}

/**
 * Reads the newest valid checkpoint of a directory.
 *
 * Mirrors `org.apache.spark.streaming.CheckpointReader.read`.
 *
 * **Example**
 * ```ts
 * const program = CheckpointReader.read("/tmp/ckpt").pipe(Effect.provide(FileSystem.layerLocal))
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const read: (
  directory: string
) => Effect.Effect<ReadResult, FileSystemError | UnsupportedFormatVersionError, FileSystem> = internal.read
