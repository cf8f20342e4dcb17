/**
 * What the Jobs, Stages and Executors pages show, kept from the listener
 * events: each job's and stage's status, times and task counts, each
 * stage's task durations (for its summary quantiles), and each executor's
 * tasks. Everything it keeps is bounded: the finished jobs and stages by
 * `spark.ui.retainedJobs` and `spark.ui.retainedStages`, task durations by
 * `spark.ui.retainedTasks` per stage, removed executors by
 * `spark.ui.retainedDeadExecutors`; running ones are kept until they end.
 *
 * Mirrors `org.apache.spark.status.AppStatusListener` and what it writes to
 * the `AppStatusStore` (`JobData`, `StageData`, `ExecutorSummary` of the REST API).
 *
 * @since 0.1.0
 */
import type { SparkListener, SparkListenerEvent, StageInfo } from "../scheduler/SparkListener.js"
import { InvalidArgumentError } from "../SparkError.js"
import * as SparkConf from "../SparkConf.js"
import * as Distribution from "../util/Distribution.js"

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
  readonly kind: StageInfo["kind"]
  readonly numTasks: number
  readonly rddIds: ReadonlyArray<number>
  readonly parentIds: ReadonlyArray<number>
  status: "ACTIVE" | "COMPLETE" | "FAILED"
  submissionTime: number | undefined
  completionTime: number | undefined
  failureReason: string | undefined
  numActiveTasks: number
  numCompleteTasks: number
  numFailedTasks: number
  numKilledTasks: number
  /** Durations (ms) of its successful tasks, the last `spark.ui.retainedTasks`: its summary's source. */
  readonly taskDurations: Array<number>
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
}

/** The settings that bound what is kept, by their keys. */
const limits = {
  retainedJobs: ["spark.ui.retainedJobs", 1000],
  retainedStages: ["spark.ui.retainedStages", 1000],
  retainedTasks: ["spark.ui.retainedTasks", 100_000],
  retainedDeadExecutors: ["spark.ui.retainedDeadExecutors", 100]
} as const

type Limits = { readonly [K in keyof typeof limits]: number }

const stageKey = (stageId: number, attemptId: number) => `${stageId}.${attemptId}`

/** Deletes the oldest finished entries of `map` (insertion order) while more than `limit` are finished. */
const trimFinished = <K, V>(map: Map<K, V>, finished: (value: V) => boolean, limit: number): void => {
  let count = 0
  for (const value of map.values()) if (finished(value)) count++
  for (const [key, value] of map) {
    if (count <= limit) return
    if (finished(value)) {
      map.delete(key)
      count--
    }
  }
}

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

  constructor(readonly limits: Limits) {}

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
      numFailedStages: 0
    })
    for (const stage of event.stageInfos) {
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
      for (const stageId of job.stageIds) {
        const jobs = this.jobsOfStage.get(stageId)
        jobs?.delete(event.jobId)
        if (jobs?.size === 0) this.jobsOfStage.delete(stageId)
      }
    }
    trimFinished(this.jobData, (j) => j.status !== "RUNNING", this.limits.retainedJobs)
  }

  readonly onStageSubmitted = (event: Extract<SparkListenerEvent, { _tag: "StageSubmitted" }>): void => {
    const info = event.stageInfo
    this.stageData.set(stageKey(info.stageId, info.attemptNumber), {
      stageId: info.stageId,
      attemptId: info.attemptNumber,
      name: info.name,
      kind: info.kind,
      numTasks: info.numTasks,
      rddIds: info.rddIds,
      parentIds: info.parentIds,
      status: "ACTIVE",
      submissionTime: info.submissionTime,
      completionTime: undefined,
      failureReason: undefined,
      numActiveTasks: 0,
      numCompleteTasks: 0,
      numFailedTasks: 0,
      numKilledTasks: 0,
      taskDurations: []
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
    trimFinished(this.stageData, (s) => s.status !== "ACTIVE", this.limits.retainedStages)
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
    const stage = this.stageData.get(stageKey(event.stageId, event.stageAttemptId))
    if (stage !== undefined) {
      stage.numActiveTasks = Math.max(0, stage.numActiveTasks - 1)
      if (outcome === "completed") {
        stage.numCompleteTasks++
        stage.taskDurations.push(duration)
        if (stage.taskDurations.length > this.limits.retainedTasks) stage.taskDurations.shift()
      } else if (outcome === "killed") stage.numKilledTasks++
      else stage.numFailedTasks++
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
      if (outcome === "completed") executor.completedTasks++
      else if (outcome === "failed") executor.failedTasks++
    }
  }

  readonly onExecutorAdded = (event: Extract<SparkListenerEvent, { _tag: "ExecutorAdded" }>): void => {
    this.executorData.set(event.executorId, {
      id: event.executorId,
      hostPort: event.host,
      totalCores: event.cores,
      addTime: event.time,
      isActive: true,
      removeTime: undefined,
      removeReason: undefined,
      activeTasks: 0,
      completedTasks: 0,
      failedTasks: 0,
      totalTasks: 0,
      totalDuration: 0
    })
  }

  readonly onExecutorRemoved = (event: Extract<SparkListenerEvent, { _tag: "ExecutorRemoved" }>): void => {
    const executor = this.executorData.get(event.executorId)
    if (executor !== undefined) {
      executor.isActive = false
      executor.removeTime = event.time
      executor.removeReason = event.reason
      executor.activeTasks = 0
    }
    trimFinished(this.executorData, (e) => !e.isActive, this.limits.retainedDeadExecutors)
  }

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

  /** How many entries it holds of each kind (stage-to-job links of running jobs included): its bound, for tests and monitoring. */
  sizes(): { readonly jobs: number; readonly stages: number; readonly executors: number; readonly runningStageLinks: number } {
    return {
      jobs: this.jobData.size,
      stages: this.stageData.size,
      executors: this.executorData.size,
      runningStageLinks: this.jobsOfStage.size
    }
  }

  /** The active executors and the last removed ones, by id. */
  executors(): ReadonlyArray<ExecutorSummary> {
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
