/**
 * Builds the pool tree: in FIFO mode every task set manager goes to the root
 * pool; in FAIR mode to the pool named by the job's `spark.scheduler.pool`
 * property (created with default settings when not configured). Implemented
 * in `internal/scheduler/pool`.
 *
 * Mirrors `org.apache.spark.scheduler.SchedulableBuilder`,
 * `FIFOSchedulableBuilder` and `FairSchedulableBuilder`.
 *
 * @since 0.1.0
 */
import type * as internal from "../internal/scheduler/pool.js"

/**
 * A builder of the pool tree for one scheduling mode.
 *
 * **Example**
 * ```ts
 * builder.addTaskSetManager(manager, properties)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type SchedulableBuilder<T extends internal.PoolLeaf> = internal.SchedulableBuilder<T>
