// The DAG scheduler: cuts a job's RDD graph into stages at shuffle
// boundaries, submits a stage once its parents' outputs are available, reuses
// shuffle outputs across jobs, resubmits map stages whose output was lost, and
// fails jobs whose stages are aborted. Driven by one event loop (see
// scheduler/DAGScheduler.ts), so its state needs no locks.
import { getParents, type ShuffleDependency } from "../../rdd/Dependency.js"
import type { RDD } from "../../rdd/RDD.js"
import type { MapOutputTracker } from "../../scheduler/MapOutputTracker.js"
import type { SparkListenerEvent, TaskEndReason, TaskInfo } from "../../scheduler/SparkListener.js"
import type { TaskBinary, TaskDescription, TaskLocation, TaskResult } from "../../scheduler/Task.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import { JobCancelledError, JobFailedError } from "../../SparkError.js"
import * as BlockId from "../../storage/BlockId.js"
import type { BlockManagerMaster } from "../../storage/BlockManagerMaster.js"
import * as StorageLevel from "../../storage/StorageLevel.js"
import type { ActiveJob, ResultStage, ShuffleMapStage, Stage } from "./stage.js"
import { stageInfo, stageName } from "./stage.js"
import type { PendingTask, TaskSet } from "./taskSetManager.js"

export interface DAGSchedulerDeps {
  readonly now: () => number
  readonly post: (event: SparkListenerEvent) => void
  readonly submitTasks: (taskSet: TaskSet) => void
  readonly cancelTasks: (stageId: number) => void
  /** Asks the event loop to run `resubmitFailedStages` after the current event. */
  readonly scheduleResubmit: () => void
  readonly mergeAccumulators: (updates: ReadonlyMap<number, unknown>) => void
  readonly mapOutputTracker: MapOutputTracker
  readonly blockManagerMaster: BlockManagerMaster
  readonly maxConsecutiveStageAttempts: number
}

export interface JobSubmission {
  readonly jobId: number
  readonly rdd: RDD<unknown>
  readonly func: (iterator: Iterator<unknown>, ctx: TaskContext) => unknown
  readonly partitions: ReadonlyArray<number>
  readonly properties: ReadonlyMap<string, string>
  readonly onTaskSucceeded: ActiveJob["onTaskSucceeded"]
  readonly onJobFinished: ActiveJob["onJobFinished"]
}

export class DAGScheduler {
  private nextStageId = 0
  private readonly stages = new Map<number, Stage>()
  private readonly shuffleIdToMapStage = new Map<number, ShuffleMapStage>()
  private readonly waiting = new Set<Stage>()
  private readonly running = new Set<Stage>()
  private readonly failed = new Set<Stage>()
  private readonly activeJobs = new Map<number, ActiveJob>()
  private readonly launchTimes = new Map<number, number>()
  /** Cached-partition locations per RDD, valid while handling one event. */
  private cacheLocs = new Map<number, Array<Array<TaskLocation>>>()

  constructor(private readonly deps: DAGSchedulerDeps) {}

  activeJobIds(): Array<number> {
    return [...this.activeJobs.keys()]
  }

  /** Clears per-event memoization; called by the event loop before each event. */
  beginEvent(): void {
    this.cacheLocs = new Map()
  }

  // ------------------------------------------------------------ jobs

  handleJobSubmitted(submission: JobSubmission): void {
    const { jobId } = submission
    const finalStage = this.createResultStage(submission)
    const job: ActiveJob = {
      jobId,
      finalStage,
      partitions: submission.partitions,
      properties: submission.properties,
      finished: new Array(submission.partitions.length).fill(false),
      numFinished: 0,
      onTaskSucceeded: submission.onTaskSucceeded,
      onJobFinished: submission.onJobFinished
    }
    this.activeJobs.set(jobId, job)
    finalStage.activeJob = job
    const jobStages = [...this.stages.values()].filter((s) => s.jobIds.has(jobId)).sort((a, b) => a.id - b.id)
    this.deps.post({
      _tag: "JobStart",
      jobId,
      time: this.deps.now(),
      stageInfos: jobStages.map(stageInfo),
      properties: submission.properties
    })
    this.submitStage(finalStage)
  }

  handleJobCancelled(jobId: number, reason: string): void {
    const job = this.activeJobs.get(jobId)
    if (job === undefined) return
    this.failJobAndIndependentStages(job, new JobCancelledError({ jobId, message: `Job ${jobId} cancelled ${reason}` }))
  }

  handleJobGroupCancelled(groupId: string): void {
    for (const job of [...this.activeJobs.values()]) {
      if (job.properties.get("spark.jobGroup.id") === groupId) {
        this.handleJobCancelled(job.jobId, `part of cancelled job group ${groupId}`)
      }
    }
  }

  handleAllJobsCancelled(reason: string): void {
    for (const job of [...this.activeJobs.values()]) this.handleJobCancelled(job.jobId, reason)
  }

  // ------------------------------------------------------------ stages

  private newStageBase(rdd: RDD<unknown>, parents: Array<Stage>, jobId: number, numTasks: number) {
    return {
      id: this.nextStageId++,
      rdd,
      parents,
      jobIds: new Set<number>(),
      firstJobId: jobId,
      numTasks,
      latestAttempt: -1,
      submissionTime: undefined,
      completionTime: undefined,
      failureReason: undefined,
      failedAttemptCount: 0,
      pendingPartitions: new Set<number>()
    }
  }

  private createResultStage(submission: JobSubmission): ResultStage {
    const parents = this.getOrCreateParentStages(submission.rdd, submission.jobId)
    const stage: ResultStage = {
      _tag: "ResultStage",
      ...this.newStageBase(submission.rdd, parents, submission.jobId, submission.partitions.length),
      func: submission.func,
      partitions: submission.partitions,
      activeJob: undefined
    }
    this.stages.set(stage.id, stage)
    this.updateJobIdStageIdMaps(submission.jobId, stage)
    return stage
  }

  /** The shuffle dependencies reached from `rdd` through narrow dependencies only. */
  private shuffleDependencies(rdd: RDD<unknown>): Array<ShuffleDependency<RDD<unknown>>> {
    const result: Array<ShuffleDependency<RDD<unknown>>> = []
    const visited = new Set<number>()
    const stack = [rdd]
    while (stack.length > 0) {
      const current = stack.pop()!
      if (visited.has(current.id)) continue
      visited.add(current.id)
      for (const dep of current.dependencies) {
        if (dep._tag === "Shuffle") result.push(dep)
        else stack.push(dep.rdd)
      }
    }
    return result
  }

  private getOrCreateParentStages(rdd: RDD<unknown>, jobId: number): Array<Stage> {
    return this.shuffleDependencies(rdd).map((dep) => this.getOrCreateShuffleMapStage(dep, jobId))
  }

  private getOrCreateShuffleMapStage(dep: ShuffleDependency<RDD<unknown>>, jobId: number): ShuffleMapStage {
    const existing = this.shuffleIdToMapStage.get(dep.shuffleId)
    if (existing !== undefined) return existing
    const parents = this.getOrCreateParentStages(dep.rdd, jobId)
    const stage: ShuffleMapStage = {
      _tag: "ShuffleMapStage",
      ...this.newStageBase(dep.rdd, parents, jobId, dep.rdd.numPartitions),
      shuffleDep: dep
    }
    this.stages.set(stage.id, stage)
    this.shuffleIdToMapStage.set(dep.shuffleId, stage)
    this.deps.mapOutputTracker.registerShuffle(dep.shuffleId, dep.rdd.numPartitions)
    return stage
  }

  private updateJobIdStageIdMaps(jobId: number, stage: Stage): void {
    const stack = [stage]
    while (stack.length > 0) {
      const s = stack.pop()!
      if (s.jobIds.has(jobId)) continue
      s.jobIds.add(jobId)
      stack.push(...s.parents)
    }
  }

  private isAvailable(stage: ShuffleMapStage): boolean {
    return this.deps.mapOutputTracker.numAvailableOutputs(stage.shuffleDep.shuffleId) === stage.numTasks
  }

  private getCacheLocs(rdd: RDD<unknown>): Array<Array<TaskLocation>> {
    if (rdd.storageLevel === StorageLevel.NONE) return rdd.partitions.map(() => [])
    let locs = this.cacheLocs.get(rdd.id)
    if (locs === undefined) {
      locs = rdd.partitions.map((p) =>
        this.deps.blockManagerMaster.getLocations(BlockId.rdd(rdd.id, p.index)).map((id) => ({
          host: id.host,
          executorId: id.executorId
        }))
      )
      this.cacheLocs.set(rdd.id, locs)
    }
    return locs
  }

  private getMissingParentStages(stage: Stage): Array<Stage> {
    const missing = new Set<Stage>()
    const visited = new Set<number>()
    const stack = [stage.rdd]
    while (stack.length > 0) {
      const rdd = stack.pop()!
      if (visited.has(rdd.id)) continue
      visited.add(rdd.id)
      // A fully cached RDD needs none of its parents.
      if (!this.getCacheLocs(rdd).some((locs) => locs.length === 0) && rdd.numPartitions > 0) continue
      for (const dep of rdd.dependencies) {
        if (dep._tag === "Shuffle") {
          const mapStage = this.getOrCreateShuffleMapStage(dep, stage.firstJobId)
          if (!this.isAvailable(mapStage)) missing.add(mapStage)
        } else {
          stack.push(dep.rdd)
        }
      }
    }
    return [...missing].sort((a, b) => a.id - b.id)
  }

  private activeJobForStage(stage: Stage): number | undefined {
    const ids = [...stage.jobIds].filter((id) => this.activeJobs.has(id)).sort((a, b) => a - b)
    return ids[0]
  }

  private submitStage(stage: Stage): void {
    const jobId = this.activeJobForStage(stage)
    if (jobId === undefined) return
    if (this.waiting.has(stage) || this.running.has(stage) || this.failed.has(stage)) return
    const missing = this.getMissingParentStages(stage)
    if (missing.length === 0) {
      this.submitMissingTasks(stage, jobId)
    } else {
      for (const parent of missing) this.submitStage(parent)
      this.waiting.add(stage)
    }
  }

  private preferredLocations(rdd: RDD<unknown>, partition: number, visited = new Set<string>()): Array<TaskLocation> {
    const key = `${rdd.id}:${partition}`
    if (visited.has(key)) return []
    visited.add(key)
    const cached = this.getCacheLocs(rdd)[partition]
    if (cached !== undefined && cached.length > 0) return cached
    const split = rdd.partitions[partition]
    if (split === undefined) return []
    const hosts = rdd.preferredLocations(split)
    if (hosts.length > 0) return hosts.map((host) => ({ host }))
    for (const dep of rdd.dependencies) {
      if (dep._tag === "Shuffle") continue
      const parents = getParents(dep, partition)
      for (const parent of parents) {
        const locs = this.preferredLocations(dep.rdd, parent, visited)
        if (locs.length > 0) return locs
      }
    }
    return []
  }

  private submitMissingTasks(stage: Stage, jobId: number): void {
    const job = this.activeJobs.get(jobId)!
    stage.latestAttempt++
    stage.pendingPartitions.clear()
    stage.submissionTime = this.deps.now()
    stage.completionTime = undefined
    stage.failureReason = undefined
    let tasks: Array<PendingTask>
    let binary: TaskBinary
    if (stage._tag === "ShuffleMapStage") {
      const missing = this.deps.mapOutputTracker.findMissingPartitions(stage.shuffleDep.shuffleId)
      tasks = missing.map((p) => ({
        partition: stage.rdd.partitions[p]!,
        outputId: p,
        locations: this.preferredLocations(stage.rdd, p)
      }))
      binary = { _tag: "ShuffleMapTask", rdd: stage.rdd, dep: stage.shuffleDep }
    } else {
      const active = stage.activeJob!
      tasks = []
      for (let outputId = 0; outputId < stage.partitions.length; outputId++) {
        if (active.finished[outputId]) continue
        const p = stage.partitions[outputId]!
        tasks.push({ partition: stage.rdd.partitions[p]!, outputId, locations: this.preferredLocations(stage.rdd, p) })
      }
      binary = { _tag: "ResultTask", rdd: stage.rdd, func: stage.func }
    }
    for (const task of tasks) stage.pendingPartitions.add(task.partition.index)
    this.running.add(stage)
    this.deps.post({ _tag: "StageSubmitted", stageInfo: stageInfo(stage) })
    if (tasks.length === 0) {
      this.markStageAsFinished(stage)
      if (stage._tag === "ShuffleMapStage") this.submitWaitingChildStages(stage)
      return
    }
    this.deps.submitTasks({
      stageId: stage.id,
      stageAttemptId: stage.latestAttempt,
      jobId,
      properties: job.properties,
      binary,
      tasks
    })
  }

  private submitWaitingChildStages(parent: Stage): void {
    const children = [...this.waiting].filter((s) => s.parents.includes(parent)).sort((a, b) => a.firstJobId - b.firstJobId)
    for (const child of children) {
      this.waiting.delete(child)
      this.submitStage(child)
    }
  }

  private markStageAsFinished(stage: Stage, failure?: string): void {
    stage.completionTime = this.deps.now()
    stage.failureReason = failure
    if (failure === undefined) stage.failedAttemptCount = 0
    this.running.delete(stage)
    this.deps.post({ _tag: "StageCompleted", stageInfo: stageInfo(stage) })
  }

  resubmitFailedStages(): void {
    const stages = [...this.failed].sort((a, b) => a.firstJobId - b.firstJobId || a.id - b.id)
    this.failed.clear()
    for (const stage of stages) this.submitStage(stage)
  }

  // ------------------------------------------------------------ task events

  handleTaskStarted(task: TaskDescription, host: string): void {
    const launchTime = this.deps.now()
    this.launchTimes.set(task.taskId, launchTime)
    this.deps.post({
      _tag: "TaskStart",
      stageId: task.stageId,
      stageAttemptId: task.stageAttemptId,
      taskInfo: taskInfo(task, host, launchTime)
    })
  }

  handleTaskCompletion(task: TaskDescription, result: TaskResult, host: string): void {
    const launchTime = this.launchTimes.get(task.taskId) ?? this.deps.now()
    this.launchTimes.delete(task.taskId)
    this.deps.post({
      _tag: "TaskEnd",
      stageId: task.stageId,
      stageAttemptId: task.stageAttemptId,
      taskType: task.binary._tag,
      reason: endReason(result, task.executorId),
      taskInfo: taskInfo(task, host, launchTime),
      finishTime: this.deps.now()
    })
    const stage = this.stages.get(task.stageId)
    if (stage === undefined) return
    switch (result._tag) {
      case "Success": {
        if (stage._tag !== "ResultStage") return
        const job = stage.activeJob
        if (job === undefined || job.finished[task.index]) return
        this.deps.mergeAccumulators(result.accumulatorUpdates)
        job.finished[task.index] = true
        job.numFinished++
        stage.pendingPartitions.delete(task.partition.index)
        job.onTaskSucceeded(task.index, result.value)
        if (job.numFinished === job.partitions.length) {
          this.markStageAsFinished(stage)
          this.cleanupStateForJobAndIndependentStages(job)
          this.deps.post({ _tag: "JobEnd", jobId: job.jobId, time: this.deps.now(), result: "JobSucceeded" })
          job.onJobFinished({ _tag: "Success" })
        }
        return
      }
      case "ShuffleMapSuccess": {
        if (stage._tag !== "ShuffleMapStage") return
        this.deps.mergeAccumulators(result.accumulatorUpdates)
        this.deps.mapOutputTracker.registerMapOutput(stage.shuffleDep.shuffleId, task.partition.index, result.status)
        stage.pendingPartitions.delete(task.partition.index)
        if (this.running.has(stage) && stage.pendingPartitions.size === 0) {
          this.markStageAsFinished(stage)
          if (this.isAvailable(stage)) {
            this.submitWaitingChildStages(stage)
          } else {
            // Some output was lost while the stage ran: run the missing map tasks again.
            this.submitStage(stage)
          }
        }
        return
      }
      case "FetchFailed": {
        if (task.stageAttemptId !== stage.latestAttempt) return // a stale attempt's failure
        const mapStage = this.shuffleIdToMapStage.get(result.shuffleId)
        if (this.running.has(stage)) this.markStageAsFinished(stage, result.message)
        this.deps.cancelTasks(stage.id)
        stage.failedAttemptCount++
        if (stage.failedAttemptCount >= this.deps.maxConsecutiveStageAttempts) {
          this.abortStage(
            stage,
            `${stageName(stage)} has failed the maximum allowable number of times: ` +
              `${this.deps.maxConsecutiveStageAttempts}. Most recent failure reason: ${result.message}`,
            undefined
          )
          return
        }
        if (result.mapId >= 0) this.deps.mapOutputTracker.unregisterMapOutput(result.shuffleId, result.mapId)
        if (result.executorId !== undefined) {
          // As Spark does without an external shuffle service, a fetch failure means the
          // executor's shuffle files are lost: rerun all of this shuffle's map tasks that
          // wrote there, not just the one found missing first (otherwise losing k outputs
          // takes k stage attempts and aborts the job once k >= maxConsecutiveStageAttempts).
          for (const output of this.deps.mapOutputTracker.getMapSizes(result.shuffleId, 0) ?? []) {
            if (output.location?.executorId === result.executorId) {
              this.deps.mapOutputTracker.unregisterMapOutput(result.shuffleId, output.mapId)
            }
          }
        }
        const noResubmitQueued = this.failed.size === 0
        this.failed.add(stage)
        if (mapStage !== undefined) this.failed.add(mapStage)
        if (noResubmitQueued) this.deps.scheduleResubmit()
        return
      }
      case "ExceptionFailure":
      case "TaskKilled":
        return // retried (or the stage aborted) by the task scheduler
    }
  }

  handleTaskSetFailed(stageId: number, message: string, cause: unknown): void {
    const stage = this.stages.get(stageId)
    if (stage !== undefined) this.abortStage(stage, message, cause)
  }

  /** An executor is gone: its shuffle outputs are lost; stages needing them rerun on demand. */
  handleExecutorLost(executorId: string): void {
    this.deps.mapOutputTracker.removeOutputsOnExecutor(executorId)
    this.deps.blockManagerMaster.removeExecutor(executorId)
  }

  private abortStage(stage: Stage, reason: string, cause: unknown): void {
    const jobs = [...this.activeJobs.values()].filter((job) => stage.jobIds.has(job.jobId))
    for (const job of jobs) {
      const message = `Job aborted due to stage failure: ${reason}`
      this.failJobAndIndependentStages(
        job,
        new JobFailedError({ jobId: job.jobId, message, cause: cause ?? new Error(message) })
      )
    }
  }

  private failJobAndIndependentStages(job: ActiveJob, error: JobFailedError | JobCancelledError): void {
    for (const stage of this.stages.values()) {
      if (!stage.jobIds.has(job.jobId) || stage.jobIds.size > 1) continue
      if (this.running.has(stage)) {
        this.deps.cancelTasks(stage.id)
        this.markStageAsFinished(stage, error.message)
      }
    }
    this.cleanupStateForJobAndIndependentStages(job)
    this.deps.post({ _tag: "JobEnd", jobId: job.jobId, time: this.deps.now(), result: { failure: error.message } })
    job.onJobFinished({ _tag: "Failure", error })
  }

  private cleanupStateForJobAndIndependentStages(job: ActiveJob): void {
    for (const stage of [...this.stages.values()]) {
      if (!stage.jobIds.delete(job.jobId)) continue
      if (stage.jobIds.size > 0) continue
      this.stages.delete(stage.id)
      this.running.delete(stage)
      this.waiting.delete(stage)
      this.failed.delete(stage)
      if (stage._tag === "ShuffleMapStage" && this.shuffleIdToMapStage.get(stage.shuffleDep.shuffleId) === stage) {
        // The outputs stay registered: a later job's new stage for this shuffle finds them and is skipped.
        this.shuffleIdToMapStage.delete(stage.shuffleDep.shuffleId)
      }
    }
    this.activeJobs.delete(job.jobId)
    job.finalStage.activeJob = undefined
  }
}

const taskInfo = (task: TaskDescription, host: string, launchTime: number): TaskInfo => ({
  taskId: task.taskId,
  index: task.index,
  attemptNumber: task.attemptNumber,
  executorId: task.executorId,
  host,
  locality: task.locality,
  launchTime
})

const endReason = (result: TaskResult, executorId: string): TaskEndReason => {
  switch (result._tag) {
    case "Success":
    case "ShuffleMapSuccess":
      return { _tag: "Success" }
    case "FetchFailed":
      return { _tag: "FetchFailed", shuffleId: result.shuffleId, mapId: result.mapId, message: result.message }
    case "ExceptionFailure":
      return { _tag: "ExceptionFailure", message: result.message }
    case "TaskKilled":
      return result.reason.startsWith("executor lost")
        ? { _tag: "ExecutorLost", executorId }
        : { _tag: "TaskKilled", reason: result.reason }
  }
}

