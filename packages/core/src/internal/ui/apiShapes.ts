// The REST API's JSON, in Spark's shapes and field names (status/api/v1/api.scala),
// built from the status store. Fields the store does not keep yet (task
// metrics, cached blocks) are written as Spark writes an empty value (0, [], {}).
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

/** A job's stages by status, from the stages the store keeps (a stage never submitted was skipped, once the job ended). */
const stageCounts = (job: JobData, store: AppStatusListener) => {
  let active = 0
  for (const stageId of job.stageIds) if (store.stage(stageId)?.status === "ACTIVE") active++
  const skipped = job.status === "RUNNING" ? 0 : Math.max(0, job.stageIds.length - job.numCompletedStages - job.numFailedStages)
  return { active, skipped }
}

export const jobJson = (job: JobData, store: AppStatusListener) => {
  const stages = stageCounts(job, store)
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
    numSkippedTasks: 0,
    numFailedTasks: job.numFailedTasks,
    numKilledTasks: job.numKilledTasks,
    numCompletedIndices: job.numCompletedTasks,
    numActiveStages: stages.active,
    numCompletedStages: job.numCompletedStages,
    numSkippedStages: stages.skipped,
    numFailedStages: job.numFailedStages,
    killedTasksSummary: {}
  }
}

export const stageJson = (stage: StageData) => ({
  status: stage.status,
  stageId: stage.stageId,
  attemptId: stage.attemptId,
  numTasks: stage.numTasks,
  numActiveTasks: stage.numActiveTasks,
  numCompleteTasks: stage.numCompleteTasks,
  numFailedTasks: stage.numFailedTasks,
  numKilledTasks: stage.numKilledTasks,
  numCompletedIndices: stage.numCompleteTasks,
  // Summed over the durations kept (spark.ui.retainedTasks); the task metrics' run time slots in here.
  executorRunTime: stage.taskDurations.reduce((a, b) => a + b, 0),
  executorCpuTime: 0,
  submissionTime: date(stage.submissionTime),
  completionTime: date(stage.completionTime),
  failureReason: stage.failureReason,
  inputBytes: 0,
  inputRecords: 0,
  outputBytes: 0,
  outputRecords: 0,
  shuffleReadBytes: 0,
  shuffleReadRecords: 0,
  shuffleWriteBytes: 0,
  shuffleWriteRecords: 0,
  memoryBytesSpilled: 0,
  diskBytesSpilled: 0,
  name: stage.name,
  details: "",
  schedulingPool: "default",
  rddIds: stage.rddIds,
  accumulatorUpdates: [],
  killedTasksSummary: {}
})

export const executorJson = (executor: ExecutorSummary) => ({
  id: executor.id,
  hostPort: executor.hostPort,
  isActive: executor.isActive,
  rddBlocks: 0,
  memoryUsed: 0,
  diskUsed: 0,
  totalCores: executor.totalCores,
  maxTasks: executor.totalCores,
  activeTasks: executor.activeTasks,
  failedTasks: executor.failedTasks,
  completedTasks: executor.completedTasks,
  totalTasks: executor.totalTasks,
  totalDuration: executor.totalDuration,
  totalGCTime: 0,
  totalInputBytes: 0,
  totalShuffleRead: 0,
  totalShuffleWrite: 0,
  isBlacklisted: false,
  maxMemory: 0,
  addTime: formatApiDate(executor.addTime),
  removeTime: date(executor.removeTime),
  removeReason: executor.removeReason,
  executorLogs: {},
  blacklistedInStages: []
})

export const environmentJson = (env: EnvironmentInfo) => ({
  runtime: env.runtime,
  sparkProperties: env.sparkProperties,
  systemProperties: env.systemProperties,
  classpathEntries: []
})

/** Spark's quantile: the sorted values' element at min(floor(q * n), n - 1). */
export const quantilesOf = (values: ReadonlyArray<number>, quantiles: ReadonlyArray<number>): Array<number> => {
  const sorted = Float64Array.from(values).sort()
  return quantiles.map((q) => sorted[Math.min(Math.floor(q * sorted.length), sorted.length - 1)]!)
}
