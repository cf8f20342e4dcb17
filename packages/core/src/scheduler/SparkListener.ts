/**
 * Events of jobs, stages and tasks, and the listener interface that hears them.
 *
 * Mirrors `org.apache.spark.scheduler.SparkListener` and its events.
 *
 * @since 0.1.0
 */
import type { TaskMetrics } from "../executor/TaskMetrics.js"

/**
 * A storage level as events carry it (plain data, so it survives the event log).
 *
 * Mirrors the `Storage Level` of Spark's event JSON.
 *
 * @category models
 * @since 0.1.0
 */
export interface StorageLevelInfo {
  readonly useDisk: boolean
  readonly useMemory: boolean
  readonly deserialized: boolean
  readonly replication: number
}

/**
 * One RDD of a stage's lineage, for the DAG drawing and the Storage page:
 * its parents are its dependencies' RDDs, its scope is the transformation that
 * made it (`map`, `shuffled`, `textFile`, ...) and its call site names its
 * kind and id as `toDebugString` does.
 *
 * Mirrors `org.apache.spark.storage.RDDInfo`.
 *
 * @category models
 * @since 0.1.0
 */
export interface RDDInfo {
  readonly rddId: number
  readonly name: string
  readonly numPartitions: number
  readonly parentIds: ReadonlyArray<number>
  readonly storageLevel: StorageLevelInfo
  readonly scope: string
  readonly callSite: string
}

/**
 * What a stage is, for listeners.
 *
 * Mirrors `org.apache.spark.scheduler.StageInfo`.
 *
 * @category models
 * @since 0.1.0
 */
export interface StageInfo {
  readonly stageId: number
  readonly attemptNumber: number
  readonly name: string
  readonly kind: "ShuffleMapStage" | "ResultStage"
  readonly numTasks: number
  readonly rddIds: ReadonlyArray<number>
  /** The RDDs pipelined in the stage (its final RDD and its narrow ancestors), for its DAG. */
  readonly rddInfos: ReadonlyArray<RDDInfo>
  readonly parentIds: ReadonlyArray<number>
  readonly submissionTime: number | undefined
  readonly completionTime: number | undefined
  readonly failureReason: string | undefined
}

/**
 * How a task ended.
 *
 * @category models
 * @since 0.1.0
 */
export type TaskEndReason =
  | { readonly _tag: "Success" }
  | { readonly _tag: "ExceptionFailure"; readonly message: string }
  | { readonly _tag: "FetchFailed"; readonly shuffleId: number; readonly mapId: number; readonly message: string }
  | { readonly _tag: "TaskKilled"; readonly reason: string }
  | { readonly _tag: "ExecutorLost"; readonly executorId: string }

/**
 * What a task attempt is, for listeners.
 *
 * @category models
 * @since 0.1.0
 */
export interface TaskInfo {
  readonly taskId: number
  readonly index: number
  readonly attemptNumber: number
  readonly executorId: string
  readonly host: string
  readonly locality: string
  readonly launchTime: number
}

/**
 * A block's new status on one executor (a status keeping nothing: removed).
 *
 * Mirrors `org.apache.spark.storage.BlockUpdatedInfo`.
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockUpdatedInfo {
  readonly executorId: string
  readonly host: string
  readonly blockId: string
  readonly storageLevel: StorageLevelInfo
  readonly memSize: number
  readonly diskSize: number
}

/**
 * Identifies a block manager in events: its executor (`"driver"` for the
 * driver's own), host and port.
 *
 * Mirrors `org.apache.spark.storage.BlockManagerId` as Spark's event JSON carries it.
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockManagerIdInfo {
  readonly executorId: string
  readonly host: string
  readonly port: number
}

/**
 * What the Environment page shows: runtime facts (Node's version, the
 * platform), the Spark properties (secrets redacted as `spark.redaction.regex`
 * says) and system facts, each as sorted key-value pairs.
 *
 * Mirrors the `environmentDetails` of `SparkListenerEnvironmentUpdate`.
 *
 * @category models
 * @since 0.1.0
 */
export interface EnvironmentDetails {
  readonly runtime: ReadonlyArray<readonly [string, string]>
  readonly sparkProperties: ReadonlyArray<readonly [string, string]>
  readonly systemProperties: ReadonlyArray<readonly [string, string]>
}

/**
 * A JSON value: what another module's events (`OtherEvent`) carry, so that
 * the event log can hold them.
 *
 * @category models
 * @since 0.1.0
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }

/**
 * Every event on the listener bus.
 *
 * @category models
 * @since 0.1.0
 */
export type SparkListenerEvent =
  | {
    readonly _tag: "JobStart"
    readonly jobId: number
    readonly time: number
    readonly stageInfos: ReadonlyArray<StageInfo>
    readonly properties: ReadonlyMap<string, string>
  }
  | {
    readonly _tag: "JobEnd"
    readonly jobId: number
    readonly time: number
    readonly result: "JobSucceeded" | { readonly failure: string }
  }
  | { readonly _tag: "StageSubmitted"; readonly stageInfo: StageInfo }
  | { readonly _tag: "StageCompleted"; readonly stageInfo: StageInfo }
  | { readonly _tag: "TaskStart"; readonly stageId: number; readonly stageAttemptId: number; readonly taskInfo: TaskInfo }
  | {
    readonly _tag: "TaskEnd"
    readonly stageId: number
    readonly stageAttemptId: number
    readonly taskType: "ShuffleMapTask" | "ResultTask"
    readonly reason: TaskEndReason
    readonly taskInfo: TaskInfo
    readonly finishTime: number
    /** What the attempt measured, when it ran (a task killed before it started has none). */
    readonly taskMetrics?: TaskMetrics | undefined
  }
  | { readonly _tag: "ExecutorAdded"; readonly executorId: string; readonly host: string; readonly cores: number; readonly time: number }
  | { readonly _tag: "ExecutorRemoved"; readonly executorId: string; readonly reason: string; readonly time: number }
  | { readonly _tag: "ApplicationEnd"; readonly time: number }
  /** A block manager registered with the driver: how much memory it may use for blocks (the Executors page's Storage Memory). */
  | {
    readonly _tag: "BlockManagerAdded"
    readonly time: number
    readonly blockManagerId: BlockManagerIdInfo
    readonly maxMem: number
    readonly maxOnHeapMem?: number | undefined
    readonly maxOffHeapMem?: number | undefined
  }
  /** A block manager is gone (its executor was lost or removed). */
  | { readonly _tag: "BlockManagerRemoved"; readonly time: number; readonly blockManagerId: BlockManagerIdInfo }
  | {
    readonly _tag: "ApplicationStart"
    readonly appName: string
    readonly appId: string
    readonly time: number
    readonly sparkUser: string
  }
  | { readonly _tag: "EnvironmentUpdate"; readonly environmentDetails: EnvironmentDetails }
  | { readonly _tag: "BlockUpdated"; readonly blockUpdatedInfo: BlockUpdatedInfo }
  | { readonly _tag: "UnpersistRDD"; readonly rddId: number }
  /** An event of another module (streaming's, as Spark's `WrappedStreamingListenerEvent`), as JSON data. */
  | { readonly _tag: "OtherEvent"; readonly source: string; readonly event: JsonValue }

/**
 * A listener: implement the callbacks you need.
 *
 * **Example**
 * ```ts
 * sc.addSparkListener({ onStageCompleted: (e) => console.log(e.stageInfo.name) })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface SparkListener {
  readonly onJobStart?: (event: Extract<SparkListenerEvent, { _tag: "JobStart" }>) => void
  readonly onJobEnd?: (event: Extract<SparkListenerEvent, { _tag: "JobEnd" }>) => void
  readonly onStageSubmitted?: (event: Extract<SparkListenerEvent, { _tag: "StageSubmitted" }>) => void
  readonly onStageCompleted?: (event: Extract<SparkListenerEvent, { _tag: "StageCompleted" }>) => void
  readonly onTaskStart?: (event: Extract<SparkListenerEvent, { _tag: "TaskStart" }>) => void
  readonly onTaskEnd?: (event: Extract<SparkListenerEvent, { _tag: "TaskEnd" }>) => void
  readonly onExecutorAdded?: (event: Extract<SparkListenerEvent, { _tag: "ExecutorAdded" }>) => void
  readonly onExecutorRemoved?: (event: Extract<SparkListenerEvent, { _tag: "ExecutorRemoved" }>) => void
  readonly onApplicationEnd?: (event: Extract<SparkListenerEvent, { _tag: "ApplicationEnd" }>) => void
  readonly onBlockManagerAdded?: (event: Extract<SparkListenerEvent, { _tag: "BlockManagerAdded" }>) => void
  readonly onBlockManagerRemoved?: (event: Extract<SparkListenerEvent, { _tag: "BlockManagerRemoved" }>) => void
  readonly onApplicationStart?: (event: Extract<SparkListenerEvent, { _tag: "ApplicationStart" }>) => void
  readonly onEnvironmentUpdate?: (event: Extract<SparkListenerEvent, { _tag: "EnvironmentUpdate" }>) => void
  readonly onBlockUpdated?: (event: Extract<SparkListenerEvent, { _tag: "BlockUpdated" }>) => void
  readonly onUnpersistRDD?: (event: Extract<SparkListenerEvent, { _tag: "UnpersistRDD" }>) => void
  readonly onOtherEvent?: (event: Extract<SparkListenerEvent, { _tag: "OtherEvent" }>) => void
}

/**
 * Calls the listener's callback for an event.
 *
 * @category combinators
 * @since 0.1.0
 */
export const dispatch = (listener: SparkListener, event: SparkListenerEvent): void => {
  switch (event._tag) {
    case "JobStart":
      return listener.onJobStart?.(event)
    case "JobEnd":
      return listener.onJobEnd?.(event)
    case "StageSubmitted":
      return listener.onStageSubmitted?.(event)
    case "StageCompleted":
      return listener.onStageCompleted?.(event)
    case "TaskStart":
      return listener.onTaskStart?.(event)
    case "TaskEnd":
      return listener.onTaskEnd?.(event)
    case "ExecutorAdded":
      return listener.onExecutorAdded?.(event)
    case "ExecutorRemoved":
      return listener.onExecutorRemoved?.(event)
    case "ApplicationEnd":
      return listener.onApplicationEnd?.(event)
    case "BlockManagerAdded":
      return listener.onBlockManagerAdded?.(event)
    case "BlockManagerRemoved":
      return listener.onBlockManagerRemoved?.(event)
    case "ApplicationStart":
      return listener.onApplicationStart?.(event)
    case "EnvironmentUpdate":
      return listener.onEnvironmentUpdate?.(event)
    case "BlockUpdated":
      return listener.onBlockUpdated?.(event)
    case "UnpersistRDD":
      return listener.onUnpersistRDD?.(event)
    case "OtherEvent":
      return listener.onOtherEvent?.(event)
  }
}
