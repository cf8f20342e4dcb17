/**
 * Spark's `org.apache.spark.scheduler` package: the DAG scheduler and its
 * event loop, the task scheduler with its task set managers, pools and
 * schedulable builders, stages and tasks, the scheduler backends' contract and
 * the in-process backend, dynamic allocation (the client seam and core's
 * manager), the map output tracker, and the listener bus with its events. The cluster backend's modules (`scheduler/cluster/`, which
 * Spark keeps `private[spark]`) are not re-exported.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as DAGScheduler from "./DAGScheduler.js"
/** @since 0.1.0 */
export * as DAGSchedulerEventProcessLoop from "./DAGSchedulerEventProcessLoop.js"
/** @since 0.1.0 */
export * as EventLoggingListener from "./EventLoggingListener.js"
/** @since 0.1.0 */
export * as ExecutorAllocationClient from "./ExecutorAllocationClient.js"
/** @since 0.1.0 */
export * as ExecutorAllocationManager from "./ExecutorAllocationManager.js"
/** @since 0.1.0 */
export * as LiveListenerBus from "./LiveListenerBus.js"
/** @since 0.1.0 */
export * as LocalSchedulerBackend from "./local/LocalSchedulerBackend.js"
/** @since 0.1.0 */
export * as MapOutputTracker from "./MapOutputTracker.js"
/** @since 0.1.0 */
export * as Pool from "./Pool.js"
/** @since 0.1.0 */
export * as ReplayListenerBus from "./ReplayListenerBus.js"
/** @since 0.1.0 */
export * as SchedulableBuilder from "./SchedulableBuilder.js"
/** @since 0.1.0 */
export * as SchedulerBackend from "./SchedulerBackend.js"
/** @since 0.1.0 */
export * as SparkListener from "./SparkListener.js"
/** @since 0.1.0 */
export * as Stage from "./Stage.js"
/** @since 0.1.0 */
export * as Task from "./Task.js"
/** @since 0.1.0 */
export * as TaskContext from "./TaskContext.js"
/** @since 0.1.0 */
export * as TaskScheduler from "./TaskScheduler.js"
/** @since 0.1.0 */
export * as TaskSetManager from "./TaskSetManager.js"
