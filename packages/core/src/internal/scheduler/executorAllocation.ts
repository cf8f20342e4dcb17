// Core dynamic allocation's policy, as plain state over the listener events
// and the time they arrived (Spark's `ExecutorAllocationManager` with its
// `ExecutorAllocationListener` and, for idleness, `ExecutorMonitor`). It does
// no I/O: `schedule(now)` says which requests to send, and the caller reports
// back what the cluster acknowledged. Keeping the policy synchronous lets the
// tests drive it through any sequence of events at chosen times.

/** The validated settings of `spark.dynamicAllocation.*`. */
export interface AllocationSettings {
  readonly minExecutors: number
  readonly maxExecutors: number
  readonly initialExecutors: number
  readonly schedulerBacklogTimeoutMs: number
  readonly sustainedSchedulerBacklogTimeoutMs: number
  readonly executorIdleTimeoutMs: number
  /** `Infinity` keeps executors holding cached blocks for ever (Spark's default). */
  readonly cachedExecutorIdleTimeoutMs: number
  readonly executorAllocationRatio: number
  /** Tasks one executor runs at once: `spark.executor.cores / spark.task.cpus`. */
  readonly tasksPerExecutor: number
}

/** A request the policy wants sent, with the log line that explains it. */
export type AllocationAction =
  | {
    readonly _tag: "RequestTotal"
    readonly numExecutors: number
    /** The previous target, restored when the cluster does not acknowledge. */
    readonly previousTarget: number
    /** Why: tasks are backlogged (a ramp-up round) or the target exceeds what the tasks need. */
    readonly reason: "Backlog" | "LowerTarget"
    readonly message: string
  }
  | { readonly _tag: "Kill"; readonly executorIds: ReadonlyArray<string>; readonly message: string }

interface ExecutorState {
  readonly runningTasks: Set<number>
  readonly cachedBlocks: Set<string>
  /** When it last became idle (it was added or its last task ended); meaningful while no task runs. */
  idleSince: number
}

interface StageState {
  readonly numTasks: number
  /** Indices started at least once and not failed since (running or done). */
  readonly startedIndices: Set<number>
}

const rddOfBlock = (blockId: string): number | undefined => {
  const match = /^rdd_(\d+)_\d+$/.exec(blockId)
  return match === null ? undefined : Number(match[1])
}

export class AllocationState {
  /** The total number of executors the application wants now. */
  numExecutorsTarget: number
  /** How many to add in the next ramp-up round: 1, 2, 4, ... while the backlog lasts. */
  numExecutorsToAdd = 1
  /** When the next ramp-up round is due; `undefined` while no task waits. */
  addTime: number | undefined = undefined
  /** Until the first stage is submitted or an executor times out, the initial target stands. */
  initializing = true
  readonly executors = new Map<string, ExecutorState>()
  readonly pendingRemoval = new Set<string>()
  private readonly stages = new Map<string, StageState>()

  constructor(readonly settings: AllocationSettings) {
    this.numExecutorsTarget = settings.initialExecutors
  }

  get totalPendingTasks(): number {
    let pending = 0
    for (const stage of this.stages.values()) pending += stage.numTasks - stage.startedIndices.size
    return pending
  }

  get totalRunningTasks(): number {
    let running = 0
    for (const executor of this.executors.values()) running += executor.runningTasks.size
    return running
  }

  /** The executors the running and pending tasks could keep busy, rounded up. */
  get maxNumExecutorsNeeded(): number {
    const tasks = this.totalPendingTasks + this.totalRunningTasks
    return Math.ceil((tasks * this.settings.executorAllocationRatio) / this.settings.tasksPerExecutor)
  }

  /** Executors registered and not being removed. */
  get numActiveExecutors(): number {
    return this.executors.size - this.pendingRemoval.size
  }

  onStageSubmitted(now: number, stageId: number, attempt: number, numTasks: number): void {
    this.initializing = false
    this.stages.set(`${stageId}.${attempt}`, { numTasks, startedIndices: new Set() })
    if (numTasks > 0) this.onSchedulerBacklogged(now)
  }

  onStageCompleted(stageId: number, attempt: number): void {
    this.stages.delete(`${stageId}.${attempt}`)
    if (this.totalPendingTasks === 0) this.onSchedulerQueueEmpty()
  }

  onTaskStart(now: number, stageId: number, attempt: number, index: number, taskId: number, executorId: string): void {
    this.stages.get(`${stageId}.${attempt}`)?.startedIndices.add(index)
    // A task may start before its executor's registration is heard: count the executor from now.
    if (!this.executors.has(executorId)) this.onExecutorAdded(now, executorId)
    this.executors.get(executorId)!.runningTasks.add(taskId)
    if (this.totalPendingTasks === 0) this.onSchedulerQueueEmpty()
  }

  onTaskEnd(
    now: number,
    stageId: number,
    attempt: number,
    index: number,
    taskId: number,
    executorId: string,
    succeeded: boolean
  ): void {
    const executor = this.executors.get(executorId)
    if (executor !== undefined && executor.runningTasks.delete(taskId) && executor.runningTasks.size === 0) {
      executor.idleSince = now
    }
    // A failed task runs again: it is pending once more (Spark's SPARK-8366).
    const stage = this.stages.get(`${stageId}.${attempt}`)
    if (!succeeded && stage !== undefined && stage.startedIndices.delete(index)) this.onSchedulerBacklogged(now)
  }

  onExecutorAdded(now: number, executorId: string): void {
    if (this.executors.has(executorId)) return
    this.executors.set(executorId, { runningTasks: new Set(), cachedBlocks: new Set(), idleSince: now })
  }

  onExecutorRemoved(executorId: string): void {
    this.executors.delete(executorId)
    this.pendingRemoval.delete(executorId)
  }

  /**
   * A block's new status: an RDD block kept in memory or on disk makes its
   * executor hold cached data. When the last one goes, the executor falls
   * under the plain idle timeout, counted from when it became idle (as Spark's
   * `ExecutorMonitor`).
   */
  onBlockUpdated(executorId: string, blockId: string, stored: boolean): void {
    if (rddOfBlock(blockId) === undefined) return
    const executor = this.executors.get(executorId)
    if (executor === undefined) return
    if (stored) executor.cachedBlocks.add(blockId)
    else executor.cachedBlocks.delete(blockId)
  }

  onUnpersistRDD(rddId: number): void {
    for (const executor of this.executors.values()) {
      for (const blockId of executor.cachedBlocks) if (rddOfBlock(blockId) === rddId) executor.cachedBlocks.delete(blockId)
    }
  }

  private onSchedulerBacklogged(now: number): void {
    if (this.addTime === undefined) this.addTime = now + this.settings.schedulerBacklogTimeoutMs
  }

  private onSchedulerQueueEmpty(): void {
    this.addTime = undefined
    this.numExecutorsToAdd = 1
  }

  /** Whether an executor has been idle past its timeout (the cached one when it holds cached blocks). */
  isTimedOut(now: number, executorId: string): boolean {
    const executor = this.executors.get(executorId)
    if (executor === undefined || executor.runningTasks.size > 0) return false
    const timeout = executor.cachedBlocks.size > 0 ? this.settings.cachedExecutorIdleTimeoutMs : this.settings.executorIdleTimeoutMs
    return now - executor.idleSince >= timeout
  }

  /** One round of the policy (Spark runs it every 100 ms): adjust the target, then pick idle executors to remove. */
  schedule(now: number): Array<AllocationAction> {
    const actions: Array<AllocationAction> = []
    const targetChange = this.updateTarget(now)
    if (targetChange !== undefined) actions.push(targetChange)
    const timedOut = [...this.executors.keys()].filter((id) => !this.pendingRemoval.has(id) && this.isTimedOut(now, id))
    if (timedOut.length > 0) {
      this.initializing = false
      const kill = this.chooseRemovals(timedOut)
      if (kill !== undefined) actions.push(kill)
    }
    return actions
  }

  private updateTarget(now: number): AllocationAction | undefined {
    // Until the first job, keep the initial executors: the first stage would only have to ramp up again.
    if (this.initializing) return undefined
    const maxNeeded = this.maxNumExecutorsNeeded
    if (maxNeeded < this.numExecutorsTarget) {
      const previousTarget = this.numExecutorsTarget
      this.numExecutorsTarget = Math.max(maxNeeded, this.settings.minExecutors)
      this.numExecutorsToAdd = 1
      if (this.numExecutorsTarget >= previousTarget) return undefined
      return {
        _tag: "RequestTotal",
        numExecutors: this.numExecutorsTarget,
        previousTarget,
        reason: "LowerTarget",
        message: `Lowering the target number of executors to ${this.numExecutorsTarget} (previously ${previousTarget}) ` +
          `because the ${this.totalPendingTasks + this.totalRunningTasks} running and pending tasks need only ${maxNeeded}`
      }
    }
    if (this.addTime === undefined || now < this.addTime) return undefined
    this.addTime = now + this.settings.sustainedSchedulerBacklogTimeoutMs
    return this.addExecutors(maxNeeded)
  }

  /** A ramp-up round: the target grows by `numExecutorsToAdd`, capped by what the tasks need and by the maximum. */
  private addExecutors(maxNeeded: number): AllocationAction | undefined {
    const { maxExecutors, minExecutors } = this.settings
    if (this.numExecutorsTarget >= maxExecutors) {
      this.numExecutorsToAdd = 1
      return undefined
    }
    const previousTarget = this.numExecutorsTarget
    // No point ramping up to executors already running: start from at least their number.
    let target = Math.max(this.numExecutorsTarget, this.numActiveExecutors) + this.numExecutorsToAdd
    target = Math.min(target, maxNeeded)
    target = Math.max(Math.min(target, maxExecutors), minExecutors)
    const delta = target - previousTarget
    if (delta <= 0) {
      this.numExecutorsToAdd = 1
      return undefined
    }
    this.numExecutorsTarget = target
    return {
      _tag: "RequestTotal",
      numExecutors: target,
      previousTarget,
      reason: "Backlog",
      message: `Requesting ${delta} new executor${delta > 1 ? "s" : ""} because tasks are backlogged ` +
        `(new desired total will be ${target})`
    }
  }

  /** What the cluster answered to a `RequestTotal`: a refused request restores the target; an acknowledged ramp-up doubles the next. */
  onRequestResult(action: Extract<AllocationAction, { _tag: "RequestTotal" }>, acknowledged: boolean): void {
    if (!acknowledged) {
      this.numExecutorsTarget = action.previousTarget
      return
    }
    if (action.reason === "Backlog") {
      const delta = action.numExecutors - action.previousTarget
      this.numExecutorsToAdd = delta === this.numExecutorsToAdd ? this.numExecutorsToAdd * 2 : 1
    }
  }

  /** Idle executors to kill, keeping at least `minExecutors` (Spark's `removeExecutors`). */
  private chooseRemovals(timedOut: ReadonlyArray<string>): AllocationAction | undefined {
    let remaining = this.numActiveExecutors
    const chosen: Array<string> = []
    for (const id of timedOut) {
      if (remaining - 1 < this.settings.minExecutors) break
      chosen.push(id)
      remaining -= 1
    }
    if (chosen.length === 0) return undefined
    return {
      _tag: "Kill",
      executorIds: chosen,
      message: `Removing idle executor${chosen.length > 1 ? "s" : ""} ${chosen.join(", ")} ` +
        `(${remaining} will remain, minimum ${this.settings.minExecutors})`
    }
  }

  /** What the cluster answered to a `Kill`: the killed ones are pending removal; a refused one starts its idle time again. */
  onKillResult(now: number, requested: ReadonlyArray<string>, killed: ReadonlyArray<string>): ReadonlyArray<string> {
    for (const id of killed) if (this.executors.has(id)) this.pendingRemoval.add(id)
    const refused = requested.filter((id) => !killed.includes(id))
    for (const id of refused) {
      const executor = this.executors.get(id)
      if (executor !== undefined) executor.idleSince = now
    }
    return refused
  }
}
