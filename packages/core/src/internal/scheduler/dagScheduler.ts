// The DAG scheduler: cuts a job's RDD graph into stages at shuffle
// boundaries, submits a stage once its parents' outputs are available, reuses
// shuffle outputs across jobs, resubmits map stages whose output was lost, and
// fails jobs whose stages are aborted. Driven by one event loop (see
// scheduler/DAGSchedulerEventProcessLoop.ts), so its state needs no locks.
import type { AccumulatorContext } from "../../Accumulator.js"
import type { ContextCleaner } from "../../ContextCleaner.js"
import type { DAGSchedulerEvent, DAGSchedulerEventProcessLoop } from "../../scheduler/DAGSchedulerEventProcessLoop.js"
import type { LiveListenerBus } from "../../scheduler/LiveListenerBus.js"
import type { MapOutputTracker } from "../../scheduler/MapOutputTracker.js"
import type { SparkListenerEvent } from "../../scheduler/SparkListener.js"
import type { TaskBinary, TaskDescription, TaskResult } from "../../scheduler/Task.js"
import type { TaskScheduler } from "../../scheduler/TaskScheduler.js"
import { JobCancelledError, JobFailedError } from "../../SparkError.js"
import type { BlockManagerMaster } from "../../storage/BlockManagerMaster.js"
import { forEachAncestor } from "../../util/lineage.js"
import { doOnReceive, endReason, taskInfo, TaskLocations } from "./dagSchedulerEvents.js"
import { type ActiveJob, type JobSubmission, type ShuffleMapStage, type Stage, StageGraph, stageInfo, stageName } from "./stage.js"
import type { TaskSchedulerListener } from "./taskSchedulerImpl.js"
import type { PendingTask } from "./taskSetManager.js"

/** The services the DAG scheduler works with (see scheduler/DAGScheduler.ts, which wires them). */
export interface DAGSchedulerServices {
  readonly loop: DAGSchedulerEventProcessLoop["Service"]
  readonly listenerBus: LiveListenerBus["Service"]
  readonly taskScheduler: TaskScheduler["Service"]
  readonly accumulators: AccumulatorContext["Service"]
  readonly cleaner: ContextCleaner["Service"]
  readonly mapOutputTracker: MapOutputTracker
  readonly blockManagerMaster: BlockManagerMaster
  readonly maxConsecutiveStageAttempts: number
}

export class DAGScheduler implements TaskSchedulerListener {
  private readonly graph: StageGraph
  private readonly waiting = new Set<Stage>()
  private readonly running = new Set<Stage>()
  private readonly failed = new Set<Stage>()
  private readonly activeJobs = new Map<number, ActiveJob>()
  private readonly launchTimes = new Map<number, number>()
  /** The host of each live executor, for task infos (kept until an executor's lost tasks are reported). */
  private readonly executorHosts = new Map<string, string>()
  /** Cached-partition locations per RDD, valid while handling one event. */
  private readonly locations: TaskLocations

  constructor(private readonly deps: DAGSchedulerServices) {
    this.locations = new TaskLocations(deps.blockManagerMaster)
    this.graph = new StageGraph(deps.mapOutputTracker)
  }

  activeJobIds(): Array<number> {
    return [...this.activeJobs.keys()]
  }

  /** Handles one event of the loop (see `doOnReceive`). */
  onReceive(event: DAGSchedulerEvent): void {
    this.locations.clear()
    doOnReceive(this, this.deps, event)
  }

  /** An executor registered: task infos name its host. */
  handleExecutorAdded(executorId: string, host: string): void {
    this.executorHosts.set(executorId, host)
  }

  now(): number {
    return this.deps.loop.now()
  }

  post(event: SparkListenerEvent): void {
    this.deps.listenerBus.post(event)
  }

  // ------------------------------------------------------------ TaskSchedulerListener

  taskStarted(task: TaskDescription): void {
    this.handleTaskStarted(task, this.executorHosts.get(task.executorId) ?? "unknown")
  }

  taskEnded(task: TaskDescription, result: TaskResult): void {
    this.handleTaskCompletion(task, result, this.executorHosts.get(task.executorId) ?? "unknown")
  }

  taskSetFailed(stageId: number, message: string, cause: unknown): void {
    this.handleTaskSetFailed(stageId, message, cause)
  }

  // ------------------------------------------------------------ jobs

  handleJobSubmitted(submission: JobSubmission): void {
    const { jobId } = submission
    const finalStage = this.graph.createResultStage(submission.rdd, submission.func, submission.partitions, jobId)
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
    const jobStages = [...this.graph.stages.values()].filter((s) => s.jobIds.has(jobId)).sort((a, b) => a.id - b.id)
    this.post({
      _tag: "JobStart",
      jobId,
      time: this.now(),
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

  private isAvailable(stage: ShuffleMapStage): boolean {
    return this.deps.mapOutputTracker.numAvailableOutputs(stage.shuffleDep.shuffleId) === stage.numTasks
  }

  private getMissingParentStages(stage: Stage): Array<Stage> {
    const missing = new Set<Stage>()
    forEachAncestor(stage.rdd, (rdd) =>
      // A fully cached RDD needs none of its parents.
      !this.locations.cacheLocs(rdd).some((locs) => locs.length === 0) && rdd.numPartitions > 0 ? "prune" : undefined, {
      stopAtShuffles: true,
      onShuffle: (dep) => {
        const mapStage = this.graph.getOrCreateShuffleMapStage(dep, stage.firstJobId)
        if (!this.isAvailable(mapStage)) missing.add(mapStage)
      }
    })
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

  private submitMissingTasks(stage: Stage, jobId: number): void {
    const job = this.activeJobs.get(jobId)!
    stage.latestAttempt++
    stage.pendingPartitions.clear()
    stage.submissionTime = this.now()
    stage.completionTime = undefined
    stage.failureReason = undefined
    let tasks: Array<PendingTask>
    let binary: TaskBinary
    if (stage._tag === "ShuffleMapStage") {
      const missing = this.deps.mapOutputTracker.findMissingPartitions(stage.shuffleDep.shuffleId)
      tasks = missing.map((p) => ({
        partition: stage.rdd.partitions[p]!,
        outputId: p,
        locations: this.locations.preferred(stage.rdd, p)
      }))
      binary = { _tag: "ShuffleMapTask", rdd: stage.rdd, dep: stage.shuffleDep }
    } else {
      const active = stage.activeJob!
      tasks = []
      for (let outputId = 0; outputId < stage.partitions.length; outputId++) {
        if (active.finished[outputId]) continue
        const p = stage.partitions[outputId]!
        tasks.push({ partition: stage.rdd.partitions[p]!, outputId, locations: this.locations.preferred(stage.rdd, p) })
      }
      binary = { _tag: "ResultTask", rdd: stage.rdd, func: stage.func }
    }
    for (const task of tasks) stage.pendingPartitions.add(task.partition.index)
    this.running.add(stage)
    this.post({ _tag: "StageSubmitted", stageInfo: stageInfo(stage) })
    if (tasks.length === 0) {
      this.markStageAsFinished(stage)
      if (stage._tag === "ShuffleMapStage") this.submitWaitingChildStages(stage)
      return
    }
    this.deps.taskScheduler.submitTasks({
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
    stage.completionTime = this.now()
    stage.failureReason = failure
    if (failure === undefined) stage.failedAttemptCount = 0
    this.running.delete(stage)
    this.post({ _tag: "StageCompleted", stageInfo: stageInfo(stage) })
  }

  resubmitFailedStages(): void {
    const stages = [...this.failed].sort((a, b) => a.firstJobId - b.firstJobId || a.id - b.id)
    this.failed.clear()
    for (const stage of stages) this.submitStage(stage)
  }

  // ------------------------------------------------------------ task events

  private handleTaskStarted(task: TaskDescription, host: string): void {
    const launchTime = this.now()
    this.launchTimes.set(task.taskId, launchTime)
    this.post({
      _tag: "TaskStart",
      stageId: task.stageId,
      stageAttemptId: task.stageAttemptId,
      taskInfo: taskInfo(task, host, launchTime)
    })
  }

  private handleTaskCompletion(task: TaskDescription, result: TaskResult, host: string): void {
    const launchTime = this.launchTimes.get(task.taskId) ?? this.now()
    this.launchTimes.delete(task.taskId)
    this.post({
      _tag: "TaskEnd",
      stageId: task.stageId,
      stageAttemptId: task.stageAttemptId,
      taskType: task.binary._tag,
      reason: endReason(result, task.executorId),
      taskInfo: taskInfo(task, host, launchTime),
      finishTime: this.now(),
      taskMetrics: result._tag === "TaskKilled" ? undefined : result.metrics
    })
    const stage = this.graph.stages.get(task.stageId)
    if (stage === undefined) return
    switch (result._tag) {
      case "Success": {
        if (stage._tag !== "ResultStage") return
        const job = stage.activeJob
        if (job === undefined || job.finished[task.index]) return
        this.deps.accumulators.merge(result.accumulatorUpdates)
        job.finished[task.index] = true
        job.numFinished++
        stage.pendingPartitions.delete(task.partition.index)
        job.onTaskSucceeded(task.index, result.value)
        if (job.numFinished === job.partitions.length) {
          this.markStageAsFinished(stage)
          this.cleanupStateForJobAndIndependentStages(job)
          this.post({ _tag: "JobEnd", jobId: job.jobId, time: this.now(), result: "JobSucceeded" })
          job.onJobFinished({ _tag: "Success" })
        }
        return
      }
      case "ShuffleMapSuccess": {
        if (stage._tag !== "ShuffleMapStage") return
        this.deps.accumulators.merge(result.accumulatorUpdates)
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
        const mapStage = this.graph.shuffleIdToMapStage.get(result.shuffleId)
        if (this.running.has(stage)) this.markStageAsFinished(stage, result.message)
        this.deps.taskScheduler.cancelTasks(stage.id)
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
        if (noResubmitQueued) this.deps.loop.post({ _tag: "ResubmitFailedStages" })
        return
      }
      case "ExceptionFailure":
      case "TaskKilled":
        return // retried (or the stage aborted) by the task scheduler
    }
  }

  private handleTaskSetFailed(stageId: number, message: string, cause: unknown): void {
    const stage = this.graph.stages.get(stageId)
    if (stage !== undefined) this.abortStage(stage, message, cause)
  }

  /** An executor is gone: its shuffle outputs are lost; stages needing them rerun on demand. */
  handleExecutorLost(executorId: string): void {
    this.deps.mapOutputTracker.removeOutputsOnExecutor(executorId)
    this.deps.blockManagerMaster.removeExecutor(executorId)
    this.executorHosts.delete(executorId)
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
    for (const stage of this.graph.stages.values()) {
      if (!stage.jobIds.has(job.jobId) || stage.jobIds.size > 1) continue
      if (this.running.has(stage)) {
        this.deps.taskScheduler.cancelTasks(stage.id)
        this.markStageAsFinished(stage, error.message)
      }
    }
    this.cleanupStateForJobAndIndependentStages(job)
    this.post({ _tag: "JobEnd", jobId: job.jobId, time: this.now(), result: { failure: error.message } })
    job.onJobFinished({ _tag: "Failure", error })
  }

  private cleanupStateForJobAndIndependentStages(job: ActiveJob): void {
    for (const stage of [...this.graph.stages.values()]) {
      if (!stage.jobIds.delete(job.jobId)) continue
      if (stage.jobIds.size > 0) continue
      this.graph.stages.delete(stage.id)
      this.running.delete(stage)
      this.waiting.delete(stage)
      this.failed.delete(stage)
      if (stage._tag === "ShuffleMapStage" && this.graph.shuffleIdToMapStage.get(stage.shuffleDep.shuffleId) === stage) {
        // The outputs stay registered: a later job's new stage for this shuffle finds them and is skipped.
        this.graph.shuffleIdToMapStage.delete(stage.shuffleDep.shuffleId)
      }
    }
    this.activeJobs.delete(job.jobId)
    job.finalStage.activeJob = undefined
  }
}
