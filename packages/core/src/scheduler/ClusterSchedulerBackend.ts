/**
 * Executors outside the driver's thread: worker threads of this process, or
 * processes that connect over TCP. Each has its own block manager and runs
 * tasks shipped as plans, so a job uses every core (and, over TCP, other
 * hosts). Blocks move between executors as bytes through the driver;
 * executors register, heartbeat, and are removed when they exit or stop
 * answering.
 *
 * Masters: `local-cluster[N,C,M]` (N worker-thread executors of C cores and M
 * MiB, as Spark's simulated cluster), `local-cluster[*]` (one single-core
 * executor per core), `local-process[N,C,M]` (N executor processes the driver
 * starts on this host), `tcp://HOST:PORT` (the driver listens; start
 * executors by hand with `tspark executor --driver HOST:PORT`).
 *
 * Mirrors Spark's `CoarseGrainedSchedulerBackend` and its executors.
 *
 * @since 0.1.0
 */
import { Clock, Deferred, Effect, type Scope } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as net from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { encodeFrame, FrameReader } from "../internal/executor/framing.js"
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
 * How executors are started: worker threads, processes spawned on this host,
 * or processes started by hand that connect to `host:port`.
 *
 * @category models
 * @since 0.1.0
 */
export type ExecutorLauncher =
  | { readonly _tag: "WorkerThreads" }
  | { readonly _tag: "Processes" }
  | { readonly _tag: "Listen"; readonly host: string; readonly port: number }

/**
 * The shape of a cluster of executors.
 *
 * @category models
 * @since 0.1.0
 */
export interface ClusterOptions {
  readonly launcher: ExecutorLauncher
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
}

/**
 * The driver's end of one executor's channel.
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorConnection {
  readonly post: (message: ToExecutor) => void
  /** Ends the executor (terminates the thread, or SIGKILLs the process). */
  readonly terminate: () => Promise<void>
}

interface ExecutorState {
  readonly id: string
  readonly connection: ExecutorConnection
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

/** The `tspark` command's entry, run with node (through tsx when running from sources). */
const spawnExecutorProcess = (executorId: string, port: number, options: ClusterOptions): ChildProcess => {
  const here = import.meta.url
  const fromSources = here.endsWith(".ts")
  const cli = fileURLToPath(new URL(fromSources ? "../cli/tspark.ts" : "./cli/tspark.js", here))
  const args = [
    ...(fromSources ? ["--import", "tsx"] : []),
    cli,
    "executor",
    "--driver",
    `127.0.0.1:${port}`,
    "--executor-id",
    executorId,
    "--cores",
    String(options.coresPerExecutor),
    "--memory",
    String(options.memoryPerExecutorBytes / (1024 * 1024) / 0.6),
    "--local-dir",
    path.join(options.localDir, executorId)
  ]
  return spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] })
}

/**
 * The cluster backend.
 *
 * **Example**
 * ```ts
 * const sc = yield* SparkContext.make({ master: "local-cluster[2,1,512]" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class ClusterSchedulerBackend implements SchedulerBackend {
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
    private readonly options: ClusterOptions,
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
      yield* Effect.addFinalizer(() => Effect.promise(() => this.stopAll()))
      if (this.options.launcher._tag === "WorkerThreads") {
        for (let i = 0; i < this.options.executors; i++) this.launchWorker(`exec-${i}`)
      } else {
        const server = yield* this.listen()
        yield* Effect.addFinalizer(() => Effect.sync(() => server.close()))
        if (this.options.launcher._tag === "Processes") {
          const port = (server.address() as net.AddressInfo).port
          for (let i = 0; i < this.options.executors; i++) this.launchProcess(`exec-${i}`, port)
        }
      }
      // As Spark's waitBackendReady: jobs start once every executor has registered (or the wait times out).
      yield* Effect.timeoutOption(Deferred.await(this.allRegistered), this.options.registrationTimeoutMs)
      // Executors that stop answering are removed (a hung thread is as lost as a dead one).
      yield* Effect.forkScoped(Effect.forever(Effect.gen({ self: this }, function*() {
        yield* Effect.sleep(this.options.heartbeatIntervalMs)
        const now = yield* Clock.currentTimeMillis
        for (const executor of this.executors.values()) {
          if (executor.alive && executor.registered && now - executor.lastHeartbeat > this.options.heartbeatTimeoutMs) {
            this.lose(executor, `no heartbeat for ${now - executor.lastHeartbeat} ms`)
            void executor.connection.terminate()
          }
        }
      })))
    })
  }

  /** The number of executors whose registration start waits for. */
  private get expected(): number {
    return this.options.executors
  }

  /** Adds an executor on its channel; returns the callbacks for its messages and its end. */
  private addExecutor(executorId: string, connection: ExecutorConnection) {
    const state: ExecutorState = {
      id: executorId,
      connection,
      host: "localhost",
      cores: 0,
      freeCores: 0,
      registered: false,
      alive: true,
      lastHeartbeat: this.now(),
      sentBroadcasts: new Set()
    }
    this.executors.set(executorId, state)
    return {
      onMessage: (message: FromExecutor) => this.onMessage(state, message),
      onClosed: (reason: string) => this.lose(state, reason)
    }
  }

  private launchWorker(executorId: string): void {
    const worker = startWorker({
      executorId,
      host: "localhost",
      cores: this.options.coresPerExecutor,
      maxMemory: this.options.memoryPerExecutorBytes,
      localDir: path.join(this.options.localDir, executorId),
      conf: this.options.conf,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs
    })
    const handle = this.addExecutor(executorId, {
      post: (message) => worker.postMessage(message),
      terminate: () => worker.terminate().then(() => undefined)
    })
    worker.on("message", handle.onMessage)
    worker.on("error", (error) => handle.onClosed(`executor thread failed: ${describeCause(error)}`))
    worker.on("exit", (code) => handle.onClosed(`executor thread exited with code ${code}`))
  }

  private readonly processes = new Map<string, ChildProcess>()

  private launchProcess(executorId: string, port: number): void {
    const child = spawnExecutorProcess(executorId, port, this.options)
    this.processes.set(executorId, child)
    child.on("exit", (code, signal) => {
      const state = this.executors.get(executorId)
      if (state !== undefined) this.lose(state, `executor process exited (${signal ?? `code ${code}`})`)
    })
  }

  /** Accepts executor processes over TCP; each one's first message names it. */
  private listen(): Effect.Effect<net.Server> {
    const launcher = this.options.launcher
    const host = launcher._tag === "Listen" ? launcher.host : "127.0.0.1"
    const port = launcher._tag === "Listen" ? launcher.port : 0
    return Effect.callback<net.Server>((resume) => {
      const server = net.createServer((socket) => {
        socket.setNoDelay(true)
        const reader = new FrameReader()
        let handle: ReturnType<ClusterSchedulerBackend["addExecutor"]> | undefined
        socket.on("data", (chunk) => {
          for (const message of reader.push(chunk) as Array<FromExecutor>) {
            if (handle === undefined) {
              if (message._tag !== "Registered") continue
              const child = this.processes.get(message.executorId)
              handle = this.addExecutor(message.executorId, {
                post: (m) => {
                  if (!socket.destroyed) socket.write(encodeFrame(m))
                },
                terminate: () =>
                  new Promise<void>((resolve) => {
                    if (child !== undefined && child.exitCode === null) {
                      child.once("exit", () => resolve())
                      child.kill("SIGKILL")
                    } else {
                      socket.destroy()
                      resolve()
                    }
                  })
              })
            }
            handle.onMessage(message)
          }
        })
        socket.on("close", () => handle?.onClosed("connection to the executor closed"))
        socket.on("error", () => socket.destroy())
      })
      server.listen(port, host, () => resume(Effect.succeed(server)))
    })
  }

  private post(executor: ExecutorState, message: ToExecutor): void {
    if (executor.alive) executor.connection.post(message)
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
        const registered = [...this.executors.values()].filter((e) => e.registered && e.alive).length
        if (registered >= this.expected && this.allRegistered !== undefined) {
          Deferred.doneUnsafe(this.allRegistered, Effect.void)
        }
        return
      }
      case "StatusUpdate": {
        const task = this.running.get(message.taskId)
        if (task === undefined) return
        this.running.delete(message.taskId)
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
    let message: Extract<ToExecutor, { _tag: "Launch" }>
    try {
      const shipped = shipTask(task)
      const shuffles = new Set<number>()
      shufflesRead(task.binary.rdd, shuffles)
      const mapStatuses = [...shuffles].map((id) => [id, this.mapOutputTracker.getStatuses(id) ?? []] as const)
      const ids = new Set<number>()
      broadcastIds(shipped.plan, ids)
      const broadcasts: Array<readonly [number, unknown]> = []
      for (const id of ids) {
        if (executor.sentBroadcasts.has(id)) continue
        broadcasts.push([id, this.getBroadcast(id)])
      }
      for (const [id] of broadcasts) executor.sentBroadcasts.add(id)
      message = { _tag: "Launch", task: shipped, mapStatuses, broadcasts }
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
    const executor = this.executors.get(executorId)
    if (executor !== undefined) this.post(executor, { _tag: "Kill", taskId, reason })
  }

  /** Terminates an executor (its thread, or SIGKILL to its process): for `SparkContext.killExecutor`. */
  killExecutor(executorId: string): Promise<void> {
    const executor = this.executors.get(executorId)
    if (executor === undefined) return Promise.resolve()
    return executor.connection.terminate().then(() => this.lose(executor, "killed"))
  }

  /** The executors that are alive and registered. */
  executorIds(): Array<string> {
    return [...this.executors.values()].filter((e) => e.alive && e.registered).map((e) => e.id)
  }

  private async stopAll(): Promise<void> {
    for (const executor of this.executors.values()) {
      if (!executor.alive) continue
      executor.connection.post({ _tag: "Stop" })
      executor.alive = false
      await executor.connection.terminate()
    }
    for (const child of this.processes.values()) if (child.exitCode === null) child.kill("SIGKILL")
  }
}
