/**
 * The typed errors of `@tspark/streaming`. Each message says what to change.
 *
 * @since 0.1.0
 */
import type { ExecutorAllocationClient, ExecutorAllocationManager } from "@tspark/core"
import { Data } from "effect"
import type { ReceiverConfigError, ReceiverNotShippableError } from "./receiver/ReceiverError.js"

/**
 * A duration, window or slide was invalid, or a stream was built from parts
 * that do not fit together.
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidStreamError extends Data.TaggedError("InvalidStreamError")<{
  readonly stream: string
  readonly message: string
}> {}

/**
 * A lifecycle call came at the wrong time: starting a stopped context,
 * adding operations after start, a second active context.
 *
 * Mirrors Spark's `IllegalStateException` from `StreamingContext`.
 *
 * @category errors
 * @since 0.1.0
 */
export class IllegalStateError extends Data.TaggedError("IllegalStateError")<{
  readonly message: string
}> {}

/**
 * An output operation's job failed. `awaitTermination` fails with it.
 *
 * @category errors
 * @since 0.1.0
 */
export class StreamingJobError extends Data.TaggedError("StreamingJobError")<{
  readonly batchTime: number
  readonly outputOpId: number
  readonly message: string
  readonly cause: unknown
}> {}

/**
 * Recovery from a checkpoint directory is refused: the application's graph
 * does not have the checkpoint's shape, it holds streams whose state cannot
 * be restored yet, or the newest checkpoint cannot be read. The message says
 * which and what to do.
 *
 * Mirrors the `SparkException`s of `StreamingContext.getOrCreate` and
 * `CheckpointReader`.
 *
 * **Example**
 * ```ts
 * new CheckpointRecoveryError({ directory: "/tmp/ckpt", message: "stream 2 is ..." })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class CheckpointRecoveryError extends Data.TaggedError("CheckpointRecoveryError")<{
  readonly directory: string
  readonly message: string
}> {}

/**
 * Any error a streaming call can fail with.
 *
 * @category errors
 * @since 0.1.0
 */
export type StreamingError =
  // Streaming's dynamic allocation, when on, checks its settings and the cluster at start.
  | ExecutorAllocationManager.DynamicAllocationConfigError
  | ExecutorAllocationClient.ExecutorAllocationError
  | CheckpointRecoveryError
  | InvalidStreamError
  | IllegalStateError
  | StreamingJobError
  | ReceiverNotShippableError
  | ReceiverConfigError
