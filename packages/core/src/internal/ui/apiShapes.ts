// The REST API's JSON, in Spark's shapes and field names (status/api/v1/api.scala),
// built from the status store. Fields the store does not keep (CPU and GC
// times, output metrics, executors' maximum memory) are written as Spark
// writes an empty value (0, [], {}).
import type { RDDStorageInfo } from "../../status/api.js"
import type { MetricColumn, TaskMetricSamples } from "../status/taskMetricSamples.js"
import type { ExecutorSummary, JobData, StageData } from "../../status/AppStatusListener.js"
import type { AppStatusListener } from "../../status/AppStatusListener.js"
import type { ApplicationInfo, EnvironmentInfo } from "../../ui/SparkUI.js"
import { formatApiDate } from "../../ui/UIUtils.js"

const date = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : formatApiDate(ms))

export const applicationJson = (app: ApplicationInfo, now: number) => ({
  id: app.id,
  name: app.name,
  attempts: [{
    startTime: formatApiDate(app.startTime),
    endTime: formatApiDate(app.endTime ?? -1),
    lastUpdated: formatApiDate(app.endTime ?? now),
    duration: (app.endTime ?? now) - app.startTime,
    sparkUser: app.sparkUser,
    completed: app.endTime !== undefined,
    appSparkVersion: app.appSparkVersion,
    startTimeEpoch: app.startTime,
    endTimeEpoch: app.endTime ?? -1,
    lastUpdatedEpoch: app.endTime ?? now
  }]
})

/** A job's running stages, from the stages the store keeps. */
const activeStages = (job: JobData, store: AppStatusListener) => {
  let active = 0
  for (const stageId of job.stageIds) if (store.stage(stageId)?.status === "ACTIVE") active++
  return active
}

export const jobJson = (job: JobData, store: AppStatusListener) => {
  return {
    jobId: job.jobId,
    name: job.name,
    description: job.description,
    submissionTime: date(job.submissionTime),
    completionTime: date(job.completionTime),
    stageIds: job.stageIds,
    jobGroup: job.jobGroup,
    status: job.status,
    numTasks: job.numTasks,
    numActiveTasks: job.numActiveTasks,
    numCompletedTasks: job.numCompletedTasks,
    numSkippedTasks: job.numSkippedTasks,
    numFailedTasks: job.numFailedTasks,
    numKilledTasks: job.numKilledTasks,
    numCompletedIndices: job.numCompletedTasks,
    numActiveStages: activeStages(job, store),
    numCompletedStages: job.numCompletedStages,
    numSkippedStages: job.numSkippedStages,
    numFailedStages: job.numFailedStages,
    killedTasksSummary: {}
  }
}

export const stageJson = (stage: StageData) => {
  const m = stage.metrics
  return {
    status: stage.status,
    stageId: stage.stageId,
    attemptId: stage.attemptId,
    numTasks: stage.numTasks,
    numActiveTasks: stage.numActiveTasks,
    numCompleteTasks: stage.numCompleteTasks,
    numFailedTasks: stage.numFailedTasks,
    numKilledTasks: stage.numKilledTasks,
    numCompletedIndices: stage.numCompleteTasks,
    submissionTime: date(stage.submissionTime),
    completionTime: date(stage.completionTime),
    failureReason: stage.failureReason,
    // Sums over the stage's finished tasks' metrics (the store's totals, not the kept samples).
    executorDeserializeTime: m.executorDeserializeTime,
    executorDeserializeCpuTime: 0,
    executorRunTime: m.executorRunTime,
    executorCpuTime: 0,
    resultSize: m.resultSize,
    jvmGcTime: 0,
    resultSerializationTime: 0,
    memoryBytesSpilled: m.memoryBytesSpilled,
    diskBytesSpilled: m.diskBytesSpilled,
    peakExecutionMemory: 0,
    inputBytes: m.inputBytes,
    inputRecords: m.inputRecords,
    outputBytes: 0,
    outputRecords: 0,
    shuffleFetchWaitTime: m.shuffleFetchWaitTime,
    shuffleReadBytes: m.shuffleReadBytes,
    shuffleReadRecords: m.shuffleReadRecords,
    shuffleWriteBytes: m.shuffleWriteBytes,
    shuffleWriteTime: m.shuffleWriteTime,
    shuffleWriteRecords: m.shuffleWriteRecords,
    name: stage.name,
    details: "",
    schedulingPool: "default",
    rddIds: stage.rddIds,
    accumulatorUpdates: [],
    killedTasksSummary: {}
  }
}

export const executorJson = (executor: ExecutorSummary) => ({
  id: executor.id,
  hostPort: executor.hostPort,
  isActive: executor.isActive,
  rddBlocks: executor.rddBlocks,
  memoryUsed: executor.memoryUsed,
  diskUsed: executor.diskUsed,
  totalCores: executor.totalCores,
  maxTasks: executor.totalCores,
  activeTasks: executor.activeTasks,
  failedTasks: executor.failedTasks,
  completedTasks: executor.completedTasks,
  totalTasks: executor.totalTasks,
  totalDuration: executor.totalDuration,
  totalGCTime: 0,
  totalInputBytes: executor.totalInputBytes,
  totalShuffleRead: executor.totalShuffleRead,
  totalShuffleWrite: executor.totalShuffleWrite,
  isBlacklisted: false,
  maxMemory: executor.maxMemory,
  addTime: formatApiDate(executor.addTime),
  removeTime: date(executor.removeTime),
  removeReason: executor.removeReason,
  executorLogs: {},
  // Spark's MemoryMetrics: what its cached blocks use, all on the heap (block stores here live in the JavaScript heap).
  memoryMetrics: {
    usedOnHeapStorageMemory: executor.memoryUsed,
    usedOffHeapStorageMemory: 0,
    totalOnHeapStorageMemory: executor.maxOnHeapMemory,
    totalOffHeapStorageMemory: executor.maxOffHeapMemory
  },
  blacklistedInStages: []
})

export const environmentJson = (env: EnvironmentInfo) => ({
  runtime: env.runtime,
  sparkProperties: env.sparkProperties,
  systemProperties: env.systemProperties,
  classpathEntries: []
})

/** An RDD's storage as Spark's RDDStorageInfo; `partitions` only for one RDD's endpoint (Spark's `storage/rdd/{id}`). */
export const rddStorageJson = (rdd: RDDStorageInfo, withPartitions: boolean) => ({
  id: rdd.id,
  name: rdd.name,
  numPartitions: rdd.numPartitions,
  numCachedPartitions: rdd.numCachedPartitions,
  storageLevel: rdd.storageLevel,
  memoryUsed: rdd.memoryUsed,
  diskUsed: rdd.diskUsed,
  ...(withPartitions ? { partitions: rdd.partitions } : {})
})

/**
 * Spark's TaskMetricDistributions at these quantiles over a stage's sampled
 * successful tasks; metrics the tasks do not measure are 0 at every quantile.
 */
export const taskMetricDistributionsJson = (samples: TaskMetricSamples, quantiles: ReadonlyArray<number>) => {
  const q = (column: MetricColumn) => quantilesOf(samples.values(column), quantiles)
  const zeros = quantiles.map(() => 0)
  return {
    quantiles,
    duration: q("duration"),
    executorDeserializeTime: q("executorDeserializeTime"),
    executorDeserializeCpuTime: zeros,
    executorRunTime: q("executorRunTime"),
    executorCpuTime: zeros,
    resultSize: q("resultSize"),
    jvmGcTime: zeros,
    resultSerializationTime: zeros,
    gettingResultTime: zeros,
    schedulerDelay: zeros,
    peakExecutionMemory: zeros,
    memoryBytesSpilled: q("memoryBytesSpilled"),
    diskBytesSpilled: q("diskBytesSpilled"),
    inputMetrics: { bytesRead: q("inputBytes"), recordsRead: q("inputRecords") },
    outputMetrics: { bytesWritten: zeros, recordsWritten: zeros },
    shuffleReadMetrics: {
      readBytes: q("shuffleReadBytes"),
      readRecords: q("shuffleReadRecords"),
      remoteBlocksFetched: zeros,
      localBlocksFetched: zeros,
      fetchWaitTime: q("shuffleFetchWaitTime"),
      remoteBytesRead: zeros,
      remoteBytesReadToDisk: zeros,
      totalBlocksFetched: zeros
    },
    shuffleWriteMetrics: { writeBytes: q("shuffleWriteBytes"), writeRecords: q("shuffleWriteRecords"), writeTime: q("shuffleWriteTime") }
  }
}

/** Spark's quantile: the sorted values' element at min(floor(q * n), n - 1). */
export const quantilesOf = (values: ReadonlyArray<number>, quantiles: ReadonlyArray<number>): Array<number> => {
  const sorted = Float64Array.from(values).sort()
  return quantiles.map((q) => sorted[Math.min(Math.floor(q * sorted.length), sorted.length - 1)]!)
}
