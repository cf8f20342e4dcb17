/**
 * One output operation's work for one batch.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.Job`.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"

/**
 * One output operation's work for one batch: an Effect that runs the
 * operation's RDD action.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.Job`.
 *
 * **Example**
 * ```ts
 * const job: Job.Job = { time: 1000, outputOpId: 0, description: "print", run: Effect.void }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Job {
  readonly time: number
  readonly outputOpId: number
  readonly description: string
  readonly run: Effect.Effect<void, unknown>
}
