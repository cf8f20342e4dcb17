/**
 * The two ends of an RPC channel: a driver endpoint and what it is told
 * about the sender, the driver's and an executor's sides of the channel, and
 * the errors of both.
 *
 * Mirrors `org.apache.spark.rpc.RpcEndpoint` and `org.apache.spark.rpc.RpcCallContext`.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * Who sent a message to a driver endpoint.
 *
 * Mirrors `org.apache.spark.rpc.RpcCallContext` (its `senderAddress`).
 *
 * **Example**
 * ```ts
 * const endpoint: RpcEndpoint = { receive: (message, from) => console.log(from.executorId, message) }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RpcCallContext {
  readonly executorId: string
  readonly host: string
}

/**
 * A driver endpoint: handles one-way messages (`receive`) and asks
 * (`receiveAndReply`). A handler that throws fails only that message (an
 * ask's caller gets the error's message).
 *
 * Mirrors `org.apache.spark.rpc.RpcEndpoint`.
 *
 * **Example**
 * ```ts
 * const unregister = sc.rpcEnv.setupEndpoint("ReceiverTracker", {
 *   receive: (message) => void blocks.push(message),
 *   receiveAndReply: (message) => ({ accepted: true })
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RpcEndpoint {
  /** one-way messages from executors */
  readonly receive?: (message: unknown, from: RpcCallContext) => void
  /** request/response; the returned value (or awaited promise) is the reply; a throw/rejection fails the ask */
  readonly receiveAndReply?: (message: unknown, from: RpcCallContext) => unknown | Promise<unknown>
}

/**
 * The driver's side: its endpoints, and one-way messages to endpoints on executors.
 *
 * Mirrors the driver's `org.apache.spark.rpc.RpcEnv` (`setupEndpoint`, `RpcEndpointRef.send`).
 *
 * **Example**
 * ```ts
 * const stop = sc.rpcEnv.setupEndpoint("tracker", { receiveAndReply: (m) => m })
 * sc.rpcEnv.sendToExecutor("exec-0", "receiver-0", { _tag: "StopReceiver" })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface DriverRpcEnv {
  /** Registers a driver endpoint; returns its unregister. Throws `RpcEndpointAlreadyRegisteredError` for a taken name. */
  readonly setupEndpoint: (name: string, endpoint: RpcEndpoint) => () => void
  /** one-way message to an endpoint registered on an executor; false if that executor is unknown/gone */
  readonly sendToExecutor: (executorId: string, endpoint: string, message: unknown) => boolean
}

/**
 * An executor's side, on `ExecutorEnv.rpc`: messages and asks to driver
 * endpoints, and endpoints of its own for the driver's messages. A task
 * registers its endpoints and unregisters them when it ends.
 *
 * Mirrors an executor's `org.apache.spark.rpc.RpcEnv` and its `RpcEndpointRef` to the driver.
 *
 * **Example**
 * ```ts
 * const reply = await ctx.env.rpc.ask("ReceiverTracker", { _tag: "RegisterReceiver", streamId: 0 })
 * const unregister = ctx.env.rpc.setupEndpoint("receiver-0", (message) => handle(message))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorRpc {
  /** One-way message to a driver endpoint (dropped, with a WARN on the driver, if there is none). */
  readonly send: (endpoint: string, message: unknown) => void
  /**
   * Asks a driver endpoint; resolves with its reply. Rejects with `RpcError`
   * when the endpoint is not registered, its handler throws, `timeoutMs`
   * passes (default `spark.rpc.askTimeout`, 120s) or the executor stops.
   */
  readonly ask: (endpoint: string, message: unknown, timeoutMs?: number) => Promise<unknown>
  /** Registers an endpoint for the driver's `sendToExecutor`; returns its unregister. */
  readonly setupEndpoint: (name: string, receive: (message: unknown) => void) => () => void
}

/**
 * An endpoint name was registered twice (on the driver, or on one executor).
 *
 * Mirrors Spark's `IllegalArgumentException: There is already an RpcEndpoint called ...`.
 *
 * **Example**
 * ```ts
 * try { sc.rpcEnv.setupEndpoint("tracker", endpoint) } catch (e) { if (e instanceof RpcEndpointAlreadyRegisteredError) ... }
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class RpcEndpointAlreadyRegisteredError extends Data.TaggedError("RpcEndpointAlreadyRegisteredError")<{
  readonly name: string
  /** `driver`, or the executor's id. */
  readonly where: string
  readonly message: string
}> {}

/**
 * An ask failed: no such endpoint, its handler failed, the timeout passed,
 * or the executor stopped before the reply came.
 *
 * Mirrors `org.apache.spark.rpc.RpcTimeoutException` and the failures of `RpcEndpointRef.ask`.
 *
 * **Example**
 * ```ts
 * ctx.env.rpc.ask("tracker", m).catch((e: RpcError) => e.reason) // "NoSuchEndpoint" | "HandlerFailed" | "Timeout" | "ExecutorStopped"
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class RpcError extends Data.TaggedError("RpcError")<{
  readonly endpoint: string
  readonly reason: "NoSuchEndpoint" | "HandlerFailed" | "Timeout" | "ExecutorStopped"
  readonly message: string
}> {}
