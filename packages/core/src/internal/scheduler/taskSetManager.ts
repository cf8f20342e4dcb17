// Schedules the tasks of one stage attempt: locality-aware placement with
// delay scheduling (wait a little for a better executor before settling for a
// worse level), retries of failed tasks up to spark.task.maxFailures. As a
// leaf of the pool tree (pool.ts) it reports its running tasks to its pool,
// which the FAIR comparator orders by.
import type { Partition } from "../../rdd/Partition.js"
import type { TaskBinary, TaskDescription, TaskLocation } from "../../scheduler/Task.js"
import type { PoolLeaf, RunningTasksParent } from "./pool.js"
import { normalizeTaskLocation } from "./taskLocation.js"

export type Locality = "PROCESS_LOCAL" | "NODE_LOCAL" | "NO_PREF" | "ANY"
const LEVELS: ReadonlyArray<Locality> = ["PROCESS_LOCAL", "NODE_LOCAL", "NO_PREF", "ANY"]
const rank = (l: Locality) => LEVELS.indexOf(l)

export interface PendingTask {
  readonly partition: Partition
  /** The job output this task fills (result tasks) or the map id (shuffle map tasks). */
  readonly outputId: number
  readonly locations: ReadonlyArray<TaskLocation>
}

export interface TaskSet {
  readonly stageId: number
  readonly stageAttemptId: number
  readonly jobId: number
  readonly properties: ReadonlyMap<string, string>
  readonly binary: TaskBinary
  readonly tasks: ReadonlyArray<PendingTask>
}

export interface Alive {
  readonly executors: ReadonlySet<string>
  readonly hosts: ReadonlySet<string>
}

export class TaskSetManager implements PoolLeaf {
  /** Within a FAIR pool, task sets compare as Spark's do: weight 1, minShare 0, then by this name. */
  readonly name: string
  readonly weight = 1
  readonly minShare = 0
  parent: RunningTasksParent | undefined
  readonly numFailures: Array<number>
  readonly successful: Array<boolean>
  readonly copiesRunning: Array<number>
  readonly running = new Map<number, { readonly index: number; readonly executorId: string }>()
  private readonly forExecutor = new Map<string, Array<number>>()
  private readonly forHost = new Map<string, Array<number>>()
  private readonly noPrefs: Array<number> = []
  private readonly all: Array<number> = []
  tasksSuccessful = 0
  isZombie = false
  private localityIndex = 0
  private lastLaunchTime: number
  /** Each task's locations, an executor's string form (`executor_<host>_<id>`) parsed to that executor. */
  private readonly locations: ReadonlyArray<ReadonlyArray<TaskLocation>>

  constructor(
    readonly taskSet: TaskSet,
    readonly maxFailures: number,
    private readonly localityWaitMs: number,
    now: number
  ) {
    this.name = `TaskSet_${taskSet.stageId}.${taskSet.stageAttemptId}`
    const n = taskSet.tasks.length
    this.numFailures = new Array(n).fill(0)
    this.successful = new Array(n).fill(false)
    this.copiesRunning = new Array(n).fill(0)
    this.lastLaunchTime = now
    this.locations = taskSet.tasks.map((task) => task.locations.map(normalizeTaskLocation))
    for (let i = n - 1; i >= 0; i--) this.addPending(i)
  }

  get numTasks(): number {
    return this.taskSet.tasks.length
  }

  /** FIFO order: the job's id. */
  get priority(): number {
    return this.taskSet.jobId
  }

  get stageId(): number {
    return this.taskSet.stageId
  }

  get runningTasks(): number {
    return this.running.size
  }

  get isSchedulable(): boolean {
    return !this.isZombie
  }

  private addRunning(taskId: number, index: number, executorId: string): void {
    this.running.set(taskId, { index, executorId })
    this.copiesRunning[index]!++
    this.parent?.increaseRunningTasks(1)
  }

  /** Forgets a running task; returns its index, or undefined when it was not running. */
  private removeRunning(taskId: number): number | undefined {
    const info = this.running.get(taskId)
    if (info === undefined) return undefined
    this.running.delete(taskId)
    this.copiesRunning[info.index]!--
    this.parent?.decreaseRunningTasks(1)
    return info.index
  }

  get isFinished(): boolean {
    return this.tasksSuccessful === this.numTasks || (this.isZombie && this.running.size === 0)
  }

  /** Puts a task back in the pending lists (lists are stacks; stale entries are skipped lazily). */
  addPending(index: number): void {
    const locations = this.locations[index]!
    for (const location of locations) {
      if (location.executorId !== undefined) push(this.forExecutor, location.executorId, index)
      push(this.forHost, location.host, index)
    }
    if (locations.length === 0) this.noPrefs.push(index)
    this.all.push(index)
  }

  private isPending(index: number): boolean {
    return !this.successful[index] && this.copiesRunning[index] === 0
  }

  private pendingIn(list: Array<number> | undefined): boolean {
    if (list === undefined) return false
    while (list.length > 0 && !this.isPending(list[list.length - 1]!)) list.pop()
    return list.length > 0
  }

  /** The locality levels that could ever be met by the executors alive now. */
  private validLevels(alive: Alive): Array<Locality> {
    const levels: Array<Locality> = []
    if ([...this.forExecutor.keys()].some((e) => alive.executors.has(e) && this.pendingIn(this.forExecutor.get(e)))) {
      levels.push("PROCESS_LOCAL")
    }
    if ([...this.forHost.keys()].some((h) => alive.hosts.has(h) && this.pendingIn(this.forHost.get(h)))) {
      levels.push("NODE_LOCAL")
    }
    if (this.pendingIn(this.noPrefs)) levels.push("NO_PREF")
    levels.push("ANY")
    return levels
  }

  /** Delay scheduling: how far from the best level a launch may be right now. */
  private allowedLevel(now: number, alive: Alive): Locality {
    const levels = this.validLevels(alive)
    const current = LEVELS[Math.min(this.localityIndex, LEVELS.length - 1)]!
    let index = levels.findIndex((l) => rank(l) >= rank(current))
    if (index < 0) index = levels.length - 1
    while (index < levels.length - 1) {
      if (now - this.lastLaunchTime >= this.localityWaitMs) {
        this.lastLaunchTime += this.localityWaitMs
        index++
      } else break
    }
    this.localityIndex = rank(levels[index]!)
    return levels[index]!
  }

  private dequeue(executorId: string, host: string, maxLocality: Locality): [number, Locality] | undefined {
    const from = (list: Array<number> | undefined): number | undefined => this.pendingIn(list) ? list!.pop() : undefined
    let index = from(this.forExecutor.get(executorId))
    if (index !== undefined) return [index, "PROCESS_LOCAL"]
    if (rank(maxLocality) >= rank("NODE_LOCAL")) {
      index = from(this.forHost.get(host))
      if (index !== undefined) return [index, "NODE_LOCAL"]
    }
    if (rank(maxLocality) >= rank("NO_PREF")) {
      index = from(this.noPrefs)
      if (index !== undefined) return [index, "PROCESS_LOCAL"]
    }
    if (maxLocality === "ANY") {
      index = from(this.all)
      if (index !== undefined) return [index, "ANY"]
    }
    return undefined
  }

  resourceOffer(
    executorId: string,
    host: string,
    maxLocality: Locality,
    now: number,
    alive: Alive,
    newTaskId: () => number
  ): TaskDescription | undefined {
    if (this.isZombie) return undefined
    const allowed = this.allowedLevel(now, alive)
    const level = rank(allowed) < rank(maxLocality) ? allowed : maxLocality
    const found = this.dequeue(executorId, host, level)
    if (found === undefined) return undefined
    const [index, locality] = found
    const taskId = newTaskId()
    this.addRunning(taskId, index, executorId)
    if (rank(locality) <= rank(allowed)) {
      this.lastLaunchTime = now
      this.localityIndex = rank(locality)
    }
    const task = this.taskSet.tasks[index]!
    return {
      taskId,
      jobId: this.taskSet.jobId,
      stageId: this.taskSet.stageId,
      stageAttemptId: this.taskSet.stageAttemptId,
      index: task.outputId,
      partition: task.partition,
      attemptNumber: this.numFailures[index]!,
      executorId,
      locality,
      localProperties: this.taskSet.properties,
      binary: this.taskSet.binary
    }
  }

  /** Records a success; returns false when another attempt of the task had already succeeded. */
  handleSuccess(taskId: number): boolean {
    const index = this.removeRunning(taskId)
    if (index === undefined) return false
    if (this.successful[index]) return false
    this.successful[index] = true
    this.tasksSuccessful++
    if (this.tasksSuccessful === this.numTasks) this.isZombie = true
    return true
  }

  /**
   * Records a failed attempt. Retryable failures put the task back; returns the
   * message to abort the stage with when the task has failed `maxFailures` times.
   */
  handleFailure(taskId: number, countsTowardsFailures: boolean, message: string): string | undefined {
    const index = this.removeRunning(taskId)
    if (index === undefined) return undefined
    if (this.successful[index] || this.isZombie) return undefined
    if (countsTowardsFailures) {
      this.numFailures[index]!++
      if (this.numFailures[index]! >= this.maxFailures) {
        this.isZombie = true
        const partition = this.taskSet.tasks[index]!.partition.index
        return `Task ${partition} in stage ${this.taskSet.stageId}.${this.taskSet.stageAttemptId} failed ` +
          `${this.maxFailures} times, most recent failure: ${message}`
      }
    }
    this.addPending(index)
    return undefined
  }

  /** Stops launching tasks (the stage was cancelled, or a fetch failure made this attempt useless). */
  abandon(): void {
    this.isZombie = true
  }

  /** Tasks running on a lost executor go back to pending, without counting as failures. */
  executorLost(executorId: string): Array<number> {
    const lost: Array<number> = []
    for (const [taskId, info] of this.running) {
      if (info.executorId === executorId) lost.push(taskId)
    }
    return lost
  }
}

const push = (map: Map<string, Array<number>>, key: string, index: number) => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [index])
  else list.push(index)
}
