/**
 * An executor process: connects to the driver over TCP, registers, sends
 * heartbeats and runs the tasks it is sent. Exits when the driver closes the
 * connection. Started by `tspark executor --driver HOST:PORT` (by hand for
 * the master `tcp://HOST:PORT`, or by the driver for `local-process[N,C,M]`).
 *
 * Mirrors `org.apache.spark.executor.CoarseGrainedExecutorBackend`.
 *
 * @since 0.1.0
 */
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import * as tls from "node:tls"
import { ExecutorHandshake, type ExecutorStep } from "../internal/executor/auth.js"
import { blocksThatFit, encodeFrame, FrameReader } from "../internal/executor/framing.js"
import type { AuthResponse, FromExecutor, ToExecutor } from "../internal/executor/protocol.js"
import * as SecurityManager from "../SecurityManager.js"
import * as Logging from "../util/Logging.js"
import { Executor } from "./Executor.js"

/**
 * What an executor process is told on its command line.
 *
 * Mirrors the arguments of `org.apache.spark.executor.CoarseGrainedExecutorBackend`.
 *
 * **Example**
 * ```ts
 * const options: ExecutorProcessOptions = { driverHost: "127.0.0.1", driverPort: 7077, executorId: "exec-1", cores: 2, memoryBytes: 512 << 20 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorProcessOptions {
  readonly driverHost: string
  readonly driverPort: number
  readonly executorId: string
  readonly cores: number
  readonly memoryBytes: number
  /** The block store's directory (default: a new one under the system's temporary directory). */
  readonly localDir?: string
  readonly heartbeatIntervalMs?: number
  /**
   * The shared secret (`spark.authenticate.secret` of the driver). With it the
   * executor authenticates and requires the driver to prove it knows the
   * secret too; without it, it joins only a driver that does not authenticate.
   */
  readonly secret?: string
  /**
   * Connect over TLS, verifying the driver's certificate (and its host name)
   * against this PEM certificate or CA bundle (the driver's `spark.ssl.caFile`).
   */
  readonly tlsCa?: string
}

/**
 * Runs this process as an executor of the driver at `driverHost:driverPort`:
 * answers the driver's authentication challenge (with `secret`), then
 * registers, heartbeats and runs tasks. The process exits when the connection
 * ends: with code 0 after a stop, 1 when the handshake failed (the reason is
 * printed).
 *
 * Mirrors `org.apache.spark.executor.CoarseGrainedExecutorBackend.main`.
 *
 * **Example**
 * ```ts
 * CoarseGrainedExecutorBackend.run({ driverHost: "127.0.0.1", driverPort: 7077, executorId: "exec-1", cores: 2, memoryBytes: 512 << 20 })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const run = (options: ExecutorProcessOptions): void => {
  const socket = options.tlsCa === undefined
    ? net.connect({ host: options.driverHost, port: options.driverPort })
    : tls.connect({ host: options.driverHost, port: options.driverPort, ca: options.tlsCa })
  socket.setNoDelay(true)
  const name = `executor ${options.executorId}`
  // Until the handshake ends, frames are bounded by the small pre-authentication limit.
  let maxMessageBytes = SecurityManager.preAuthMaxFrameBytes
  const send = (message: FromExecutor | AuthResponse) => {
    if (socket.destroyed) return
    const frame = encodeFrame(message)
    if (frame.length - 4 <= maxMessageBytes) {
      socket.write(frame)
    } else if (message._tag === "StatusUpdate") {
      // The driver would drop the connection for it: the task fails instead, and the executor lives on.
      const text = `the result of task ${message.taskId} is ${frame.length - 4} bytes, over spark.rpc.message.maxSize ` +
        `(${maxMessageBytes} bytes): return less (aggregate on the executors) or raise spark.rpc.message.maxSize`
      Logging.logUnsafe("Warn", `${name}: ${text}`)
      send({ ...message, result: { _tag: "ExceptionFailure", error: text, message: text } })
    } else if (message._tag === "FetchReply" && message.blocks.length > 0) {
      // Blocks left out count as missing for the fetching task, which recomputes them.
      const blocks = blocksThatFit(message.blocks, maxMessageBytes)
      Logging.logUnsafe(
        "Warn",
        `${name}: ${message.blocks.length - blocks.length} fetched blocks are left out of a reply over spark.rpc.message.maxSize`
      )
      send({ ...message, blocks: blocks.length < message.blocks.length ? blocks : [] })
    } else {
      Logging.logUnsafe(
        "Error",
        `${name}: a ${message._tag} message of ${frame.length - 4} bytes is over spark.rpc.message.maxSize; not sent`
      )
    }
  }
  const executor = new Executor(
    {
      executorId: options.executorId,
      host: os.hostname(),
      cores: options.cores,
      maxMemory: options.memoryBytes,
      localDir: options.localDir ?? path.join(os.tmpdir(), `tspark-executor-${options.executorId}-${process.pid}`),
      conf: [],
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000
    },
    send
  )
  const handshake = new ExecutorHandshake(options.secret)
  let state: "challenge" | "verdict" | "running" = "challenge"
  let heartbeat: ReturnType<typeof setInterval> | undefined
  const shutdown = (code: number) => {
    if (heartbeat !== undefined) clearInterval(heartbeat)
    executor.stop()
    process.exit(code)
  }
  const fail = (reason: string) => {
    Logging.logUnsafe("Error", `${name}: ${reason}`)
    socket.destroy()
    shutdown(1)
  }
  const step = (result: ExecutorStep) => {
    if (result._tag === "Fail") return fail(result.reason)
    if (result._tag === "Respond") {
      state = "verdict"
      return send(result.reply)
    }
    state = "running"
    maxMessageBytes = result.maxMessageBytes
    reader.maxFrameBytes = result.maxMessageBytes
    executor.start()
    heartbeat = setInterval(() => send({ _tag: "Heartbeat" }), options.heartbeatIntervalMs ?? 1000)
  }
  const reader = new FrameReader(SecurityManager.preAuthMaxFrameBytes)
  socket.on("data", (chunk) => {
    reader.push(chunk)
    for (let frame = reader.next(); frame._tag !== "Incomplete" && !socket.destroyed; frame = reader.next()) {
      if (frame._tag === "TooLarge") return fail(`the driver sent a frame of ${frame.size} bytes, over the limit of ${frame.max}`)
      if (frame._tag === "Malformed") return fail(`the driver sent a malformed frame (${frame.reason})`)
      if (state === "challenge") step(handshake.onChallenge(frame.message))
      else if (state === "verdict") step(handshake.onVerdict(frame.message))
      else {
        const message = frame.message as ToExecutor
        executor.handle(message)
        if (message._tag === "Stop") socket.end()
      }
    }
  })
  socket.on("close", () => shutdown(state === "running" ? 0 : 1))
  socket.on("error", (error) => fail(`connection to the driver failed: ${error.message}`))
}
