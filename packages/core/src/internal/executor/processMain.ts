// An executor process: connects to the driver over TCP, registers, heartbeats
// and runs the tasks it is sent. Exits when the driver closes the connection.
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { Executor } from "./executor.js"
import { encodeFrame, FrameReader } from "./framing.js"
import type { FromExecutor, ToExecutor } from "./protocol.js"

export interface ExecutorProcessOptions {
  readonly driverHost: string
  readonly driverPort: number
  readonly executorId: string
  readonly cores: number
  readonly memoryBytes: number
  readonly localDir?: string
  readonly heartbeatIntervalMs?: number
}

export const runExecutorProcess = (options: ExecutorProcessOptions): void => {
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
