/**
 * What the Jobs, Stages, Storage, Executors and Environment pages show,
 * kept from the listener events: each job's and stage's status, times and
 * task counts, each stage's RDDs, metric totals and task metric samples (for
 * its summary quantiles), each executor's tasks, shuffle and cached bytes,
 * the cached RDDs with their blocks, the environment and the application.
 * Everything it keeps is bounded: the finished jobs and stages by
 * `spark.ui.retainedJobs` and `spark.ui.retainedStages`, task samples by
 * `spark.ui.retainedTasks` per stage, removed executors by
 * `spark.ui.retainedDeadExecutors`; running ones are kept until they end,
 * cached RDDs and blocks while they are cached.
 *
 * Mirrors `org.apache.spark.status.AppStatusListener` and what it writes to
 * the `AppStatusStore` (`JobData`, `StageData`, `ExecutorSummary` of the REST API).
 *
 * @since 0.1.0
 */
import { ApplicationStatus } from "../internal/status/applicationStatus.js"
import { JobStages } from "../internal/status/jobStages.js"
import { newExecutorSummary } from "../internal/status/executorSummary.js"
import { FinishedEntries, type Limits, limits, stageKey } from "../internal/status/retention.js"
import { StorageStatus } from "../internal/status/storageStatus.js"
import { type MetricDistributions, metricValues, TaskMetricSamples } from "../internal/status/taskMetricSamples.js"
import type { SparkListener, SparkListenerEvent, StageInfo } from "../scheduler/SparkListener.js"
import { InvalidArgumentError } from "../SparkError.js"
import * as SparkConf from "../SparkConf.js"
import * as Distribution from "../util/Distribution.js"
import {
  type ApplicationEnvironmentInfo,
  type ApplicationInfo,
  emptyStageMetricTotals,
  type ExecutorSummary,
  type JobData,
  type RDDStorageInfo,
  type StageData
} from "./api.js"

export type { ExecutorSummary, JobData, StageData } from "./api.js"

/**
 * The listener and what it has kept. Add it with `sc.addSparkListener(status)`.
 *
 * Mirrors `org.apache.spark.status.AppStatusListener` with its store.
 *
 * **Example**
 * ```ts
 * const status = AppStatusListener.make(sc.conf)
 * if (!(status instanceof InvalidArgumentError)) sc.addSparkListener(status)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class AppStatusListener implements SparkListener {
  private readonly jobData = new Map<number, JobData>()
  private readonly stageData = new Map<string, StageData>()
  private readonly executorData = new Map<string, ExecutorSummary>()
  /** Which running jobs each stage belongs to (a stage can be shared). */
  private readonly jobsOfStage = new Map<number, Set<number>>()
  /** Each kept stage attempt's last `retainedTasks` successful tasks' metrics (its summary quantiles). */
  private readonly samples = new Map<string, TaskMetricSamples>()
  private readonly storage = new StorageStatus()
  private readonly application = new ApplicationStatus()
  private readonly jobStages = new JobStages()
  private readonly finishedJobs: FinishedEntries<number>
  private readonly finishedStages: FinishedEntries<string>
  private readonly deadExecutors: FinishedEntries<string>

  constructor(readonly limits: Limits) {
    this.finishedJobs = new FinishedEntries(limits.retainedJobs, (jobId) => {
      this.jobData.delete(jobId)
      this.jobStages.forget(jobId)
    })
    this.finishedStages = new FinishedEntries(limits.retainedStages, (key) => {
      this.stageData.delete(key)
      this.samples.delete(key)
    })
    this.deadExecutors = new FinishedEntries(limits.retainedDeadExecutors, (id) => void this.executorData.delete(id))
  }

  readonly onJobStart = (event: Extract<SparkListenerEvent, { _tag: "JobStart" }>): void => {
    const last = event.stageInfos.reduce<StageInfo | undefined>((a, s) => (a === undefined || s.stageId > a.stageId ? s : a), undefined)
    this.jobData.set(event.jobId, {
      jobId: event.jobId,
      name: last?.name ?? `job ${event.jobId}`,
      description: event.properties.get("spark.job.description"),
      jobGroup: event.properties.get("spark.jobGroup.id"),
      submissionTime: event.time,
      completionTime: undefined,
      status: "RUNNING",
      failureReason: undefined,
      stageIds: event.stageInfos.map((s) => s.stageId),
      numTasks: event.stageInfos.reduce((n, s) => n + s.numTasks, 0),
      numActiveTasks: 0,
      numCompletedTasks: 0,
      numFailedTasks: 0,
      numKilledTasks: 0,
      numCompletedStages: 0,
      numFailedStages: 0,
      numSkippedStages: 0,
      numSkippedTasks: 0
    })
    this.jobStages.onJobStart(event.jobId, event.stageInfos)
    for (const stage of event.stageInfos) {
      this.storage.onRddInfos(stage.rddInfos)
      let jobs = this.jobsOfStage.get(stage.stageId)
      if (jobs === undefined) this.jobsOfStage.set(stage.stageId, jobs = new Set())
      jobs.add(event.jobId)
    }
  }

  readonly onJobEnd = (event: Extract<SparkListenerEvent, { _tag: "JobEnd" }>): void => {
    const job = this.jobData.get(event.jobId)
    if (job !== undefined) {
      job.completionTime = event.time
      job.status = event.result === "JobSucceeded" ? "SUCCEEDED" : "FAILED"
      job.failureReason = event.result === "JobSucceeded" ? undefined : event.result.failure
      const skipped = this.jobStages.skipped(event.jobId)
      job.numSkippedStages = skipped.stages
      job.numSkippedTasks = skipped.tasks
      for (const stageId of job.stageIds) {
        const jobs = this.jobsOfStage.get(stageId)
        jobs?.delete(event.jobId)
        if (jobs?.size === 0) this.jobsOfStage.delete(stageId)
      }
    }
    if (job !== undefined) this.finishedJobs.finished(event.jobId)
  }

  readonly onStageSubmitted = (event: Extract<SparkListenerEvent, { _tag: "StageSubmitted" }>): void => {
    const info = event.stageInfo
    const key = stageKey(info.stageId, info.attemptNumber)
    const samples = new TaskMetricSamples(this.limits.retainedTasks)
    this.samples.set(key, samples)
    this.storage.onRddInfos(info.rddInfos)
    this.jobStages.onStageSubmitted(info.stageId, this.jobsOfStage.get(info.stageId) ?? [])
    this.stageData.set(key, {
      stageId: info.stageId,
      attemptId: info.attemptNumber,
      name: info.name,
      kind: info.kind,
      numTasks: info.numTasks,
      rddIds: info.rddIds,
      rddInfos: info.rddInfos,
      parentIds: info.parentIds,
      status: "ACTIVE",
      submissionTime: info.submissionTime,
      completionTime: undefined,
      failureReason: undefined,
      numActiveTasks: 0,
      numCompleteTasks: 0,
      numFailedTasks: 0,
      numKilledTasks: 0,
      get taskDurations() {
        return samples.values("duration")
      },
      metrics: emptyStageMetricTotals()
    })
  }

  readonly onStageCompleted = (event: Extract<SparkListenerEvent, { _tag: "StageCompleted" }>): void => {
    const info = event.stageInfo
    const stage = this.stageData.get(stageKey(info.stageId, info.attemptNumber))
    if (stage !== undefined) {
      stage.status = info.failureReason === undefined ? "COMPLETE" : "FAILED"
      stage.completionTime = info.completionTime
      stage.failureReason = info.failureReason
    }
    for (const jobId of this.jobsOfStage.get(info.stageId) ?? []) {
      const job = this.jobData.get(jobId)
      if (job === undefined) continue
      if (info.failureReason === undefined) job.numCompletedStages++
      else job.numFailedStages++
    }
    if (stage !== undefined) this.finishedStages.finished(stageKey(info.stageId, info.attemptNumber))
  }

  readonly onTaskStart = (event: Extract<SparkListenerEvent, { _tag: "TaskStart" }>): void => {
    const stage = this.stageData.get(stageKey(event.stageId, event.stageAttemptId))
    if (stage !== undefined) stage.numActiveTasks++
    for (const job of this.jobsOf(event.stageId)) job.numActiveTasks++
    const executor = this.executorData.get(event.taskInfo.executorId)
    if (executor !== undefined) {
      executor.activeTasks++
      executor.totalTasks++
    }
  }

  readonly onTaskEnd = (event: Extract<SparkListenerEvent, { _tag: "TaskEnd" }>): void => {
    const outcome = event.reason._tag === "Success" ? "completed" : event.reason._tag === "TaskKilled" ? "killed" : "failed"
    const duration = Math.max(0, event.finishTime - event.taskInfo.launchTime)
    const key = stageKey(event.stageId, event.stageAttemptId)
    const stage = this.stageData.get(key)
    const values = metricValues(duration, event.taskMetrics)
    if (stage !== undefined) {
      stage.numActiveTasks = Math.max(0, stage.numActiveTasks - 1)
      if (outcome === "completed") {
        stage.numCompleteTasks++
        this.samples.get(key)?.add(values)
      } else if (outcome === "killed") stage.numKilledTasks++
      else stage.numFailedTasks++
      // Spark's stage totals add every finished task's metrics, a failed one's too.
      const totals = stage.metrics
      for (const name in totals) totals[name as keyof typeof totals] += values[name as keyof typeof totals]
    }
    for (const job of this.jobsOf(event.stageId)) {
      job.numActiveTasks = Math.max(0, job.numActiveTasks - 1)
      if (outcome === "completed") job.numCompletedTasks++
      else if (outcome === "killed") job.numKilledTasks++
      else job.numFailedTasks++
    }
    const executor = this.executorData.get(event.taskInfo.executorId)
    if (executor !== undefined) {
      executor.activeTasks = Math.max(0, executor.activeTasks - 1)
      executor.totalDuration += duration
      executor.totalInputBytes += values.inputBytes
      executor.totalShuffleRead += values.shuffleReadBytes
      executor.totalShuffleWrite += values.shuffleWriteBytes
      if (outcome === "completed") executor.completedTasks++
      else if (outcome === "failed") executor.failedTasks++
    }
  }

  readonly onExecutorAdded = (event: Extract<SparkListenerEvent, { _tag: "ExecutorAdded" }>): void => {
    this.deadExecutors.unfinished(event.executorId) // its block manager may have registered first (the driver's always does)
    this.executorData.set(event.executorId, newExecutorSummary(event, this.storage.blockManagers.get(event.executorId)))
  }

  /** A block manager's memory: its executor's Storage Memory maximum (kept after it is removed, as Spark's dead executors show it). */
  readonly onBlockManagerAdded = (event: Extract<SparkListenerEvent, { _tag: "BlockManagerAdded" }>): void => {
    const memory = this.storage.onBlockManagerAdded(event)
    const executor = this.executorData.get(event.blockManagerId.executorId)
    if (executor !== undefined) Object.assign(executor, memory)
  }

  readonly onBlockManagerRemoved = (event: Extract<SparkListenerEvent, { _tag: "BlockManagerRemoved" }>): void =>
    this.storage.onBlockManagerRemoved(event.blockManagerId.executorId)

  readonly onExecutorRemoved = (event: Extract<SparkListenerEvent, { _tag: "ExecutorRemoved" }>): void => {
    const executor = this.executorData.get(event.executorId)
    if (executor !== undefined) {
      executor.isActive = false
      executor.removeTime = event.time
      executor.removeReason = event.reason
      executor.activeTasks = 0
    }
    this.storage.onExecutorRemoved(event.executorId)
    if (executor !== undefined) this.deadExecutors.finished(event.executorId)
  }

  readonly onBlockUpdated = (event: Extract<SparkListenerEvent, { _tag: "BlockUpdated" }>): void =>
    this.storage.onBlockUpdated(event.blockUpdatedInfo)

  readonly onUnpersistRDD = (event: Extract<SparkListenerEvent, { _tag: "UnpersistRDD" }>): void => this.storage.onUnpersistRDD(event.rddId)

  readonly onApplicationStart = (event: Extract<SparkListenerEvent, { _tag: "ApplicationStart" }>): void =>
    this.application.onApplicationStart(event)

  readonly onApplicationEnd = (event: Extract<SparkListenerEvent, { _tag: "ApplicationEnd" }>): void =>
    this.application.onApplicationEnd(event.time)

  readonly onEnvironmentUpdate = (event: Extract<SparkListenerEvent, { _tag: "EnvironmentUpdate" }>): void =>
    this.application.onEnvironmentUpdate(event)

  private *jobsOf(stageId: number): Iterable<JobData> {
    for (const jobId of this.jobsOfStage.get(stageId) ?? []) {
      const job = this.jobData.get(jobId)
      if (job !== undefined) yield job
    }
  }

  /** The kept jobs, newest first (as the Jobs page lists them). */
  jobs(): ReadonlyArray<JobData> {
    return [...this.jobData.values()].sort((a, b) => b.jobId - a.jobId)
  }

  /** A kept job. */
  job(jobId: number): JobData | undefined {
    return this.jobData.get(jobId)
  }

  /** A kept job's stages as its start named them, each with whether it was submitted while the job ran (its DAG, skipped stages included). */
  jobStageInfos(jobId: number): ReadonlyArray<{ readonly info: StageInfo; readonly submitted: boolean }> | undefined {
    return this.jobStages.stagesOf(jobId)
  }

  /** The kept stage attempts, newest first. */
  stages(): ReadonlyArray<StageData> {
    return [...this.stageData.values()].sort((a, b) => b.stageId - a.stageId || b.attemptId - a.attemptId)
  }

  /** A kept stage attempt. */
  stage(stageId: number, attemptId = 0): StageData | undefined {
    return this.stageData.get(stageKey(stageId, attemptId))
  }

  /** Quantiles of a stage attempt's successful task durations (its summary metrics). */
  taskDurationDistribution(stageId: number, attemptId = 0): Distribution.Distribution | undefined {
    return Distribution.of(this.stage(stageId, attemptId)?.taskDurations ?? [])
  }

  /**
   * Quantiles of every sampled metric of a stage attempt's last
   * `spark.ui.retainedTasks` successful tasks: duration, run and deserialize
   * time, result size, input, shuffle read and write, spills (Spark's
   * `TaskMetricDistributions`, the Stages page's summary table).
   */
  taskMetricDistributions(stageId: number, attemptId = 0): MetricDistributions | undefined {
    return this.samples.get(stageKey(stageId, attemptId))?.distributions()
  }

  /** A stage attempt's task metric samples, per metric oldest first (the REST `taskSummary`'s source, at any quantiles). */
  taskMetricSamples(stageId: number, attemptId = 0): TaskMetricSamples | undefined {
    return this.samples.get(stageKey(stageId, attemptId))
  }

  /** The cached RDDs (with at least one cached partition): the Storage page. */
  rddStorage(): ReadonlyArray<RDDStorageInfo> {
    return this.storage.rddStorage()
  }

  /** One tracked RDD's storage, by id. */
  rdd(rddId: number): RDDStorageInfo | undefined {
    return this.storage.rdd(rddId)
  }

  /** The application and its attempt, once it started. */
  applicationInfo(): ApplicationInfo | undefined {
    return this.application.info()
  }

  /** The environment the application posted. */
  environment(): ApplicationEnvironmentInfo | undefined {
    return this.application.environment()
  }

  /** How many entries it holds of each kind (stage-to-job links of running jobs included): its bound, for tests and monitoring. */
  sizes(): {
    readonly jobs: number
    readonly stages: number
    readonly executors: number
    readonly runningStageLinks: number
    readonly jobStageInfos: number
    readonly taskSamples: number
    readonly rdds: number
    readonly blocks: number
  } {
    let taskSamples = 0
    for (const samples of this.samples.values()) taskSamples += samples.count
    return {
      jobs: this.jobData.size,
      stages: this.stageData.size,
      executors: this.executorData.size,
      runningStageLinks: this.jobsOfStage.size,
      jobStageInfos: this.jobStages.size,
      taskSamples,
      ...this.storage.sizes()
    }
  }

  /** The active executors and the last removed ones, by id. */
  executors(): ReadonlyArray<ExecutorSummary> {
    for (const executor of this.executorData.values()) {
      // What it caches comes from block updates, kept apart (a block can be reported before its executor).
      const stored = this.storage.executors.get(executor.id)
      executor.memoryUsed = stored?.memoryUsed ?? 0
      executor.diskUsed = stored?.diskUsed ?? 0
      executor.rddBlocks = stored?.rddBlocks ?? 0
    }
    return [...this.executorData.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }
}

/**
 * A listener bounded by the context's `spark.ui.retainedJobs`,
 * `spark.ui.retainedStages`, `spark.ui.retainedTasks` and
 * `spark.ui.retainedDeadExecutors` (Spark's defaults 1000, 1000, 100000,
 * 100); a value that is not a positive integer is an
 * `InvalidArgumentError` naming the key.
 *
 * Mirrors `new AppStatusListener(store, conf, live = true)`.
 *
 * **Example**
 * ```ts
 * const status = AppStatusListener.make(sc.conf)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (conf: SparkConf.SparkConf): AppStatusListener | InvalidArgumentError => {
  const read: Partial<Record<keyof typeof limits, number>> = {}
  for (const [name, [key, fallback]] of Object.entries(limits) as Array<[keyof typeof limits, readonly [string, number]]>) {
    const value = SparkConf.getInt(conf, key, fallback, 1)
    if (value instanceof InvalidArgumentError) return value
    read[name] = value
  }
  return new AppStatusListener(read as Limits)
}
