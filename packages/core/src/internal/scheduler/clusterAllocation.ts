// The cluster backend's side of dynamic allocation (Spark's
// `CoarseGrainedSchedulerBackend.requestTotalExecutors`, `killExecutors` and
// `decommissionExecutors`): the target total of executors, the executors
// launched and not yet registered, and those leaving (killed or decommissioned). The
// backend asks it which executors may get offers, tells it when executors
// register, end or finish a task, and starts executors up to the target with
// it, both on request and to replace a lost one.
import { Effect } from "effect"
import * as ExecutorAllocationClient from "../../scheduler/ExecutorAllocationClient.js"

/** What the allocation needs of the backend. */
export interface AllocatableCluster {
  /** Executors registered and alive, in the order they were added. */
  readonly liveExecutorIds: () => ReadonlyArray<string>
  /** Tasks running on an executor now. */
  readonly runningTasks: (executorId: string) => number
  /** Starts one executor under `executorId`. */
  readonly launch: (executorId: string) => void
  /** Stops an executor for good: it is not replaced, and its running tasks' failures count only with `countFailures`. */
  readonly stop: (executorId: string, countFailures: boolean) => void
  /** Logs at INFO in the backend's scope. */
  readonly log: (message: string) => void
  /** The backend is stopping: requests are no longer acknowledged. */
  readonly stopping: () => boolean
}

export class ClusterAllocation {
  /** The total number of executors wanted (the master URL's count until dynamic allocation asks for another). */
  private target: number
  /** Executors launched and not yet registered (or lost). */
  private readonly launching = new Set<string>()
  /** The number in the next launched executor's id (`exec-N`): the initial ones are 0 to N-1. */
  private nextId: number
  /** Executors leaving: offered no new task, stopped once their running tasks end (killed ones at once). */
  private readonly leaving = new Set<string>()

  constructor(private readonly cluster: AllocatableCluster, initialTarget: number) {
    this.target = initialTarget
    this.nextId = initialTarget
  }

  get targetNumExecutors(): number {
    return this.target
  }

  /** An executor was launched under `executorId` (the initial ones are launched by the backend itself). */
  launched(executorId: string): void {
    this.launching.add(executorId)
  }

  registered(executorId: string): void {
    this.launching.delete(executorId)
  }

  /** An executor ended (lost, killed or stopped), registered or not. */
  ended(executorId: string): void {
    this.launching.delete(executorId)
    this.leaving.delete(executorId)
  }

  /** Whether an executor may be offered new tasks. */
  acceptsTasks(executorId: string): boolean {
    return !this.leaving.has(executorId)
  }

  /** A task on `executorId` ended: a decommissioned executor with none left stops now. */
  taskEnded(executorId: string): void {
    if (this.leaving.has(executorId) && this.cluster.runningTasks(executorId) === 0) this.stopDecommissioned(executorId)
  }

  /** Starts executors until the registered, not leaving, and launching ones reach the target; returns the new ids. */
  fillToTarget(): Array<string> {
    const active = this.activeIds().length + this.launching.size
    const started: Array<string> = []
    for (let n = active; n < this.target; n++) {
      const executorId = `exec-${this.nextId++}`
      this.launching.add(executorId)
      this.cluster.launch(executorId)
      started.push(executorId)
    }
    return started
  }

  /** Registered, alive executors that are not leaving. */
  activeIds(): Array<string> {
    return this.cluster.liveExecutorIds().filter((id) => !this.leaving.has(id))
  }

  /** The client dynamic allocation uses: every call acts at once on the backend's state (one thread, no locks). */
  client(): ExecutorAllocationClient.ExecutorAllocationClient {
    return ExecutorAllocationClient.make({
      getExecutorIds: Effect.sync(() => this.activeIds()),
      isExecutorActive: (executorId) => Effect.sync(() => this.activeIds().includes(executorId)),
      requestTotalExecutors: (numExecutors) => Effect.sync(() => this.requestTotal(numExecutors)),
      requestExecutors: (numAdditional) => Effect.sync(() => this.requestTotal(this.target + numAdditional)),
      killExecutors: (executorIds, options) => Effect.sync(() => this.kill(executorIds, options)),
      decommissionExecutors: (executorIds, adjust) => Effect.sync(() => this.decommission(executorIds, adjust))
    })
  }

  private requestTotal(numExecutors: number): boolean {
    if (this.cluster.stopping()) return false
    if (numExecutors !== this.target) {
      this.cluster.log(`Requesting a total of ${numExecutors} executors (the target was ${this.target})`)
    }
    this.target = numExecutors
    const started = this.fillToTarget()
    if (started.length > 0) this.cluster.log(`Starting executors ${started.join(", ")} to reach ${numExecutors}`)
    return true
  }

  /** Spark's `killExecutors`: known, active ids only; a busy one only with `force`. */
  private kill(executorIds: ReadonlyArray<string>, options: ExecutorAllocationClient.KillOptions): Array<string> {
    if (this.cluster.stopping()) return []
    const active = new Set(this.activeIds())
    const killed = [...new Set(executorIds)].filter((id) => active.has(id) && (options.force || this.cluster.runningTasks(id) === 0))
    if (killed.length === 0) return []
    if (options.adjustTargetNumExecutors) this.target = Math.max(0, this.target - killed.length)
    this.cluster.log(
      `Killing executors ${killed.join(", ")}` +
        (options.adjustTargetNumExecutors ? ` (the target is now ${this.target})` : "") +
        (options.force ? "; their running tasks fail" + (options.countFailures ? " and count as failures" : "") : "")
    )
    for (const id of killed) {
      // Leaving from now on: no offers, not counted as active while its end is on its way.
      this.leaving.add(id)
      this.cluster.stop(id, options.countFailures)
    }
    return killed
  }

  /** Spark's `decommissionExecutors`: no new tasks, running ones finish, then the executor stops. */
  private decommission(executorIds: ReadonlyArray<string>, adjustTargetNumExecutors: boolean): Array<string> {
    if (this.cluster.stopping()) return []
    const active = new Set(this.activeIds())
    const chosen = [...new Set(executorIds)].filter((id) => active.has(id))
    if (chosen.length === 0) return []
    if (adjustTargetNumExecutors) this.target = Math.max(0, this.target - chosen.length)
    this.cluster.log(
      `Decommissioning executors ${chosen.join(", ")}: no new tasks; each stops once its running tasks end` +
        (adjustTargetNumExecutors ? ` (the target is now ${this.target})` : "")
    )
    for (const id of chosen) {
      this.leaving.add(id)
      if (this.cluster.runningTasks(id) === 0) this.stopDecommissioned(id)
    }
    return chosen
  }

  private stopDecommissioned(executorId: string): void {
    this.cluster.log(`Executor ${executorId} is decommissioned and idle: stopping it`)
    this.cluster.stop(executorId, false)
  }
}
