/**
 * The shapes the status store keeps, as Spark's REST API names them: jobs,
 * stages and executors, the cached RDDs of the Storage page, the
 * application and its attempts, its environment, and each stage's metric
 * totals.
 *
 * Mirrors `org.apache.spark.status.api.v1` (`JobData`, `StageData`,
 * `ExecutorSummary`, `RDDStorageInfo`,
 * `RDDPartitionInfo`, `ApplicationInfo`, `ApplicationAttemptInfo`,
 * `ApplicationEnvironmentInfo`, the totals of `StageData`).
 *
 * @since 0.1.0
 */
import type { RDDInfo, StorageLevelInfo } from "../scheduler/SparkListener.js"

/**
 * One cached partition of an RDD: where it is and what it takes.
 *
 * Mirrors `org.apache.spark.status.api.v1.RDDPartitionInfo`.
 *
 * @category models
 * @since 0.1.0
 */
export interface RDDPartitionInfo {
  readonly blockName: string
  readonly storageLevel: string
  readonly memoryUsed: number
  readonly diskUsed: number
  readonly executors: ReadonlyArray<string>
}

/**
 * A cached RDD, as the Storage page lists it.
 *
 * Mirrors `org.apache.spark.status.api.v1.RDDStorageInfo`.
 *
 * @category models
 * @since 0.1.0
 */
export interface RDDStorageInfo {
  readonly id: number
  readonly name: string
  readonly numPartitions: number
  readonly numCachedPartitions: number
  readonly storageLevel: string
  readonly memoryUsed: number
  readonly diskUsed: number
  readonly partitions: ReadonlyArray<RDDPartitionInfo>
}

/**
 * One run (attempt) of the application. Times are ms since the epoch;
 * `endTime` and `duration` are -1 while it runs, as Spark's are.
 *
 * Mirrors `org.apache.spark.status.api.v1.ApplicationAttemptInfo`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ApplicationAttemptInfo {
  readonly attemptId: string | undefined
  readonly startTime: number
  readonly endTime: number
  readonly lastUpdated: number
  readonly duration: number
  readonly sparkUser: string
  readonly completed: boolean
  readonly appSparkVersion: string
}

/**
 * The application, with its attempts.
 *
 * Mirrors `org.apache.spark.status.api.v1.ApplicationInfo`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ApplicationInfo {
  readonly id: string
  readonly name: string
  readonly attempts: ReadonlyArray<ApplicationAttemptInfo>
}

/**
 * What the Environment page shows.
 *
 * Mirrors `org.apache.spark.status.api.v1.ApplicationEnvironmentInfo`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ApplicationEnvironmentInfo {
  readonly runtime: ReadonlyArray<readonly [string, string]>
  readonly sparkProperties: ReadonlyArray<readonly [string, string]>
  readonly systemProperties: ReadonlyArray<readonly [string, string]>
}

/**
 * A stage attempt's sums over its finished tasks' metrics (successful and
 * failed, as Spark's stage totals count them).
 *
 * Mirrors the totals of `org.apache.spark.status.api.v1.StageData`.
 *
 * @category models
 * @since 0.1.0
 */
export interface StageMetricTotals {
  executorRunTime: number
  executorDeserializeTime: number
  resultSize: number
  inputBytes: number
  inputRecords: number
  shuffleReadBytes: number
  shuffleReadRecords: number
  shuffleFetchWaitTime: number
  shuffleWriteBytes: number
  shuffleWriteRecords: number
  shuffleWriteTime: number
  memoryBytesSpilled: number
  diskBytesSpilled: number
}

/**
 * Totals of nothing yet.
 *
 * **Example**
 * ```ts
 * const totals = Api.emptyStageMetricTotals()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const emptyStageMetricTotals = (): StageMetricTotals => ({
  executorRunTime: 0,
  executorDeserializeTime: 0,
  resultSize: 0,
  inputBytes: 0,
  inputRecords: 0,
  shuffleReadBytes: 0,
  shuffleReadRecords: 0,
  shuffleFetchWaitTime: 0,
  shuffleWriteBytes: 0,
  shuffleWriteRecords: 0,
  shuffleWriteTime: 0,
  memoryBytesSpilled: 0,
  diskBytesSpilled: 0
})

/**
 * A storage level as the Storage page writes it: `Memory Deserialized 1x
 * Replicated`, `Disk Serialized 1x Replicated`, ...
 *
 * Mirrors `StorageLevel.description`.
 *
 * **Example**
 * ```ts
 * Api.describeLevel({ useDisk: false, useMemory: true, deserialized: true, replication: 1 }) // "Memory Deserialized 1x Replicated"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const describeLevel = (level: StorageLevelInfo): string => {
  const where = [level.useDisk ? "Disk" : undefined, level.useMemory ? "Memory" : undefined].filter((w) => w !== undefined)
  const form = level.deserialized ? "Deserialized" : "Serialized"
  return `${where.length === 0 ? "None" : where.join(" ")} ${form} ${level.replication}x Replicated`
}

/**
 * A job as the Jobs page and `/api/v1/applications/{id}/jobs` show it.
 *
 * Mirrors `org.apache.spark.status.api.v1.JobData`.
 *
 * @category models
 * @since 0.1.0
 */
export interface JobData {
  readonly jobId: number
  readonly name: string
  readonly description: string | undefined
  readonly jobGroup: string | undefined
  readonly submissionTime: number
  completionTime: number | undefined
  status: "RUNNING" | "SUCCEEDED" | "FAILED"
  failureReason: string | undefined
  readonly stageIds: ReadonlyArray<number>
  readonly numTasks: number
  numActiveTasks: number
  numCompletedTasks: number
  numFailedTasks: number
  numKilledTasks: number
  numCompletedStages: number
  numFailedStages: number
  /** Its stages never submitted while it ran (their output was already there), counted when it ends. */
  numSkippedStages: number
  /** The tasks of its skipped stages. */
  numSkippedTasks: number
}

/**
 * A stage attempt as the Stages page and `/api/v1/applications/{id}/stages` show it.
 *
 * Mirrors `org.apache.spark.status.api.v1.StageData`.
 *
 * @category models
 * @since 0.1.0
 */
export interface StageData {
  readonly stageId: number
  readonly attemptId: number
  readonly name: string
  readonly kind: "ShuffleMapStage" | "ResultStage"
  readonly numTasks: number
  readonly rddIds: ReadonlyArray<number>
  /** The RDDs pipelined in the stage, for its DAG (Spark's `RDDOperationGraph` source). */
  readonly rddInfos: ReadonlyArray<RDDInfo>
  readonly parentIds: ReadonlyArray<number>
  status: "ACTIVE" | "COMPLETE" | "FAILED"
  submissionTime: number | undefined
  completionTime: number | undefined
  failureReason: string | undefined
  numActiveTasks: number
  numCompleteTasks: number
  numFailedTasks: number
  numKilledTasks: number
  /** Durations (ms) of its successful tasks, the last `spark.ui.retainedTasks`, oldest first: its summary's source. */
  readonly taskDurations: ReadonlyArray<number>
  /** Sums over its finished tasks' metrics. */
  readonly metrics: StageMetricTotals
}

/**
 * An executor as the Executors page and `/api/v1/applications/{id}/executors` show it.
 *
 * Mirrors `org.apache.spark.status.api.v1.ExecutorSummary`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorSummary {
  readonly id: string
  readonly hostPort: string
  readonly totalCores: number
  readonly addTime: number
  isActive: boolean
  removeTime: number | undefined
  removeReason: string | undefined
  activeTasks: number
  completedTasks: number
  failedTasks: number
  totalTasks: number
  /** Sum of its tasks' durations, ms. */
  totalDuration: number
  /** Its tasks' input bytes (`TaskMetrics.inputMetrics`). */
  totalInputBytes: number
  /** Its tasks' shuffle bytes read, local and remote. */
  totalShuffleRead: number
  /** Its tasks' shuffle bytes written. */
  totalShuffleWrite: number
  /** Memory its cached RDD and stream blocks take (from block updates). */
  memoryUsed: number
  /** Disk its cached RDD and stream blocks take. */
  diskUsed: number
  /** Cached RDD blocks it holds. */
  rddBlocks: number
  /** Bytes of memory its block manager may use for blocks (its `BlockManagerAdded`; 0 until it is heard). */
  maxMemory: number
  /** Of which on the heap and off it (Spark's `memoryMetrics`). */
  maxOnHeapMemory: number
  maxOffHeapMemory: number
}
