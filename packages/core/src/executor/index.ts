/**
 * Spark's `org.apache.spark.executor` package: the executor that runs shipped
 * tasks and the backend that connects it to the driver.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as CoarseGrainedExecutorBackend from "./CoarseGrainedExecutorBackend.js"
/** @since 0.1.0 */
export * as Executor from "./Executor.js"
/** @since 0.1.0 */
export * as TaskMetrics from "./TaskMetrics.js"
