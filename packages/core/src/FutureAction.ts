/**
 * The handle of a job submitted without waiting for it (`sc.submitJob`):
 * its id, an effect that waits for its result and one that cancels it.
 *
 * Mirrors `org.apache.spark.FutureAction`.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { RDDError } from "./rdd/RDD.js"

/**
 * A running job, as returned by `submitJob`.
 *
 * Mirrors `org.apache.spark.FutureAction`.
 *
 * **Example**
 * ```ts
 * const handle = yield* sc.submitJob(rdd, (it) => [...it])
 * const results = yield* handle.await
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface JobHandle<A> {
  readonly jobId: number
  /** Waits for the job's result. */
  readonly await: Effect.Effect<A, RDDError>
  /** Cancels the job; `await` then fails with `JobCancelledError`. */
  readonly cancel: Effect.Effect<void>
}
