/**
 * @tspark/core: Spark's RDD engine on Effect: RDDs with lineage, a DAG
 * scheduler that cuts stages at shuffle boundaries, a task scheduler over
 * pluggable backends, a BlockManager, shuffle, caching and checkpointing.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Accumulator from "./Accumulator.js"
/** @since 0.1.0 */
export * as AppHistoryServerPlugin from "./deploy/history/AppHistoryServerPlugin.js"
/** @since 0.1.0 */
export * as ApplicationHistoryProvider from "./deploy/history/ApplicationHistoryProvider.js"
/** @since 0.1.0 */
export * as FsHistoryProvider from "./deploy/history/FsHistoryProvider.js"
/** @since 0.1.0 */
export * as HistoryPage from "./deploy/history/HistoryPage.js"
/** @since 0.1.0 */
export * as HistoryServer from "./deploy/history/HistoryServer.js"
/** @since 0.1.0 */
export * as AppStatusListener from "./status/AppStatusListener.js"
/** @since 0.1.0 */
export * as StatusApi from "./status/api.js"
/** @since 0.1.0 */
export * as Broadcast from "./Broadcast.js"
/** @since 0.1.0 */
export * as ContextCleaner from "./ContextCleaner.js"
/** @since 0.1.0 */
export * as Dependency from "./rdd/Dependency.js"
/** @since 0.1.0 */
export * as Partition from "./rdd/Partition.js"
/** @since 0.1.0 */
export * as Partitioner from "./rdd/Partitioner.js"
/** @since 0.1.0 */
export * as RDD from "./rdd/RDD.js"
/** @since 0.1.0 */
export * as RpcEndpoint from "./rpc/RpcEndpoint.js"
/** @since 0.1.0 */
export * as RpcEnv from "./rpc/RpcEnv.js"
/** @since 0.1.0 */
export * as DAGScheduler from "./scheduler/DAGScheduler.js"
/** @since 0.1.0 */
export * as DAGSchedulerEventProcessLoop from "./scheduler/DAGSchedulerEventProcessLoop.js"
/** @since 0.1.0 */
export * as EventLoggingListener from "./scheduler/EventLoggingListener.js"
/** @since 0.1.0 */
export * as ExecutorAllocationClient from "./scheduler/ExecutorAllocationClient.js"
/** @since 0.1.0 */
export * as ExecutorAllocationManager from "./scheduler/ExecutorAllocationManager.js"
/** @since 0.1.0 */
export * as LiveListenerBus from "./scheduler/LiveListenerBus.js"
/** @since 0.1.0 */
export * as LocalSchedulerBackend from "./scheduler/local/LocalSchedulerBackend.js"
/** @since 0.1.0 */
export * as MapOutputTracker from "./scheduler/MapOutputTracker.js"
/** @since 0.1.0 */
export * as Pool from "./scheduler/Pool.js"
/** @since 0.1.0 */
export * as ReplayListenerBus from "./scheduler/ReplayListenerBus.js"
/** @since 0.1.0 */
export * as SchedulableBuilder from "./scheduler/SchedulableBuilder.js"
/** @since 0.1.0 */
export * as SchedulerBackend from "./scheduler/SchedulerBackend.js"
/** @since 0.1.0 */
export * as SecurityManager from "./SecurityManager.js"
/** @since 0.1.0 */
export * as Stage from "./scheduler/Stage.js"
/** @since 0.1.0 */
export * as SparkListener from "./scheduler/SparkListener.js"
/** @since 0.1.0 */
export * as Task from "./scheduler/Task.js"
/** @since 0.1.0 */
export * as TaskContext from "./scheduler/TaskContext.js"
/** @since 0.1.0 */
export * as TaskMetrics from "./executor/TaskMetrics.js"
/** @since 0.1.0 */
export * as TaskScheduler from "./scheduler/TaskScheduler.js"
/** @since 0.1.0 */
export * as TaskSetManager from "./scheduler/TaskSetManager.js"
/** @since 0.1.0 */
export * as Aggregator from "./shuffle/Aggregator.js"
/** @since 0.1.0 */
export * as ShuffleManager from "./shuffle/ShuffleManager.js"
/** @since 0.1.0 */
export * as SparkConf from "./SparkConf.js"
/** @since 0.1.0 */
export * as SparkContext from "./SparkContext.js"
/** @since 0.1.0 */
export * as SparkUI from "./ui/SparkUI.js"
/** @since 0.1.0 */
export * as Html from "./ui/html.js"
/** @since 0.1.0 */
export * as UIUtils from "./ui/UIUtils.js"
/** @since 0.1.0 */
export * as WebUI from "./ui/WebUI.js"
/** @since 0.1.0 */
export * as RDDOperationGraph from "./ui/scope/RDDOperationGraph.js"
/** @since 0.1.0 */
export * as ApiRootResource from "./ui/api/ApiRootResource.js"
/** @since 0.1.0 */
export * as SparkEnv from "./SparkEnv.js"
/** @since 0.1.0 */
export * as SparkError from "./SparkError.js"
/** @since 0.1.0 */
export * as BlockId from "./storage/BlockId.js"
/** @since 0.1.0 */
export * as Closure from "./Closure.js"
/** @since 0.1.0 */
export * as BlockManager from "./storage/BlockManager.js"
/** @since 0.1.0 */
export * as BlockManagerMaster from "./storage/BlockManagerMaster.js"
/** @since 0.1.0 */
export * as BlockTransferService from "./storage/BlockTransferService.js"
/** @since 0.1.0 */
export * as LineBlock from "./storage/LineBlock.js"
/** @since 0.1.0 */
export * as StorageLevel from "./storage/StorageLevel.js"
/** @since 0.1.0 */
export * as Hash from "./util/hash.js"
/** @since 0.1.0 */
export * as KeyMap from "./util/KeyMap.js"
/** @since 0.1.0 */
export * as JsonProtocol from "./util/JsonProtocol.js"
/** @since 0.1.0 */
export * as Lineage from "./util/lineage.js"
/** @since 0.1.0 */
export * as ListenerBus from "./util/ListenerBus.js"
/** @since 0.1.0 */
export * as Logging from "./util/Logging.js"
/** @since 0.1.0 */
export * as Ordering from "./util/Ordering.js"
/** @since 0.1.0 */
export * as ShutdownHookManager from "./util/ShutdownHookManager.js"
/** @since 0.1.0 */
export * as StatCounter from "./util/StatCounter.js"

import { tsparkVersion } from "./internal/version.js"

/**
 * The package's version.
 *
 * @category models
 * @since 0.1.0
 */
export const version: string = tsparkVersion
