/**
 * Executors on worker threads of this process: each has its own block
 * manager and runs tasks shipped as plans, so a job uses every core. Blocks
 * move between executors as bytes through the driver; executors register,
 * heartbeat, and are removed when their thread exits or stops answering.
 * Selected by the master strings `local-cluster[N,C,M]` (N executors of C
 * cores and M MiB each, as Spark's simulated cluster) and `local-cluster[*]`
 * (one single-core executor per core).
 *
 * Mirrors Spark's `StandaloneSchedulerBackend` on a `local-cluster` master.
 *
 * @since 0.1.0
 */
import { Clock, Deferred, Effect, type Scope } from "effect"
import * as path from "node:path"
import { Worker } from "node:worker_threads"
import type { ExecutorStartInfo, FromExecutor, ToExecutor } from "../internal/executor/protocol.js"
import { shipTask } from "../internal/scheduler/taskPlan.js"
import type { RDD } from "../rdd/RDD.js"
import { describeCause } from "../SparkError.js"
import * as BlockId from "../storage/BlockId.js"
import type { BlockManagerMaster } from "../storage/BlockManagerMaster.js"
import type { MapOutputTracker } from "./MapOutputTracker.js"
import type { DriverEndpoint, SchedulerBackend } from "./SchedulerBackend.js"
import type { TaskDescription } from "./Task.js"

/**
 * The shape of a local cluster.
 *
 * @category models
 * @since 0.1.0
 */
export interface LocalClusterOptions {
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
}

interface ExecutorState {
  readonly id: string
  readonly worker: Worker
  host: string
  cores: number
  freeCores: number
  registered: boolean
  alive: boolean
  lastHeartbeat: number
  readonly sentBroadcasts: Set<number>
}

interface RelayedFetch {
  readonly requester: string
  readonly requestId: number
  readonly blocks: Array<readonly [string, Uint8Array]>
  /** Executors whose reply is still awaited. */
  readonly waiting: Set<string>
}

const BROADCAST_MARK = "__tspark_class__"

/** Broadcast ids referenced by a shipped plan (ids of Broadcast markers). */
const broadcastIds = (value: unknown, into: Set<number>): void => {
  if (typeof value !== "object" || value === null) return
  if (Array.isArray(value)) {
    for (const v of value) broadcastIds(v, into)
    return
  }
  if (value instanceof Map) {
    for (const v of value.values()) broadcastIds(v, into)
    return
  }
  const record = value as Record<string, unknown>
  if (record[BROADCAST_MARK] === "Broadcast") into.add(record["data"] as number)
  for (const v of Object.values(record)) broadcastIds(v, into)
}

/** Shuffles read by the stage of a task (through its narrow lineage). */
const shufflesRead = (rdd: RDD<unknown>, into: Set<number>, seen = new Set<number>()): void => {
  if (seen.has(rdd.id)) return
  seen.add(rdd.id)
  for (const dep of rdd.dependencies) {
    if (dep._tag === "Shuffle") into.add(dep.shuffleId)
    else shufflesRead(dep.rdd, into, seen)
  }
}

/** How to start a worker running `internal/executor/worker`, from source (tests) or from the build. */
const startWorker = (info: ExecutorStartInfo): Worker => {
  const here = import.meta.url
  if (here.endsWith(".ts")) {
    // Running from TypeScript sources: load the worker through tsx (Node 20 cannot --import tsx in workers).
    const entry = new URL("../internal/executor/worker.ts", here).href
    return new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`, {
      eval: true,
      workerData: info
    })
  }
  return new Worker(new URL("./internal/executor/worker.js", here), { workerData: info })
}

/**
 * The worker-thread backend.
 *
 * **Example**
 * ```ts
 * const sc = yield* SparkContext.make({ master: "local-cluster[2,1,512]" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class WorkerThreadSchedulerBackend implements SchedulerBackend {
  readonly shipsTasks = true
  private driver: DriverEndpoint | undefined
  private readonly executors = new Map<string, ExecutorState>()
  private readonly running = new Map<number, TaskDescription>()
  private readonly relayed = new Map<number, RelayedFetch>()
  private relayIds = 0
  private replicaTurn = 0
  private now: () => number = () => Date.now()
  private allRegistered: Deferred.Deferred<void> | undefined

  constructor(
    private readonly options: LocalClusterOptions,
    private readonly master: BlockManagerMaster,
    private readonly mapOutputTracker: MapOutputTracker,
    private readonly getBroadcast: (id: number) => unknown
  ) {}

  get defaultParallelism(): number {
    return Math.max(2, this.options.executors * this.options.coresPerExecutor)
  }

  start(driver: DriverEndpoint): Effect.Effect<void, never, Scope.Scope> {
    return Effect.gen({ self: this }, function*() {
      this.driver = driver
      const clock = yield* Effect.clockWith(Effect.succeed)
      this.now = () => clock.currentTimeMillisUnsafe()
      this.allRegistered = yield* Deferred.make<void>()
      for (let i = 0; i < this.options.executors; i++) this.launchExecutor(String(i))
      yield* Effect.addFinalizer(() => Effect.promise(() => this.stopAll()))
      // As Spark's waitBackendReady: jobs start once every executor has registered (or the wait times out).
      yield* Effect.timeoutOption(Deferred.await(this.allRegistered), this.options.registrationTimeoutMs)
      // Executors that stop answering are removed (a hung thread is as lost as a dead one).
      yield* Effect.forkScoped(Effect.forever(Effect.gen({ self: this }, function*() {
        yield* Effect.sleep(this.options.heartbeatIntervalMs)
        const now = yield* Clock.currentTimeMillis
        for (const executor of this.executors.values()) {
          if (executor.alive && executor.registered && now - executor.lastHeartbeat > this.options.heartbeatTimeoutMs) {
            this.lose(executor, `no heartbeat for ${now - executor.lastHeartbeat} ms`)
            void executor.worker.terminate()
          }
        }
      })))
    })
  }

  private launchExecutor(id: string): void {
    const executorId = `exec-${id}`
    const info: ExecutorStartInfo = {
      executorId,
      host: "localhost",
      cores: this.options.coresPerExecutor,
      maxMemory: this.options.memoryPerExecutorBytes,
      localDir: path.join(this.options.localDir, `executor-${id}`),
      conf: this.options.conf,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs
    }
    const worker = startWorker(info)
    const state: ExecutorState = {
      id: executorId,
      worker,
      host: "localhost",
      cores: info.cores,
      freeCores: 0,
      registered: false,
      alive: true,
      lastHeartbeat: this.now(),
      sentBroadcasts: new Set()
    }
    this.executors.set(executorId, state)
    worker.on("message", (message: FromExecutor) => this.onMessage(state, message))
    worker.on("error", (error) => this.lose(state, `executor thread failed: ${describeCause(error)}`))
    worker.on("exit", (code) => this.lose(state, `executor thread exited with code ${code}`))
  }

  private post(executor: ExecutorState, message: ToExecutor): void {
    if (executor.alive) executor.worker.postMessage(message)
  }

  private onMessage(executor: ExecutorState, message: FromExecutor): void {
    executor.lastHeartbeat = this.now()
    switch (message._tag) {
      case "Registered": {
        executor.registered = true
        executor.host = message.host
        executor.cores = message.cores
        executor.freeCores = message.cores
        this.master.register({
          id: { executorId: executor.id, host: executor.host, port: 0 },
          removeBlock: (blockId) => this.post(executor, { _tag: "RemoveBlock", name: blockId.name }),
          removeRdd: (rddId) => {
            this.post(executor, { _tag: "RemoveRdd", rddId })
            return 0
          },
          removeShuffle: (shuffleId) => this.post(executor, { _tag: "RemoveShuffle", shuffleId })
        })
        this.driver?.executorAdded(executor.id, executor.host, executor.cores)
        if ([...this.executors.values()].every((e) => e.registered || !e.alive) && this.allRegistered !== undefined) {
          Deferred.doneUnsafe(this.allRegistered, Effect.void)
        }
        return
      }
      case "StatusUpdate": {
        const task = this.running.get(message.taskId)
        if (task === undefined) return
        this.running.delete(message.taskId)
        executor.freeCores++
        this.driver?.statusUpdate(task, message.result)
        return
      }
      case "BlockUpdate": {
        const blockId = BlockId.parse(message.name)
        if (blockId !== undefined) {
          this.master.updateBlockInfo({ executorId: executor.id, host: executor.host, port: 0 }, blockId, message.status)
        }
        return
      }
      case "Fetch":
        this.relayFetch(executor, message.requestId, message.names)
        return
      case "FetchReply": {
        const relay = this.relayed.get(message.requestId)
        if (relay === undefined) return
        relay.blocks.push(...message.blocks)
        relay.waiting.delete(executor.id)
        this.finishRelay(message.requestId, relay)
        return
      }
      case "Replicate": {
        const peers = [...this.executors.values()].filter((e) => e.alive && e.registered && e.id !== executor.id)
        if (peers.length === 0) return
        const peer = peers[this.replicaTurn++ % peers.length]!
        this.post(peer, { _tag: "PutBlock", name: message.name, bytes: message.bytes, level: message.level })
        return
      }
      case "Heartbeat":
        return
    }
  }

  /** Gathers blocks for one executor from the executors that hold them. */
  private relayFetch(requester: ExecutorState, requestId: number, names: ReadonlyArray<string>): void {
    const byOwner = new Map<string, Array<string>>()
    for (const name of names) {
      const blockId = BlockId.parse(name)
      if (blockId === undefined) continue
      const owner = this.master.getLocations(blockId).find((l) => l.executorId !== requester.id && this.executors.get(l.executorId)?.alive)
      if (owner === undefined) continue
      const list = byOwner.get(owner.executorId)
      if (list === undefined) byOwner.set(owner.executorId, [name])
      else list.push(name)
    }
    const relayId = this.relayIds++
    const relay: RelayedFetch = { requester: requester.id, requestId, blocks: [], waiting: new Set(byOwner.keys()) }
    this.relayed.set(relayId, relay)
    for (const [owner, ownerNames] of byOwner) {
      this.post(this.executors.get(owner)!, { _tag: "FetchRequest", requestId: relayId, names: ownerNames })
    }
    this.finishRelay(relayId, relay)
  }

  private finishRelay(relayId: number, relay: RelayedFetch): void {
    if (relay.waiting.size > 0) return
    this.relayed.delete(relayId)
    const requester = this.executors.get(relay.requester)
    if (requester !== undefined) this.post(requester, { _tag: "FetchResponse", requestId: relay.requestId, blocks: relay.blocks })
  }

  /** An executor is gone: forget it, answer fetches that waited on it, tell the driver. */
  private lose(executor: ExecutorState, reason: string): void {
    if (!executor.alive) return
    executor.alive = false
    for (const [taskId, task] of this.running) if (task.executorId === executor.id) this.running.delete(taskId)
    for (const [relayId, relay] of this.relayed) {
      if (relay.waiting.delete(executor.id)) this.finishRelay(relayId, relay)
    }
    if (executor.registered) this.driver?.executorLost(executor.id, reason)
  }

  reviveOffers(): void {
    const driver = this.driver
    if (driver === undefined) return
    const offers = [...this.executors.values()]
      .filter((e) => e.alive && e.registered && e.freeCores > 0)
      .map((e) => ({ executorId: e.id, host: e.host, cores: e.freeCores }))
    if (offers.length === 0) return
    for (const task of driver.resourceOffers(offers)) {
      const executor = this.executors.get(task.executorId)!
      executor.freeCores--
      this.running.set(task.taskId, task)
      this.launch(executor, task)
    }
  }

  private launch(executor: ExecutorState, task: TaskDescription): void {
    let shipped: ReturnType<typeof shipTask>
    try {
      shipped = shipTask(task)
    } catch (error) {
      this.running.delete(task.taskId)
      executor.freeCores++
      this.driver?.statusUpdate(task, {
        _tag: "ExceptionFailure",
        error,
        message: `task ${task.taskId} could not be shipped: ${describeCause(error)}`
      })
      return
    }
    const shuffles = new Set<number>()
    shufflesRead(task.binary.rdd, shuffles)
    const mapStatuses = [...shuffles].map((id) => [id, this.mapOutputTracker.getStatuses(id) ?? []] as const)
    const ids = new Set<number>()
    broadcastIds(shipped.plan, ids)
    const broadcasts: Array<readonly [number, unknown]> = []
    for (const id of ids) {
      if (executor.sentBroadcasts.has(id)) continue
      executor.sentBroadcasts.add(id)
      broadcasts.push([id, this.getBroadcast(id)])
    }
    this.post(executor, { _tag: "Launch", task: shipped, mapStatuses, broadcasts })
  }

  killTask(taskId: number, executorId: string, reason: string): void {
    const executor = this.executors.get(executorId)
    if (executor !== undefined) this.post(executor, { _tag: "Kill", taskId, reason })
  }

  /** Terminates an executor's thread (for tests of executor loss, and `SparkContext.killExecutor`). */
  killExecutor(executorId: string): Promise<void> {
    const executor = this.executors.get(executorId)
    if (executor === undefined) return Promise.resolve()
    return executor.worker.terminate().then(() => this.lose(executor, "killed"))
  }

  /** The executors that are alive and registered. */
  get executorIds(): Array<string> {
    return [...this.executors.values()].filter((e) => e.alive && e.registered).map((e) => e.id)
  }

  private async stopAll(): Promise<void> {
    for (const executor of this.executors.values()) {
      if (!executor.alive) continue
      executor.alive = false
      executor.worker.postMessage({ _tag: "Stop" } satisfies ToExecutor)
      await executor.worker.terminate()
    }
  }
}
