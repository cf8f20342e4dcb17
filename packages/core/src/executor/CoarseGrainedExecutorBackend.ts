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
import { encodeFrame, FrameReader } from "../internal/executor/framing.js"
import type { FromExecutor, ToExecutor } from "../internal/executor/protocol.js"
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
}

/**
 * Runs this process as an executor of the driver at `driverHost:driverPort`;
 * the process exits when the connection ends.
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
  const socket = net.connect({ host: options.driverHost, port: options.driverPort })
  socket.setNoDelay(true)
  const send = (message: FromExecutor) => {
    if (!socket.destroyed) socket.write(encodeFrame(message))
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
  const reader = new FrameReader()
  socket.on("connect", () => executor.start())
  socket.on("data", (chunk) => {
    for (const message of reader.push(chunk) as Array<ToExecutor>) {
      executor.handle(message)
      if (message._tag === "Stop") socket.end()
    }
  })
  const heartbeat = setInterval(() => send({ _tag: "Heartbeat" }), options.heartbeatIntervalMs ?? 1000)
  const shutdown = (code: number) => {
    clearInterval(heartbeat)
    executor.stop()
    process.exit(code)
  }
  socket.on("close", () => shutdown(0))
  socket.on("error", (error) => {
    console.error(`executor ${options.executorId}: connection to the driver failed: ${error.message}`)
    shutdown(1)
  })
}
