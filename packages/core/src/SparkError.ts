/**
 * The typed errors of `@tspark/core`. Each message says what to change.
 *
 * Mirrors the exceptions Spark throws at its public entry points
 * (`IllegalArgumentException`, `SparkException`, `TaskNotSerializable`).
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * An argument to a public entry point was invalid.
 *
 * **Example**
 * ```ts
 * new InvalidArgumentError({ method: "parallelize", message: "numSlices must be positive, got 0" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidArgumentError extends Data.TaggedError("InvalidArgumentError")<{
  readonly method: string
  readonly message: string
}> {}

/**
 * An operation is not defined for its input: an action that needs at least one
 * element (`reduce`, `first`, `max`, `stats` on an RDD without partitions, ...)
 * ran on an empty RDD, or `histogram` met NaN or an infinite value.
 *
 * Mirrors Spark's `UnsupportedOperationException` ("empty collection").
 *
 * **Example**
 * ```ts
 * const error = yield* Effect.flip(sc.emptyRDD<number>().reduce((a, b) => a + b))
 * error._tag // "UnsupportedOperationError"; error.message starts with "empty collection"
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class UnsupportedOperationError extends Data.TaggedError("UnsupportedOperationError")<{
  readonly method: string
  readonly message: string
}> {}

/**
 * An operation was attempted on a `SparkContext` that has been stopped.
 *
 * Mirrors Spark's "Cannot call methods on a stopped SparkContext".
 *
 * @category errors
 * @since 0.1.0
 */
export class SparkContextStoppedError extends Data.TaggedError("SparkContextStoppedError")<{
  readonly operation: string
  readonly message: string
}> {}

/**
 * The master string did not name a known backend.
 *
 * @category errors
 * @since 0.1.0
 */
export class UnknownMasterError extends Data.TaggedError("UnknownMasterError")<{
  readonly master: string
  readonly message: string
}> {}

/**
 * A job failed: a stage was aborted because a task failed too often, or an
 * action's own logic failed. `cause` carries the task's error.
 *
 * Mirrors `org.apache.spark.SparkException: Job aborted due to stage failure`.
 *
 * @category errors
 * @since 0.1.0
 */
export class JobFailedError extends Data.TaggedError("JobFailedError")<{
  readonly jobId: number
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * A job was cancelled (directly, through its job group, or because the
 * context stopped).
 *
 * @category errors
 * @since 0.1.0
 */
export class JobCancelledError extends Data.TaggedError("JobCancelledError")<{
  readonly jobId: number
  readonly message: string
}> {}

/**
 * An RDD that was already persisted was asked to change its storage level.
 *
 * Mirrors Spark's "Cannot change storage level of an RDD after it was already assigned a level".
 *
 * @category errors
 * @since 0.1.0
 */
export class StorageLevelChangeError extends Data.TaggedError("StorageLevelChangeError")<{
  readonly rddId: number
  readonly message: string
}> {}

/**
 * Two RDDs that must share a partitioning did not, or a partitioner was unfit
 * for its keys.
 *
 * @category errors
 * @since 0.1.0
 */
export class PartitionerMismatchError extends Data.TaggedError("PartitionerMismatchError")<{
  readonly message: string
}> {}

/**
 * A checkpoint could not be written or read.
 *
 * @category errors
 * @since 0.1.0
 */
export class CheckpointError extends Data.TaggedError("CheckpointError")<{
  readonly rddId: number
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * A task's result could not be serialized to go back to the driver (it holds
 * a function, a Symbol, a WeakMap, ...: anything `v8.serialize` and
 * `structuredClone` refuse). The task fails with this error and the executor
 * lives on; like any task failure it is retried up to `spark.task.maxFailures`
 * times, then the job fails with it as its cause.
 *
 * Mirrors the `java.io.NotSerializableException` a Spark task fails with when its result is not serializable.
 *
 * **Example**
 * ```ts
 * const failed = sc.parallelize([1]).map(() => () => 1).collect() // JobFailedError, cause: TaskResultNotSerializableError
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class TaskResultNotSerializableError extends Data.TaggedError("TaskResultNotSerializableError")<{
  readonly taskId: number
  /** The refused value's type and where it sits in the result, e.g. `function f at [2].g`. */
  readonly valueType: string
  readonly message: string
}> {}

/**
 * Tasks were pending while no executor was alive for
 * `spark.scheduler.executorWaitTimeout`: every executor was lost and none
 * was replaced (replacement disabled, or `spark.deploy.maxExecutorRetries`
 * exhausted), or none ever registered.
 *
 * Mirrors Spark's standalone "Application has been killed. Reason: Master removed our application".
 *
 * **Example**
 * ```ts
 * const sc = yield* SparkContext.make({ master: "local-cluster[2,1,512]", conf: { "spark.scheduler.executorWaitTimeout": "30s" } })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ExecutorWaitTimeoutError extends Data.TaggedError("ExecutorWaitTimeoutError")<{
  readonly waitedMs: number
  readonly message: string
}> {}

/**
 * Any error an action can fail with.
 *
 * @category errors
 * @since 0.1.0
 */
export type ActionError = JobFailedError | JobCancelledError | SparkContextStoppedError

/**
 * Renders an unknown thrown value as text, for error messages.
 *
 * @category getters
 * @since 0.1.0
 */
export const describeCause = (cause: unknown): string => cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
