/**
 * An executor's side of the RPC channel: messages and asks to driver
 * endpoints (each ask waits for its reply, with a timeout on Effect's
 * clock), and the endpoints tasks register for the driver's messages.
 *
 * Mirrors an executor's `org.apache.spark.rpc.netty.NettyRpcEnv` with its
 * `RpcEndpointRef` to the driver.
 *
 * @since 0.1.0
 */
import { Effect, Fiber } from "effect"
import type { RpcFromExecutor, RpcToExecutor } from "../internal/executor/protocol.js"
import { describeCause } from "../SparkError.js"
import { type ExecutorRpc, RpcEndpointAlreadyRegisteredError, RpcError } from "./RpcEndpoint.js"

interface PendingAsk {
  readonly endpoint: string
  readonly resolve: (value: unknown) => void
  readonly reject: (error: RpcError) => void
  readonly timer: Fiber.Fiber<void>
}

/**
 * What an executor's RPC side needs: its id, the channel to the driver, the
 * default ask timeout, and a runner for effects (timers and log lines) in
 * the services of its choice.
 *
 * Mirrors the settings of an executor's `org.apache.spark.rpc.RpcEnv`.
 *
 * **Example**
 * ```ts
 * const options: ExecutorRpcOptions = { executorId: "exec-0", send, askTimeoutMs: 120_000, run: Effect.runFork }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorRpcOptions {
  readonly executorId: string
  readonly send: (message: RpcFromExecutor) => void
  /** `spark.rpc.askTimeout` (default 120s). */
  readonly askTimeoutMs: number
  readonly run: <A>(effect: Effect.Effect<A>) => Fiber.Fiber<A>
}

/**
 * An executor's RPC side; the executor hands it the driver's RPC messages
 * (`handle`) and stops it when it stops.
 *
 * Mirrors an executor's `org.apache.spark.rpc.RpcEnv`.
 *
 * **Example**
 * ```ts
 * const rpc = new ExecutorRpcEnv({ executorId: "exec-0", send, askTimeoutMs: 120_000, run: Effect.runFork })
 * const reply = await rpc.ask("tracker", { _tag: "RegisterReceiver" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class ExecutorRpcEnv implements ExecutorRpc {
  private readonly endpoints = new Map<string, (message: unknown) => void>()
  private readonly pending = new Map<number, PendingAsk>()
  private nextAskId = 0
  private stopped: string | undefined

  constructor(private readonly options: ExecutorRpcOptions) {}

  readonly send = (endpoint: string, message: unknown): void => {
    if (this.stopped !== undefined) return
    this.options.send({ _tag: "EndpointMessage", endpoint, message })
  }

  readonly ask = (endpoint: string, message: unknown, timeoutMs?: number): Promise<unknown> => {
    if (this.stopped !== undefined) return Promise.reject(this.stoppedError(endpoint, this.stopped))
    const askId = this.nextAskId++
    const timeout = timeoutMs ?? this.options.askTimeoutMs
    return new Promise<unknown>((resolve, reject) => {
      const timer = this.options.run(
        Effect.sleep(timeout).pipe(Effect.andThen(Effect.sync(() => {
          if (!this.pending.delete(askId)) return
          reject(
            new RpcError({
              endpoint,
              reason: "Timeout",
              message: `the ask to the driver endpoint "${endpoint}" from executor ${this.options.executorId} got no reply ` +
                `within ${timeout} ms: check the endpoint answers, or pass a longer timeout (spark.rpc.askTimeout)`
            })
          )
        })))
      )
      this.pending.set(askId, { endpoint, resolve, reject, timer })
      try {
        this.options.send({ _tag: "EndpointAsk", askId, endpoint, message })
      } catch (error) {
        this.settle(askId)
        reject(
          new RpcError({
            endpoint,
            reason: "HandlerFailed",
            message: `the ask to "${endpoint}" could not be sent: ${describeCause(error)}; send plain (structured-clone) data`
          })
        )
      }
    })
  }

  readonly setupEndpoint = (name: string, receive: (message: unknown) => void): () => void => {
    if (this.endpoints.has(name)) {
      throw new RpcEndpointAlreadyRegisteredError({
        name,
        where: this.options.executorId,
        message: `an RPC endpoint named "${name}" is already registered on executor ${this.options.executorId}: ` +
          "unregister it first (call the function setupEndpoint returned) or pick another name"
      })
    }
    this.endpoints.set(name, receive)
    return () => {
      if (this.endpoints.get(name) === receive) this.endpoints.delete(name)
    }
  }

  /** The names of the endpoints registered now. */
  endpointNames(): Array<string> {
    return [...this.endpoints.keys()]
  }

  /** Handles an RPC message from the driver. */
  handle(message: RpcToExecutor): void {
    if (message._tag === "EndpointReply") {
      const ask = this.settle(message.askId)
      if (ask === undefined) return
      const reply = message.reply
      if (reply.ok) ask.resolve(reply.value)
      else ask.reject(new RpcError({ endpoint: ask.endpoint, reason: reply.reason, message: reply.message }))
      return
    }
    const receive = this.endpoints.get(message.endpoint)
    if (receive === undefined) {
      return this.warn(
        `dropped a message from the driver for "${message.endpoint}": no such RPC endpoint on executor ` +
          `${this.options.executorId} (registered: ${this.endpointNames().join(", ") || "none"})`
      )
    }
    try {
      receive(message.message)
    } catch (error) {
      this.warn(`the endpoint "${message.endpoint}" on executor ${this.options.executorId} failed: ${describeCause(error)}`)
    }
  }

  /** The executor stops: pending asks reject, later ones too; endpoints are dropped. */
  stop(reason = "the executor stopped"): void {
    if (this.stopped !== undefined) return
    this.stopped = reason
    this.endpoints.clear()
    for (const askId of [...this.pending.keys()]) {
      const ask = this.settle(askId)
      ask?.reject(this.stoppedError(ask.endpoint, reason))
    }
  }

  private settle(askId: number): PendingAsk | undefined {
    const ask = this.pending.get(askId)
    if (ask === undefined) return undefined
    this.pending.delete(askId)
    this.options.run(Fiber.interrupt(ask.timer))
    return ask
  }

  private stoppedError(endpoint: string, reason: string): RpcError {
    return new RpcError({
      endpoint,
      reason: "ExecutorStopped",
      message: `the ask to the driver endpoint "${endpoint}" ended without a reply: ${reason} (executor ${this.options.executorId})`
    })
  }

  private warn(message: string): void {
    this.options.run(Effect.logWarning(message))
  }
}
