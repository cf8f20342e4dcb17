/**
 * An executor: its own block manager, a map output tracker holding the
 * statuses the driver sent (each shuffle's once per version, kept until
 * `RemoveShuffle`), broadcast values received once, the RPC
 * endpoints of its tasks, and a task runner. Blocks it needs from other
 * executors are fetched (through the driver) before a task starts, because
 * tasks then run synchronously. A task whose function returns a promise runs
 * on (holding its core) while the executor starts the next tasks; its status
 * is sent when it settles.
 * Transport-agnostic: `send` and `handle` carry the protocol's messages; the
 * worker-thread main and `CoarseGrainedExecutorBackend` (a process over TCP)
 * connect them to the driver.
 *
 * Mirrors `org.apache.spark.executor.Executor`.
 *
 * @since 0.1.0
 */
import { Effect, type Fiber } from "effect"
import { missingValue } from "../Broadcast.js"
import { shippedClasses } from "../internal/closure/shippedClasses.js"
import type { ExecutorStartInfo, FromExecutor, ToExecutor } from "../internal/executor/protocol.js"
import { type PrefetchInput, prefetchFailure, startPrefetches } from "../internal/scheduler/prefetchInputs.js"
import { interruptRunning, PendingKills, runTask } from "../internal/scheduler/runTask.js"
import { type DecodedStage, receiveTask, type ReceivedTask } from "../internal/scheduler/taskPlan.js"
import { StagePlanCache } from "../internal/executor/stagePlanCache.js"
import { defaultNowMs } from "../internal/executor/taskClock.js"
import { shippable, unserializableType } from "../internal/executor/taskResults.js"
import { MapOutputTracker } from "../scheduler/MapOutputTracker.js"
import type { TaskDescription, TaskResult } from "../scheduler/Task.js"
import type { ExecutorEnv, TaskContext } from "../scheduler/TaskContext.js"
import { ExecutorRpcEnv } from "../rpc/ExecutorRpcEnv.js"
import * as SparkConf from "../SparkConf.js"
import { describeCause, type TaskResultNotSerializableError } from "../SparkError.js"
import * as BlockId from "../storage/BlockId.js"
import { BlockManager, type BlockManagerMasterLike } from "../storage/BlockManager.js"
import type { BlockManagerId } from "../storage/BlockManagerMaster.js"
import { localBlocks, RelayBlockTransferService } from "../storage/BlockTransferService.js"
import * as StorageLevel from "../storage/StorageLevel.js"
import { forEachPartitionAncestor } from "../util/lineage.js"
import * as Logging from "../util/Logging.js"

const REMOTE: BlockManagerId = { executorId: "remote", host: "remote", port: 0 }

type Launch = Extract<ToExecutor, { _tag: "Launch" }>

/**
 * A task started: its result, or (an asynchronous task) the promise of it,
 * and what to release once it has ended. `undefined`: its stage's plan is
 * missing here, and the driver was asked to send the task again with it.
 */
type Started = { readonly result: TaskResult | Promise<TaskResult>; readonly release?: () => void } | undefined

/**
 * The blocks a task reads that may live elsewhere: shuffle blocks (as
 * patterns), cached partitions, locally checkpointed partitions and the
 * blocks of BlockRDDs (received stream blocks; a write-ahead-log-backed one
 * reads a block no executor has from its log instead).
 */
const blocksToRead = (task: TaskDescription, inputs: Array<PrefetchInput>): Array<string> => {
  const names = new Set<string>()
  forEachPartitionAncestor(task.binary.rdd, task.partition.index, (rdd, partition) => {
    // One walk of the lineage per task: the inputs an op prefetches are found with the blocks.
    if (rdd.op.prefetch !== undefined) inputs.push([rdd, partition])
    if (rdd.storageLevel !== StorageLevel.NONE) names.add(BlockId.rdd(rdd.id, partition).name)
    if (rdd.op.factory === "localCheckpoint") {
      names.add(BlockId.rdd(rdd.op.args[0] as number, partition).name)
    }
    if (rdd.op.factory === "block" || rdd.op.factory === "writeAheadLogBackedBlock") {
      const blockId = (rdd.op.args[0] as ReadonlyArray<BlockId.BlockId>)[partition]
      if (blockId !== undefined) names.add(blockId.name)
    }
  }, { onShuffle: (dep, _child, partition) => void names.add(`shuffle_${dep.shuffleId}_*_${partition}`) })
  return [...names]
}

/**
 * An executor that runs shipped tasks one after another and serves its
 * blocks to the driver.
 *
 * Mirrors `org.apache.spark.executor.Executor`.
 *
 * **Example**
 * ```ts
 * const executor = new Executor(info, (message) => port.postMessage(message))
 * port.on("message", (message) => executor.handle(message))
 * executor.start()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class Executor {
  /** Keeps the modules of classes that ship by reviver in every executor bundle. */
  readonly revivable = shippedClasses
  private readonly tracker = new MapOutputTracker()
  private readonly broadcasts = new Map<number, unknown>()
  private readonly blockManager: BlockManager
  private readonly transfer: RelayBlockTransferService
  private readonly env: ExecutorEnv
  private readonly queue: Array<Launch> = []
  private readonly kills = new PendingKills()
  /** Asynchronous tasks running now, by task id: a kill interrupts them. */
  private readonly runningAsync = new Map<number, TaskContext>()
  private readonly rpc: ExecutorRpcEnv
  /** Stages decoded here, by plan id: a stage's later tasks arrive without their plan. */
  readonly stages = new StagePlanCache<DecodedStage>()
  private running = false
  /** Other live executors, as the driver last said (-1: not said yet). */
  private peerCount = -1

  constructor(readonly info: ExecutorStartInfo, private readonly send: (message: FromExecutor) => void) {
    const id: BlockManagerId = { executorId: info.executorId, host: info.host, port: 0 }
    const transfer = new RelayBlockTransferService({
      fetch: (requestId, names) => send({ _tag: "Fetch", requestId, names }),
      replicate: (name, bytes, level) => send({ _tag: "Replicate", name, bytes, level })
    })
    const master: BlockManagerMasterLike = {
      register: () => {},
      updateBlockInfo: (_id, blockId, status) => send({ _tag: "BlockUpdate", name: blockId.name, status }),
      getLocations: (blockId) => (transfer.has(blockId.name) ? [REMOTE] : []),
      // Replicas go to a peer the driver picks; with none (as the driver last said), there is nothing to copy.
      getPeers: () => (this.peerCount === 0 ? [] : [REMOTE])
    }
    this.transfer = transfer
    this.blockManager = new BlockManager({ id, master, transfer, maxMemory: info.maxMemory, localDir: info.localDir })
    const conf = SparkConf.make(Object.fromEntries(info.conf))
    const askTimeoutMs = SparkConf.getTimeAsMs(conf, "spark.rpc.askTimeout", "120s")
    this.rpc = new ExecutorRpcEnv({
      executorId: info.executorId,
      send,
      askTimeoutMs: typeof askTimeoutMs === "number" ? askTimeoutMs : 120_000,
      run: <A>(effect: Effect.Effect<A>): Fiber.Fiber<A> => Effect.runFork(effect)
    })
    this.env = {
      executorId: info.executorId,
      host: info.host,
      conf,
      blockManager: this.blockManager,
      mapOutputTracker: this.tracker,
      getBroadcast: (broadcastId) => {
        if (!this.broadcasts.has(broadcastId)) throw missingValue(broadcastId)
        return this.broadcasts.get(broadcastId)
      },
      rpc: this.rpc,
      nowMs: defaultNowMs
    }
  }

  /** How many broadcast values this executor holds (values the driver dropped are removed). */
  get broadcastCount(): number {
    return this.broadcasts.size
  }

  /** Registers with the driver. */
  start(): void {
    const { cores, executorId, host, maxMemory } = this.info
    this.send({ _tag: "Registered", executorId, host, cores, maxMemory })
  }

  /** Stops: running asynchronous tasks are interrupted, pending RPC asks reject, the block manager stops. */
  stop(): void {
    for (const taskId of [...this.runningAsync.keys()]) interruptRunning(this.runningAsync, taskId, "the executor stopped", this.warn)
    this.rpc.stop()
    this.stages.clear()
    this.blockManager.stop()
  }

  /** Handles one message from the driver. */
  handle(message: ToExecutor): void {
    switch (message._tag) {
      case "Launch":
        this.kills.received(message.task.taskId)
        this.receive(message)
        this.queue.push(message)
        void this.drain()
        return
      case "Kill":
        this.kills.kill(this.runningAsync, message.taskId, message.reason, this.warn)
        return
      case "EndpointMessage":
      case "EndpointReply":
        this.rpc.handle(message)
        return
      case "FetchRequest":
        this.send({ _tag: "FetchReply", requestId: message.requestId, blocks: localBlocks(this.blockManager, message.names) })
        return
      case "FetchResponse":
        this.transfer.fetchResponse(message.requestId, message.blocks)
        return
      case "PutBlock": {
        const blockId = BlockId.parse(message.name)
        const level = StorageLevel.byName.get(message.level) ?? StorageLevel.MEMORY_AND_DISK
        // The bytes are this executor's own (copied or moved to it by the channel): stored as they are.
        const bytes = Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength)
        if (blockId !== undefined) this.blockManager.putBytes(blockId, bytes, { ...level, replication: 1 })
        return
      }
      case "Peers":
        this.peerCount = message.count
        return
      case "RemoveBlock": {
        const blockId = BlockId.parse(message.name)
        if (blockId !== undefined) this.blockManager.removeBlock(blockId, false)
        return
      }
      case "RemoveRdd":
        this.blockManager.removeRdd(message.rddId)
        return
      case "RemoveShuffle":
        this.blockManager.removeShuffle(message.shuffleId)
        this.tracker.unregisterShuffle(message.shuffleId)
        return
      case "RemoveBroadcast":
        this.broadcasts.delete(message.broadcastId)
        return
      case "Stop":
        this.stop()
        return
    }
  }

  /**
   * Keeps what a task brings (broadcast values, shuffles' map statuses,
   * replacing older ones) when it arrives, not when it runs: the driver counts
   * them sent whether the task runs or is killed first, later tasks arrive
   * without them, and a `RemoveShuffle` or `RemoveBroadcast` after it on the
   * channel drops them in the order the driver sent them.
   */
  private receive(launch: Launch): void {
    for (const [id, value] of launch.broadcasts) this.broadcasts.set(id, value)
    for (const [shuffleId, statuses] of launch.mapStatuses) {
      this.tracker.unregisterShuffle(shuffleId)
      this.tracker.registerShuffle(shuffleId, statuses.length)
      statuses.forEach((status, mapId) => {
        if (status !== undefined) this.tracker.registerMapOutput(shuffleId, mapId, status)
      })
    }
  }

  /**
   * Runs queued tasks one after another (tasks are synchronous; fetches are
   * not). An asynchronous task does not hold the loop: it is started, and its
   * status is sent when it settles.
   */
  private async drain(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      while (this.queue.length > 0) {
        const launch = this.queue.shift()!
        const taskId = launch.task.taskId
        let started: Started
        try {
          started = await this.run(launch)
        } catch (error) {
          // Nothing a task does may end the drain loop (an unhandled rejection would end the executor).
          started = { result: { _tag: "ExceptionFailure", error, message: `task ${taskId} failed: ${describeCause(error)}` } }
        }
        if (started === undefined) continue
        const { result, release } = started
        if (result instanceof Promise) {
          result.then(
            (settled) => this.report(taskId, settled),
            (error: unknown) =>
              this.report(taskId, { _tag: "ExceptionFailure", error, message: `task ${taskId} failed: ${describeCause(error)}` })
          ).finally(release)
        } else {
          this.report(taskId, result)
          release?.()
        }
      }
    } finally {
      this.running = false
    }
  }

  /** @internal Kills recorded for tasks not started yet (bounded by the tasks in flight). */
  get pendingKills(): number {
    return this.kills.size
  }

  private readonly warn = (message: string): void => {
    Logging.logUnsafe("Warn", message, { executorId: this.info.executorId })
  }

  /**
   * Sends a task's status. A result the channel refuses to serialize (a
   * function, a Symbol, ...) fails that task with a
   * `TaskResultNotSerializableError` naming the value's type, as a Spark
   * task whose result is not serializable fails; the executor lives on.
   */
  private report(taskId: number, result: TaskResult): void {
    this.kills.ended(taskId)
    try {
      this.send({ _tag: "StatusUpdate", taskId, result: shippable(result) })
    } catch (error) {
      const valueType = unserializableType(result._tag === "Success" ? result.value : result)
      const message = `task ${taskId}'s result could not be serialized to go back to the driver: it holds a ${valueType} ` +
        `(${describeCause(error)}); return plain data (numbers, strings, arrays, plain objects, Maps, Sets, typed arrays)`
      Logging.logUnsafe("Warn", message, { executorId: this.info.executorId })
      // Plain data crosses the channel; the driver revives it as the tagged error.
      const failure: Pick<TaskResultNotSerializableError, "_tag" | "taskId" | "valueType" | "message"> = {
        _tag: "TaskResultNotSerializableError",
        taskId,
        valueType,
        message
      }
      this.send({ _tag: "StatusUpdate", taskId, result: { _tag: "ExceptionFailure", error: failure, message } })
    }
  }

  private async run(launch: Launch): Promise<Started> {
    const killedReason = this.kills.take(launch.task.taskId)
    if (killedReason !== undefined) {
      return { result: { _tag: "TaskKilled", reason: killedReason } }
    }
    const decodeStart = defaultNowMs()
    let received: ReceivedTask | undefined
    try {
      received = receiveTask(launch.task, this.stages)
    } catch (error) {
      return {
        result: { _tag: "ExceptionFailure", error, message: `task ${launch.task.taskId} could not be decoded: ${describeCause(error)}` }
      }
    }
    if (received === undefined) {
      // Evicted here since the driver sent it: the driver sends the task again with its plan.
      this.send({ _tag: "PlanMissing", taskId: launch.task.taskId, planId: launch.task.planId })
      return undefined
    }
    const started = await this.runReceived(launch, received.task, defaultNowMs() - decodeStart)
    return { ...started, release: received.release }
  }

  private async runReceived(
    launch: Launch,
    task: TaskDescription,
    deserializeTime: number
  ): Promise<{ readonly result: TaskResult | Promise<TaskResult> }> {
    const prefetched: Array<PrefetchInput> = []
    const wanted = this.remoteBlocks(task, prefetched)
    const fetchStart = defaultNowMs()
    if (wanted.length > 0) await this.transfer.prefetch(wanted)
    // Input only an asynchronous client reads (an op's prefetch) is awaited too; a failed one fails the task.
    const inputs = startPrefetches(prefetched)
    const failed = inputs === undefined ? undefined : await inputs.then(() => undefined, prefetchFailure)
    // Killed while its blocks or inputs were fetched: it does not start.
    const reason = wanted.length > 0 || inputs !== undefined ? this.kills.take(launch.task.taskId) : undefined
    if (reason !== undefined || failed !== undefined) {
      this.transfer.release()
      return { result: reason !== undefined ? { _tag: "TaskKilled", reason } : failed! }
    }
    try {
      // Blocks fetched for the task serve its synchronous part (an asynchronous task reads its input before awaiting).
      const before = { deserializeTime, fetchWaitTime: defaultNowMs() - fetchStart }
      return { result: runTask(task, this.env, this.runningAsync, before) }
    } finally {
      this.transfer.release()
    }
  }

  /** Block names the task reads that this executor does not hold; the inputs it prefetches go to `inputs`. */
  private remoteBlocks(task: TaskDescription, inputs: Array<PrefetchInput>): Array<string> {
    const wanted: Array<string> = []
    for (const pattern of blocksToRead(task, inputs)) {
      if (pattern.startsWith("shuffle_")) {
        const [, shuffleId, , reduceId] = pattern.split("_")
        const outputs = this.tracker.getMapSizes(Number(shuffleId), Number(reduceId)) ?? []
        for (const output of outputs) {
          if (output.location === undefined || output.location.executorId === this.info.executorId) continue
          if ("size" in output && output.size === 0) continue
          wanted.push(BlockId.shuffle(Number(shuffleId), output.mapId, Number(reduceId)).name)
        }
      } else {
        const blockId = BlockId.parse(pattern)
        if (blockId !== undefined && !this.blockManager.contains(blockId)) wanted.push(pattern)
      }
    }
    return wanted
  }
}
