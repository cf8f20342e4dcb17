/**
 * Executors outside the driver's thread: worker threads of this process, or
 * processes that connect over TCP. Each has its own block manager and runs
 * tasks shipped as plans, so a job uses every core (and, over TCP, other
 * hosts). The backend keeps the executors' cores, offers them to the task
 * scheduler, launches and kills tasks; beside it, the `DriverEndpoint`
 * handles executors' messages, the `HeartbeatReceiver` expires silent
 * executors, `ExecutorLaunchers` start them, and the `BlockRelay` moves
 * blocks between them.
 *
 * Masters: `local-cluster[N,C,M]` (N worker-thread executors of C cores and M
 * MiB, as Spark's simulated cluster), `local-cluster[*]` (one single-core
 * executor per core), `local-process[N,C,M]` (N executor processes the driver
 * starts on this host), `tcp://HOST:PORT` (the driver listens; start
 * executors by hand with `tspark executor --driver HOST:PORT`).
 *
 * Mirrors `org.apache.spark.scheduler.cluster.CoarseGrainedSchedulerBackend`.
 *
 * @since 0.1.0
 */
import { type Context, Deferred, Effect, type Scope } from "effect"
import type { ChildProcess } from "node:child_process"
import type { ToExecutor } from "../../internal/executor/protocol.js"
import { ClusterAllocation } from "../../internal/scheduler/clusterAllocation.js"
import { EXECUTOR_KILLED, EXECUTOR_KILLED_COUNTED } from "../../internal/scheduler/taskSchedulerImpl.js"
import { launchMessage } from "../../internal/scheduler/taskPlan.js"
import type { DriverRpcEndpoints } from "../../rpc/DriverRpcEndpoints.js"
import { describeCause } from "../../SparkError.js"
import type { SecuritySettings } from "../../SecurityManager.js"
import type { BlockManagerMaster } from "../../storage/BlockManagerMaster.js"
import { BlockRelay } from "../../storage/BlockTransferService.js"
import * as ExecutorAllocationClient from "../ExecutorAllocationClient.js"
import type { MapOutputTracker } from "../MapOutputTracker.js"
import type { SchedulerBackend, DriverEndpoint as SchedulerDriver } from "../SchedulerBackend.js"
import type { TaskDescription } from "../Task.js"
import { DriverEndpoint } from "./DriverEndpoint.js"
import * as ExecutorData from "./ExecutorData.js"
import * as ExecutorLaunchers from "./ExecutorLaunchers.js"
import { HeartbeatReceiver } from "./HeartbeatReceiver.js"

export type { ExecutorLauncher } from "./ExecutorLaunchers.js"

/**
 * The shape of a cluster of executors.
 *
 * Mirrors the `spark.executor.*` settings of a Spark cluster.
 *
 * **Example**
 * ```ts
 * const options: ClusterOptions = { launcher: { _tag: "WorkerThreads" }, executors: 2, coresPerExecutor: 1, ... }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ClusterOptions {
  readonly launcher: ExecutorLaunchers.ExecutorLauncher
  /** Executors to start (or, when listening, to wait for before jobs run). */
  readonly executors: number
  readonly coresPerExecutor: number
  readonly memoryPerExecutorBytes: number
  readonly localDir: string
  readonly conf: ReadonlyArray<readonly [string, string]>
  readonly heartbeatIntervalMs: number
  /** An executor that has not sent a heartbeat for this long is removed. */
  readonly heartbeatTimeoutMs: number
  /** How long start waits for every executor to register. */
  readonly registrationTimeoutMs: number
  /** Authentication and frame bounds of TCP executors (`SecurityManager.fromConf`). */
  readonly security: SecuritySettings
  /**
   * Lost executors (`local-cluster`, `local-process`) are replaced while fewer
   * than this many have been lost in a row without a task succeeding in
   * between (`spark.deploy.maxExecutorRetries`, default 10); -1 replaces them
   * without limit, 0 never. Executors started by hand (`tcp://`) are not replaced.
   */
  readonly maxExecutorRetries?: number
}

/**
 * The cluster backend.
 *
 * Mirrors `org.apache.spark.scheduler.cluster.CoarseGrainedSchedulerBackend`.
 *
 * **Example**
 * ```ts
 * const sc = yield* SparkContext.make({ master: "local-cluster[2,1,512]" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class CoarseGrainedSchedulerBackend implements SchedulerBackend {
  readonly shipsTasks = true
  private driver: SchedulerDriver | undefined
  private readonly executors = new Map<string, ExecutorData.ExecutorData>()
  private readonly running = new Map<number, TaskDescription>()
  private readonly processes = new Map<string, ChildProcess>()
  private readonly blockRelay: BlockRelay
  private readonly heartbeats: HeartbeatReceiver
  private readonly endpoint: DriverEndpoint
  /** The clock of the scope the backend starts in (the heartbeat expiry sleeps on it). */
  private now: () => number = () => Date.now()
  private allRegistered: Deferred.Deferred<void> | undefined
  private relaunch: ExecutorLaunchers.Relaunch | undefined
  /** Executors lost in a row without a task succeeding in between. */
  private lostInARow = 0
  private stopping = false
  /** The context of the scope the backend starts in: its logger reports losses and replacements. */
  private context: Context.Context<never> | undefined
  /** The target total of executors, those launching and those leaving (dynamic allocation). */
  private readonly allocation: ClusterAllocation

  constructor(
    private readonly options: ClusterOptions,
    master: BlockManagerMaster,
    private readonly mapOutputTracker: MapOutputTracker,
    private readonly getBroadcast: (id: number) => unknown,
    private readonly rpcEnv: DriverRpcEndpoints
  ) {
    this.allocation = new ClusterAllocation({
      liveExecutorIds: () => this.executorIds(),
      runningTasks: (executorId) => [...this.running.values()].filter((task) => task.executorId === executorId).length,
      launch: (executorId) => this.relaunch?.(executorId),
      stop: (executorId, countFailures) => void this.killExecutor(executorId, countFailures),
      log: (message) => this.log(message, "Info"),
      stopping: () => this.stopping
    }, options.executors)
    this.blockRelay = new BlockRelay({
      locations: (blockId) => master.getLocations(blockId),
      isAlive: (executorId) => this.executors.get(executorId)?.alive === true,
      peersOf: (executorId) => this.liveExecutors().filter((e) => e.id !== executorId).map((e) => e.id),
      request: (owner, relayId, names) => this.postTo(owner, { _tag: "FetchRequest", requestId: relayId, names }),
      respond: (requester, requestId, blocks) => this.postTo(requester, { _tag: "FetchResponse", requestId, blocks }),
      putBlock: (peer, name, bytes, level) => this.postTo(peer, { _tag: "PutBlock", name, bytes, level })
    })
    this.heartbeats = new HeartbeatReceiver({
      intervalMs: options.heartbeatIntervalMs,
      timeoutMs: options.heartbeatTimeoutMs,
      now: () => this.now(),
      expire: (executorId, reason) => {
        const executor = this.executors.get(executorId)
        if (executor === undefined) return
        this.lose(executor, reason)
        void executor.connection.terminate()
      }
    })
    this.endpoint = new DriverEndpoint({
      scheduler: () => this.driver,
      master,
      blockRelay: this.blockRelay,
      heartbeats: this.heartbeats,
      rpcEnv,
      taskEnded: (taskId, result) => {
        if (result._tag === "Success" || result._tag === "ShuffleMapSuccess") this.lostInARow = 0
        const task = this.running.get(taskId)
        if (task === undefined) return undefined
        this.running.delete(taskId)
        this.allocation.taskEnded(task.executorId)
        return task
      },
      post: (executor, message) => this.post(executor, message),
      planMissing: (executor, taskId, planId) => {
        executor.sentPlans.delete(planId)
        const task = this.running.get(taskId)
        // A task lost or killed meanwhile is not launched again.
        if (task !== undefined && task.executorId === executor.id) this.launch(executor, task)
      },
      executorRegistered: (executor) => {
        this.allocation.registered(executor.id)
        this.announcePeers()
        // As Spark's waitBackendReady: start returns once every expected executor has registered.
        if (this.allRegistered !== undefined && this.liveExecutors().length >= this.options.executors) {
          Deferred.doneUnsafe(this.allRegistered, Effect.void)
        }
      }
    })
  }

  get defaultParallelism(): number {
    return Math.max(2, this.options.executors * this.options.coresPerExecutor)
  }

  start(driver: SchedulerDriver): Effect.Effect<void, never, Scope.Scope> {
    return Effect.gen({ self: this }, function*() {
      this.driver = driver
      const clock = yield* Effect.clockWith(Effect.succeed)
      this.now = () => clock.currentTimeMillisUnsafe()
      this.context = yield* Effect.context<never>()
      this.allRegistered = yield* Deferred.make<void>()
      yield* Effect.addFinalizer(() => Effect.promise(() => this.stopAll()))
      // The driver's own executors (not those started by hand) are launching until they register.
      if (this.options.launcher._tag !== "Listen") {
        for (let i = 0; i < this.options.executors; i++) this.allocation.launched(`exec-${i}`)
      }
      this.relaunch = yield* ExecutorLaunchers.launch(this.options, {
        addExecutor: (executorId, connection) => this.addExecutor(executorId, connection),
        processExited: (executorId, reason) => {
          const executor = this.executors.get(executorId)
          if (executor !== undefined) this.lose(executor, reason)
          // A process that died before it registered has no executor entry: it is replaced all the same.
          else if (!this.stopping) {
            this.allocation.ended(executorId)
            this.replace(executorId, reason)
          }
        },
        processes: this.processes
      })
      // Jobs start once every executor has registered (or the wait times out); dynamic allocation may start with none.
      if (this.options.executors > 0) yield* Effect.timeoutOption(Deferred.await(this.allRegistered), this.options.registrationTimeoutMs)
      yield* this.heartbeats.run()
    })
  }

  /** Adds an executor on its channel; returns where its messages and its end go. */
  private addExecutor(executorId: string, connection: ExecutorData.ExecutorConnection): ExecutorLaunchers.ExecutorChannel {
    const executor = ExecutorData.make(executorId, connection)
    this.executors.set(executorId, executor)
    return {
      onMessage: (message) => this.endpoint.receive(executor, message),
      onClosed: (reason) => this.lose(executor, reason)
    }
  }

  /** Executors that are alive and registered, in the order they were added. */
  private liveExecutors(): Array<ExecutorData.ExecutorData> {
    return [...this.executors.values()].filter((e) => e.alive && e.registered)
  }

  /** Tells every live executor how many others there are (Spark's BlockManager asks the master for its peers). */
  private announcePeers(): void {
    const live = this.liveExecutors()
    for (const executor of live) this.post(executor, { _tag: "Peers", count: live.length - 1 })
  }

  private post(executor: ExecutorData.ExecutorData, message: ToExecutor): void {
    if (executor.alive) executor.connection.post(message)
  }

  private postTo(executorId: string, message: ToExecutor): void {
    const executor = this.executors.get(executorId)
    if (executor !== undefined) this.post(executor, message)
  }

  /** An executor is gone: forget it, answer fetches that waited on it, tell the driver, replace it. */
  private lose(executor: ExecutorData.ExecutorData, cause: string): void {
    if (!executor.alive) return
    executor.alive = false
    // Its map statuses went with it (a replacement has an id and a record of its own).
    executor.sentShuffles.clear()
    this.allocation.ended(executor.id)
    const reason = executor.killedByDriver ?? cause
    this.heartbeats.executorRemoved(executor.id)
    this.rpcEnv.executorRemoved(executor.id)
    for (const [taskId, task] of this.running) if (task.executorId === executor.id) this.running.delete(taskId)
    this.blockRelay.executorLost(executor.id)
    if (executor.registered) this.driver?.executorLost(executor.id, reason)
    this.announcePeers()
    if (executor.killedByDriver === undefined && !this.stopping) this.replace(executor.id, reason)
  }

  /**
   * Starts a replacement for a lost executor, under a new id, while fewer
   * executors than the target total are running or launching, unless
   * `maxExecutorRetries` executors were lost in a row (as Spark's standalone
   * master relaunches an application's failed executors up to
   * `spark.deploy.maxExecutorRetries`). Each outcome is logged at WARN;
   * listeners hear ExecutorRemoved, then ExecutorAdded when the replacement registers.
   */
  private replace(lostId: string, reason: string): void {
    const relaunch = this.relaunch
    if (relaunch === undefined) return
    const limit = this.options.maxExecutorRetries ?? 10
    this.lostInARow++
    if (limit >= 0 && this.lostInARow > limit) {
      this.log(
        `executor ${lostId} lost (${reason}) and not replaced: ${this.lostInARow} executors were lost in a row ` +
          `(spark.deploy.maxExecutorRetries is ${limit}); pending tasks fail after spark.scheduler.executorWaitTimeout ` +
          "if no executor is left"
      )
      return
    }
    const started = this.allocation.fillToTarget()
    this.log(
      started.length === 0
        ? `executor ${lostId} lost (${reason}); not replaced: ${this.allocation.targetNumExecutors} executors are wanted ` +
          "and that many are running or starting"
        : `executor ${lostId} lost (${reason}); starting ${started.join(", ")} to replace it (${this.lostInARow} lost in a row)`
    )
  }

  private log(message: string, level: "Info" | "Warning" = "Warning"): void {
    const context = this.context
    if (context === undefined) return
    Effect.runForkWith(context)(level === "Info" ? Effect.logInfo(message) : Effect.logWarning(message))
  }

  reviveOffers(): void {
    const driver = this.driver
    if (driver === undefined) return
    const offers = [...this.executors.values()]
      .filter((e) => e.alive && e.registered && e.freeCores > 0 && this.allocation.acceptsTasks(e.id))
      .map((e) => ({ executorId: e.id, host: e.host, cores: e.freeCores }))
    // Offered even when empty: the task scheduler times out pending tasks that no executor can take.
    for (const task of driver.resourceOffers(offers)) {
      const executor = this.executors.get(task.executorId)!
      executor.freeCores--
      this.running.set(task.taskId, task)
      this.launch(executor, task)
    }
  }

  private launch(executor: ExecutorData.ExecutorData, task: TaskDescription): void {
    let message: Extract<ToExecutor, { _tag: "Launch" }>
    try {
      message = launchMessage(task, executor, this.mapOutputTracker, this.getBroadcast)
    } catch (error) {
      // A task that cannot be shipped fails like any other task; the event loop goes on.
      this.running.delete(task.taskId)
      this.driver?.statusUpdate(task, {
        _tag: "ExceptionFailure",
        error,
        message: `task ${task.taskId} could not be shipped: ${describeCause(error)}`
      })
      return
    }
    this.post(executor, message)
  }

  taskFinished(task: TaskDescription): void {
    const executor = this.executors.get(task.executorId)
    if (executor !== undefined && executor.alive) executor.freeCores++
  }

  killTask(taskId: number, executorId: string, reason: string): void {
    this.postTo(executorId, { _tag: "Kill", taskId, reason })
  }

  /**
   * The driver dropped a broadcast: each executor it was sent to drops its
   * copy (Spark's `BlockManagerMaster.removeBroadcast`), and a later task
   * would have it sent again.
   */
  removeBroadcast(broadcastId: number): void {
    for (const executor of this.executors.values()) {
      if (!executor.sentBroadcasts.delete(broadcastId)) continue
      this.post(executor, { _tag: "RemoveBroadcast", broadcastId })
    }
  }

  /** Terminates an executor (its thread, or SIGKILL to its process): for `SparkContext.killExecutor`. */
  killExecutor(executorId: string, countFailures = false): Promise<void> {
    const executor = this.executors.get(executorId)
    if (executor === undefined || executor.killedByDriver !== undefined) return Promise.resolve()
    executor.killedByDriver = countFailures ? EXECUTOR_KILLED_COUNTED : EXECUTOR_KILLED
    return executor.connection.terminate().then(() => this.lose(executor, executor.killedByDriver!))
  }

  /** @internal How many shuffles' map statuses each executor holds, as the driver last sent them (a bound to watch). */
  shuffleStatusesSent(): ReadonlyMap<string, number> {
    return new Map([...this.executors.values()].map((executor) => [executor.id, executor.sentShuffles.size]))
  }

  /** The executors that are alive and registered. */
  executorIds(): Array<string> {
    return this.liveExecutors().map((e) => e.id)
  }

  /**
   * Requests and removes executors for dynamic allocation: worker threads
   * (`local-cluster`) and processes (`local-process`) are started up to the
   * requested total and stopped when killed or decommissioned; executors
   * started by hand (`tcp://`) cannot be, and the client says so.
   */
  get allocationClient(): ExecutorAllocationClient.ExecutorAllocationClient {
    return this.options.launcher._tag === "Listen"
      ? ExecutorAllocationClient.unsupported(
        `tcp://${this.options.launcher.host}:${this.options.launcher.port}`,
        "waits for executors started by hand (tspark executor)"
      )
      : this.allocation.client()
  }

  private async stopAll(): Promise<void> {
    this.stopping = true
    for (const executor of this.executors.values()) {
      if (!executor.alive) continue
      executor.connection.post({ _tag: "Stop" })
      executor.alive = false
      this.rpcEnv.executorRemoved(executor.id)
      await executor.connection.terminate()
    }
    for (const child of this.processes.values()) if (child.exitCode === null) child.kill("SIGKILL")
  }
}
