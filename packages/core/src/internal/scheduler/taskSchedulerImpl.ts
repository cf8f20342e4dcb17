// Turns stage task sets into task launches on executor offers, and turns
// executors' status updates into DAG events. Task sets sit in a pool tree
// (pool.ts): FIFO mode orders them by (jobId, stageId), FAIR mode shares cores
// between named pools by minShare and weight. Runs on the scheduler's event
// loop, so its state needs no locks.
import type { TaskDescription, TaskResult } from "../../scheduler/Task.js"
import { ExecutorWaitTimeoutError } from "../../SparkError.js"
import { defaultSchedulerConf, SchedulableBuilder, type SchedulerConf } from "./pool.js"
import type { Alive, Locality, TaskSet } from "./taskSetManager.js"
import { TaskSetManager } from "./taskSetManager.js"

export interface WorkerOffer {
  readonly executorId: string
  readonly host: string
  readonly cores: number
}

export interface TaskSchedulerListener {
  readonly taskStarted: (task: TaskDescription) => void
  readonly taskEnded: (task: TaskDescription, result: TaskResult) => void
  readonly taskSetFailed: (stageId: number, message: string, cause: unknown) => void
}

/** The loss reason of an executor the driver killed (`SparkContext.killExecutor`): its tasks' failures do not count. */
export const EXECUTOR_KILLED = "killed by the driver"
/** The reason of an executor the driver killed asking its running tasks' failures to count (`killExecutors` with `countFailures`). */
export const EXECUTOR_KILLED_COUNTED = "killed by the driver, its running tasks counted as failed attempts"

const LEVELS: ReadonlyArray<Locality> = ["PROCESS_LOCAL", "NODE_LOCAL", "NO_PREF", "ANY"]

const noListener: TaskSchedulerListener = { taskStarted: () => {}, taskEnded: () => {}, taskSetFailed: () => {} }

export class TaskSchedulerImpl {
  /** Every task set not finished yet, in submission order (the pool tree holds the same ones). */
  private readonly managers: Array<TaskSetManager> = []
  private readonly builder: SchedulableBuilder<TaskSetManager>
  private readonly byTaskId = new Map<number, { readonly manager: TaskSetManager; readonly task: TaskDescription }>()
  private readonly executors = new Map<string, string>()
  private nextTaskId = 0
  private listener = noListener
  /** Since when tasks have been pending with no executor alive (for `spark.scheduler.executorWaitTimeout`). */
  private waitingSince: number | undefined

  constructor(
    private readonly maxFailures: number,
    private readonly localityWaitMs: number,
    schedulerConf: SchedulerConf = defaultSchedulerConf,
    private readonly executorWaitTimeoutMs = 60_000
  ) {
    this.builder = new SchedulableBuilder(schedulerConf)
  }

  /** The DAG scheduler hears task starts and ends; set once, as Spark's `setDAGScheduler`. */
  setDAGScheduler(listener: TaskSchedulerListener): void {
    this.listener = listener
  }

  executorAdded(executorId: string, host: string): void {
    this.executors.set(executorId, host)
  }

  /** Forgets an executor; returns the tasks that were running on it (reported as lost). */
  executorLost(executorId: string): Array<TaskDescription> {
    this.executors.delete(executorId)
    const lost: Array<TaskDescription> = []
    for (const manager of this.managers) {
      for (const taskId of manager.executorLost(executorId)) {
        const entry = this.byTaskId.get(taskId)
        if (entry !== undefined) lost.push(entry.task)
      }
    }
    return lost
  }

  submitTasks(taskSet: TaskSet, now: number): void {
    // A new attempt of a stage supersedes any older one still running.
    for (const manager of this.managers) {
      if (manager.taskSet.stageId === taskSet.stageId) manager.abandon()
    }
    const manager = new TaskSetManager(taskSet, this.maxFailures, this.localityWaitMs, now)
    this.managers.push(manager)
    this.builder.addTaskSetManager(manager, taskSet.properties)
  }

  /** Stops scheduling a stage's tasks; returns its running tasks so the backend can kill them. */
  cancelTasks(stageId: number): Array<TaskDescription> {
    const running: Array<TaskDescription> = []
    for (const manager of this.managers) {
      if (manager.taskSet.stageId !== stageId) continue
      manager.abandon()
      for (const taskId of manager.running.keys()) {
        const entry = this.byTaskId.get(taskId)
        if (entry !== undefined) running.push(entry.task)
      }
    }
    this.prune()
    return running
  }

  /**
   * Fills free cores with tasks. Each launch goes to the first task set of the
   * queue sorted from the pool tree that can launch one, at its best locality
   * level, on the next offer with a free core (round robin over offers). The
   * queue is sorted again after every launch, so cores that are free together
   * are still split by the pools' shares (Spark sorts once per round of offers).
   */
  resourceOffers(offers: ReadonlyArray<WorkerOffer>, now: number): Array<TaskDescription> {
    this.checkExecutorWait(now)
    const free = offers.map((o) => o.cores)
    let freeCores = free.reduce((a, b) => a + b, 0)
    const launched: Array<TaskDescription> = []
    const alive: Alive = { executors: new Set(this.executors.keys()), hosts: new Set(this.executors.values()) }
    const newTaskId = () => this.nextTaskId++
    let cursor = 0
    const launchOne = (): [TaskSetManager, TaskDescription] | undefined => {
      for (const manager of this.builder.rootPool.sortedTaskSetQueue()) {
        for (const level of LEVELS) {
          for (let k = 0; k < offers.length; k++) {
            const i = (cursor + k) % offers.length
            if (free[i]! <= 0) continue
            const offer = offers[i]!
            const task = manager.resourceOffer(offer.executorId, offer.host, level, now, alive, newTaskId)
            if (task === undefined) continue
            free[i]!--
            cursor = i + 1
            return [manager, task]
          }
        }
      }
      return undefined
    }
    while (freeCores > 0) {
      const found = launchOne()
      if (found === undefined) break
      const [manager, task] = found
      freeCores--
      launched.push(task)
      this.byTaskId.set(task.taskId, { manager, task })
      this.listener.taskStarted(task)
    }
    return launched
  }

  statusUpdate(taskId: number, result: TaskResult): void {
    const entry = this.byTaskId.get(taskId)
    if (entry === undefined) return
    this.byTaskId.delete(taskId)
    const { manager, task } = entry
    switch (result._tag) {
      case "Success":
      case "ShuffleMapSuccess": {
        manager.handleSuccess(taskId)
        this.listener.taskEnded(task, result)
        break
      }
      case "FetchFailed": {
        // The stage attempt is doomed: the DAG scheduler resubmits the map stage, then this one.
        manager.handleFailure(taskId, false, result.message)
        manager.abandon()
        this.listener.taskEnded(task, result)
        break
      }
      case "ExceptionFailure": {
        const abort = manager.handleFailure(taskId, true, result.message)
        this.listener.taskEnded(task, result)
        if (abort !== undefined) this.listener.taskSetFailed(task.stageId, abort, result.error)
        break
      }
      case "TaskKilled": {
        // A task on an executor that died counts towards spark.task.maxFailures (Spark's ExecutorLostFailure
        // with exitCausedByApp), so a task that ends its executor (process.exit) fails its job instead of
        // looping; an executor the driver killed does not count, unless killed with countFailures.
        const lost = result.reason.startsWith("executor lost") && !result.reason.endsWith(`: ${EXECUTOR_KILLED}`)
        const abort = manager.handleFailure(taskId, lost, result.reason)
        this.listener.taskEnded(task, result)
        if (abort !== undefined) this.listener.taskSetFailed(task.stageId, abort, new Error(result.reason))
        break
      }
    }
    this.prune()
  }

  /**
   * With tasks pending and no executor alive for `executorWaitTimeoutMs`,
   * fails every unfinished task set (so their jobs fail) instead of waiting
   * forever, as Spark's standalone master removes an application whose
   * executors keep failing. Called on every round of offers, which the
   * revive timer makes at least every `spark.scheduler.revive.interval`.
   */
  private checkExecutorWait(now: number): void {
    const pending = this.managers.filter((m) => !m.isZombie)
    if (this.executors.size > 0 || pending.length === 0) {
      this.waitingSince = undefined
      return
    }
    if (this.waitingSince === undefined) {
      this.waitingSince = now
      return
    }
    const waitedMs = now - this.waitingSince
    if (waitedMs < this.executorWaitTimeoutMs) return
    this.waitingSince = undefined
    const error = new ExecutorWaitTimeoutError({
      waitedMs,
      message: `no executor was alive for ${waitedMs} ms while tasks were pending ` +
        `(spark.scheduler.executorWaitTimeout is ${this.executorWaitTimeoutMs} ms): every executor was lost and none ` +
        "replaced it; raise spark.deploy.maxExecutorRetries (-1 replaces lost executors without limit), " +
        "start executors that stay up, or raise spark.scheduler.executorWaitTimeout"
    })
    for (const manager of pending) {
      manager.abandon()
      this.listener.taskSetFailed(manager.taskSet.stageId, error.message, error)
    }
    this.prune()
  }

  private prune(): void {
    for (let i = this.managers.length - 1; i >= 0; i--) {
      const manager = this.managers[i]!
      if (!manager.isFinished) continue
      this.managers.splice(i, 1)
      this.builder.removeTaskSetManager(manager)
    }
  }
}
