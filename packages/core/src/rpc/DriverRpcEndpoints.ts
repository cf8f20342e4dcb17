/**
 * The driver's side of the RPC channel: the endpoints registered by name, the
 * executors connected to it (each with the function that posts to it), and
 * the dispatch of executors' messages and asks to endpoints.
 *
 * Mirrors `org.apache.spark.rpc.netty.Dispatcher` (the driver's).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { RpcFromExecutor, RpcToExecutor } from "../internal/executor/protocol.js"
import { describeCause } from "../SparkError.js"
import { type DriverRpcEnv, type RpcCallContext, type RpcEndpoint, RpcEndpointAlreadyRegisteredError } from "./RpcEndpoint.js"

interface ConnectedExecutor {
  readonly from: RpcCallContext
  readonly post: (message: RpcToExecutor) => void
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"

/**
 * The driver's endpoints and the executors they talk to. Backends call
 * `executorAdded` when an executor registers, `receive` with each of its RPC
 * messages, `executorRemoved` when it is lost; users see only `DriverRpcEnv`.
 *
 * Mirrors `org.apache.spark.rpc.netty.Dispatcher`.
 *
 * **Example**
 * ```ts
 * const endpoints = new DriverRpcEndpoints((effect) => Effect.runFork(effect))
 * endpoints.executorAdded("exec-0", "localhost", (message) => worker.postMessage(message))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class DriverRpcEndpoints implements DriverRpcEnv {
  private readonly endpoints = new Map<string, RpcEndpoint>()
  private readonly executors = new Map<string, ConnectedExecutor>()

  /** `run` runs a log effect in the driver's services. */
  constructor(private readonly run: (effect: Effect.Effect<void>) => unknown) {}

  readonly setupEndpoint = (name: string, endpoint: RpcEndpoint): () => void => {
    if (this.endpoints.has(name)) {
      throw new RpcEndpointAlreadyRegisteredError({
        name,
        where: "driver",
        message: `an RPC endpoint named "${name}" is already registered on the driver: ` +
          "unregister it first (call the function setupEndpoint returned) or pick another name"
      })
    }
    this.endpoints.set(name, endpoint)
    return () => {
      if (this.endpoints.get(name) === endpoint) this.endpoints.delete(name)
    }
  }

  readonly sendToExecutor = (executorId: string, endpoint: string, message: unknown): boolean => {
    const executor = this.executors.get(executorId)
    if (executor === undefined) return false
    executor.post({ _tag: "EndpointMessage", endpoint, message })
    return true
  }

  /** An executor registered: messages to it go through `post`. */
  executorAdded(executorId: string, host: string, post: (message: RpcToExecutor) => void): void {
    this.executors.set(executorId, { from: { executorId, host }, post })
  }

  /** An executor is gone: `sendToExecutor` returns false for it, and replies to its asks are dropped. */
  executorRemoved(executorId: string): void {
    this.executors.delete(executorId)
  }

  /** The executors connected now. */
  executorIds(): Array<string> {
    return [...this.executors.keys()]
  }

  /** Handles an RPC message of executor `executorId`. */
  receive(executorId: string, message: RpcFromExecutor): void {
    const executor = this.executors.get(executorId)
    if (executor === undefined) return this.warn(`dropped a ${message._tag} for "${message.endpoint}" from unknown executor ${executorId}`)
    const endpoint = this.endpoints.get(message.endpoint)
    if (message._tag === "EndpointMessage") {
      if (endpoint?.receive === undefined) return this.warnUnknown(executor, message.endpoint, endpoint, "one-way message")
      try {
        endpoint.receive(message.message, executor.from)
      } catch (error) {
        this.warn(`the driver endpoint "${message.endpoint}" failed on a message from ${executorId}: ${describeCause(error)}`)
      }
      return
    }
    const askId = message.askId
    if (endpoint?.receiveAndReply === undefined) {
      this.warnUnknown(executor, message.endpoint, endpoint, "ask")
      return this.reply(executorId, askId, {
        ok: false,
        reason: "NoSuchEndpoint",
        message: `no RPC endpoint named "${message.endpoint}" that answers asks is registered on the driver ` +
          `(registered: ${this.endpointNames()}): register it with sc.rpcEnv.setupEndpoint before tasks ask it`
      })
    }
    const failed = (error: unknown) =>
      this.reply(executorId, askId, {
        ok: false,
        reason: "HandlerFailed",
        message: `the driver endpoint "${message.endpoint}" failed to answer: ${describeCause(error)}`
      })
    let answer: unknown
    try {
      answer = endpoint.receiveAndReply(message.message, executor.from)
    } catch (error) {
      return failed(error)
    }
    if (!isThenable(answer)) return this.reply(executorId, askId, { ok: true, value: answer })
    answer.then((value) => this.reply(executorId, askId, { ok: true, value }), failed)
  }

  private reply(executorId: string, askId: number, reply: Extract<RpcToExecutor, { _tag: "EndpointReply" }>["reply"]): void {
    // An executor lost meanwhile gets nothing: its asks ended with it.
    const executor = this.executors.get(executorId)
    if (executor === undefined) return
    try {
      executor.post({ _tag: "EndpointReply", askId, reply })
    } catch (error) {
      // A reply that is not structured-clone data fails the ask, not the driver.
      executor.post({
        _tag: "EndpointReply",
        askId,
        reply: { ok: false, reason: "HandlerFailed", message: `the reply could not be sent: ${describeCause(error)}; reply plain data` }
      })
    }
  }

  private endpointNames(): string {
    return this.endpoints.size === 0 ? "none" : [...this.endpoints.keys()].map((n) => `"${n}"`).join(", ")
  }

  private warnUnknown(executor: ConnectedExecutor, name: string, endpoint: RpcEndpoint | undefined, kind: string): void {
    this.warn(
      endpoint === undefined
        ? `dropped ${
          kind === "ask" ? "an" : "a"
        } ${kind} from executor ${executor.from.executorId} for "${name}": no such RPC endpoint on the driver ` +
          `(registered: ${this.endpointNames()})`
        : `dropped ${kind === "ask" ? "an" : "a"} ${kind} from executor ${executor.from.executorId} for "${name}": the endpoint has no ` +
          (kind === "ask" ? "receiveAndReply" : "receive")
    )
  }

  private warn(message: string): void {
    this.run(Effect.logWarning(message))
  }
}
