/**
 * @tspark/streaming: Spark Streaming on `@tspark/core`: StreamingContext
 * (with its Promise facade, StreamingContextPromise), DStreams (one module
 * per Spark DStream family), DStreamGraph, JobScheduler (which owns the
 * JobGenerator), Job and JobSet, InputInfoTracker and listeners, the
 * receivers' driver side (ReceivedBlockTracker, ReceiverSchedulingPolicy,
 * ReceiverInfo), and TransactionalOutput for exactly-once writes to a
 * transactional store.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Checkpoint from "./Checkpoint.js"
/** @since 0.1.0 */
export * from "./dstream/index.js"
/** @since 0.1.0 */
export * as StreamingDuration from "./Duration.js"
/** @since 0.1.0 */
export * as DStreamGraph from "./DStreamGraph.js"
/** @since 0.1.0 */
export * as ExecutorAllocationManager from "./scheduler/ExecutorAllocationManager.js"
/** @since 0.1.0 */
export * as InputInfoTracker from "./scheduler/InputInfoTracker.js"
/** @since 0.1.0 */
export * as Job from "./scheduler/Job.js"
/** @since 0.1.0 */
export * as JobGenerator from "./scheduler/JobGenerator.js"
/** @since 0.1.0 */
export * as JobScheduler from "./scheduler/JobScheduler.js"
/** @since 0.1.0 */
export * as JobSet from "./scheduler/JobSet.js"
/** @since 0.1.0 */
export * as ReceivedBlockInfo from "./scheduler/ReceivedBlockInfo.js"
/** @since 0.1.0 */
export * as ReceivedBlockTracker from "./scheduler/ReceivedBlockTracker.js"
/** @since 0.1.0 */
export * as ReceiverInfo from "./scheduler/ReceiverInfo.js"
/** @since 0.1.0 */
export * as ReceiverSchedulingPolicy from "./scheduler/ReceiverSchedulingPolicy.js"
/** @since 0.1.0 */
export * as RecurringTimer from "./scheduler/RecurringTimer.js"
/** @since 0.1.0 */
export * as WriteAheadLogBackedBlockRDD from "./rdd/WriteAheadLogBackedBlockRDD.js"
/** @since 0.1.0 */
export * as StreamingListener from "./scheduler/StreamingListener.js"
/** @since 0.1.0 */
export * as StreamingListenerBus from "./scheduler/StreamingListenerBus.js"
/** @since 0.1.0 */
export * as StreamingJobProgressListener from "./ui/StreamingJobProgressListener.js"
/** @since 0.1.0 */
export * as StreamingTab from "./ui/StreamingTab.js"
/** @since 0.1.0 */
export * as StreamingHistoryServerPlugin from "./ui/StreamingHistoryServerPlugin.js"
/** @since 0.1.0 */
export * as StreamingContext from "./StreamingContext.js"
/** @since 0.1.0 */
export * as StreamingContextPromise from "./StreamingContextPromise.js"
/** @since 0.1.0 */
export * as StreamingError from "./StreamingError.js"
/** @since 0.1.0 */
export * as Time from "./Time.js"
/** @since 0.1.0 */
export * as TransactionalOutput from "./TransactionalOutput.js"

/**
 * The package's version.
 *
 * @category models
 * @since 0.1.0
 */
export const version = "0.1.0"
