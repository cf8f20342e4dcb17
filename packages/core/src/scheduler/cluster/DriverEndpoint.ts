/**
 * The driver's handling of messages from executors: registration, task
 * status updates, block status updates, block fetches and replicas (handed
 * to the block relay), heartbeats, and messages for the driver's RPC
 * endpoints (handed to the `RpcEnv`).
 *
 * Mirrors `org.apache.spark.scheduler.cluster.CoarseGrainedSchedulerBackend.DriverEndpoint`.
 *
 * @since 0.1.0
 */
import type { FromExecutor, ToExecutor } from "../../internal/executor/protocol.js"
import type { DriverRpcEndpoints } from "../../rpc/DriverRpcEndpoints.js"
import { TaskResultNotSerializableError } from "../../SparkError.js"
import * as BlockId from "../../storage/BlockId.js"
import type { BlockManagerMaster } from "../../storage/BlockManagerMaster.js"
import type { BlockRelay } from "../../storage/BlockTransferService.js"
import type { DriverEndpoint as SchedulerDriver } from "../SchedulerBackend.js"
import type { TaskDescription, TaskResult } from "../Task.js"
import type { ExecutorData } from "./ExecutorData.js"
import type { HeartbeatReceiver } from "./HeartbeatReceiver.js"

/**
 * What the endpoint reads and changes in its backend.
 *
 * Mirrors the `CoarseGrainedSchedulerBackend` fields Spark's `DriverEndpoint` (an inner class) reads.
 *
 * **Example**
 * ```ts
 * const endpoint = new DriverEndpoint({ scheduler: () => driver, master, blockRelay, heartbeats, rpcEnv, taskEnded, post, planMissing, executorRegistered })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface DriverEndpointBackend {
  /** The task scheduler's callbacks, once the backend has started. */
  readonly scheduler: () => SchedulerDriver | undefined
  readonly master: BlockManagerMaster
  readonly blockRelay: BlockRelay
  readonly heartbeats: HeartbeatReceiver
  /** The driver's RPC endpoints: executors' EndpointMessage and EndpointAsk go there. */
  readonly rpcEnv: DriverRpcEndpoints
  /** Forgets a running task (which ended with `result`); returns it, or `undefined` when it was not running (lost, or unknown). */
  readonly taskEnded: (taskId: number, result: TaskResult) => TaskDescription | undefined
  readonly post: (executor: ExecutorData, message: ToExecutor) => void
  /** The executor lacks the stage plan of running task `taskId`: it is launched there again, with the plan. */
  readonly planMissing: (executor: ExecutorData, taskId: number, planId: number) => void
  /** An executor has registered (after its state and the master are updated). */
  readonly executorRegistered: (executor: ExecutorData) => void
}

/**
 * Receives the messages of every executor of a cluster backend.
 *
 * Mirrors `org.apache.spark.scheduler.cluster.CoarseGrainedSchedulerBackend.DriverEndpoint`.
 *
 * **Example**
 * ```ts
 * const endpoint = new DriverEndpoint(backend)
 * worker.on("message", (message) => endpoint.receive(executor, message))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class DriverEndpoint {
  constructor(private readonly backend: DriverEndpointBackend) {}

  receive(executor: ExecutorData, message: FromExecutor): void {
    const backend = this.backend
    backend.heartbeats.heartbeat(executor.id)
    switch (message._tag) {
      case "Registered":
        this.register(executor, message)
        return
      case "StatusUpdate": {
        const task = backend.taskEnded(message.taskId, message.result)
        if (task !== undefined) backend.scheduler()?.statusUpdate(task, revive(message.result))
        return
      }
      case "PlanMissing":
        backend.planMissing(executor, message.taskId, message.planId)
        return
      case "BlockUpdate": {
        const blockId = BlockId.parse(message.name)
        if (blockId !== undefined) {
          backend.master.updateBlockInfo({ executorId: executor.id, host: executor.host, port: 0 }, blockId, message.status)
        }
        return
      }
      case "Fetch":
        backend.blockRelay.fetch(executor.id, message.requestId, message.names)
        return
      case "FetchReply":
        backend.blockRelay.reply(executor.id, message.requestId, message.blocks)
        return
      case "Replicate":
        backend.blockRelay.replicate(executor.id, message.name, message.bytes, message.level)
        return
      case "EndpointMessage":
      case "EndpointAsk":
        if (executor.registered) backend.rpcEnv.receive(executor.id, message)
        return
      case "Heartbeat":
        return
    }
  }

  private register(executor: ExecutorData, message: Extract<FromExecutor, { _tag: "Registered" }>): void {
    const backend = this.backend
    executor.registered = true
    executor.host = message.host
    executor.cores = message.cores
    executor.freeCores = message.cores
    backend.heartbeats.executorAdded(executor.id)
    backend.master.register({
      id: { executorId: executor.id, host: executor.host, port: 0 },
      // An executor of a build that does not send it counts as none (never `undefined` in an event).
      maxMemory: Number.isFinite(message.maxMemory) ? message.maxMemory : 0,
      removeBlock: (blockId) => backend.post(executor, { _tag: "RemoveBlock", name: blockId.name }),
      removeRdd: (rddId) => {
        backend.post(executor, { _tag: "RemoveRdd", rddId })
        return 0
      },
      removeShuffle: (shuffleId) => {
        // Forgotten as the executor drops it (the same ordered channel): a later task reading it sends it again.
        executor.sentShuffles.delete(shuffleId)
        backend.post(executor, { _tag: "RemoveShuffle", shuffleId })
      }
    })
    backend.rpcEnv.executorAdded(executor.id, executor.host, (rpcMessage) => backend.post(executor, rpcMessage))
    backend.scheduler()?.executorAdded(executor.id, executor.host, executor.cores)
    backend.executorRegistered(executor)
  }
}

/** Errors the executor sends as plain data (tags do not survive serialization) become their classes again. */
const revive = (result: TaskResult): TaskResult => {
  if (result._tag !== "ExceptionFailure") return result
  const error = result.error as { readonly _tag?: unknown } | null
  if (typeof error !== "object" || error === null || error._tag !== "TaskResultNotSerializableError") return result
  const { taskId, valueType, message } = error as unknown as TaskResultNotSerializableError
  return { ...result, error: new TaskResultNotSerializableError({ taskId, valueType, message }) }
}
