// Turns stage task sets into task launches on executor offers (FIFO by job,
// then stage), and turns executors' status updates into DAG events. Runs on
// the scheduler's event loop, so its state needs no locks.
import type { TaskDescription, TaskResult } from "../../scheduler/Task.js"
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

const LEVELS: ReadonlyArray<Locality> = ["PROCESS_LOCAL", "NODE_LOCAL", "NO_PREF", "ANY"]

export class TaskScheduler {
  private readonly managers: Array<TaskSetManager> = []
  private readonly byTaskId = new Map<number, { readonly manager: TaskSetManager; readonly task: TaskDescription }>()
  private readonly executors = new Map<string, string>()
  private nextTaskId = 0

  constructor(
    private readonly listener: TaskSchedulerListener,
    private readonly maxFailures: number,
    private readonly localityWaitMs: number
  ) {}

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
    this.managers.push(new TaskSetManager(taskSet, this.maxFailures, this.localityWaitMs, now))
    this.managers.sort((a, b) => a.taskSet.jobId - b.taskSet.jobId || a.taskSet.stageId - b.taskSet.stageId)
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

  /** Fills free cores with tasks, best locality first. */
  resourceOffers(offers: ReadonlyArray<WorkerOffer>, now: number): Array<TaskDescription> {
    const free = offers.map((o) => o.cores)
    const launched: Array<TaskDescription> = []
    const alive: Alive = { executors: new Set(this.executors.keys()), hosts: new Set(this.executors.values()) }
    const newTaskId = () => this.nextTaskId++
    for (const manager of this.managers) {
      for (const level of LEVELS) {
        let launchedAny = true
        while (launchedAny) {
          launchedAny = false
          for (let i = 0; i < offers.length; i++) {
            if (free[i]! <= 0) continue
            const offer = offers[i]!
            const task = manager.resourceOffer(offer.executorId, offer.host, level, now, alive, newTaskId)
            if (task === undefined) continue
            free[i]!--
            launchedAny = true
            launched.push(task)
            this.byTaskId.set(task.taskId, { manager, task })
            this.listener.taskStarted(task)
          }
        }
      }
    }
    return launched
  }

  /** When some task set waits for a better locality, the time to offer again. */
  nextReviveTime(): number | undefined {
    let next: number | undefined
    for (const manager of this.managers) {
      if (manager.isZombie) continue
      const t = manager.nextLevelTime()
      next = next === undefined ? t : Math.min(next, t)
    }
    return next
  }

  get hasPendingTasks(): boolean {
    return this.managers.some((m) => !m.isZombie)
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
        manager.handleFailure(taskId, false, result.reason)
        this.listener.taskEnded(task, result)
        break
      }
    }
    this.prune()
  }

  private prune(): void {
    for (let i = this.managers.length - 1; i >= 0; i--) if (this.managers[i]!.isFinished) this.managers.splice(i, 1)
  }
}
