// The entry point of a worker-thread executor (built as its own file, which
// the driver's worker launcher loads).
import { parentPort, workerData } from "node:worker_threads"
import { Executor } from "../../executor/Executor.js"
import { type ExecutorStartInfo, type FromExecutor, type ToExecutor, transferList } from "./protocol.js"

const info = workerData as ExecutorStartInfo
const port = parentPort!
const executor = new Executor(info, (message: FromExecutor) => port.postMessage(message, transferList(message)))
port.on("message", (message: ToExecutor) => {
  executor.handle(message)
  if (message._tag === "Stop") port.close()
})
const heartbeat = setInterval(() => port.postMessage({ _tag: "Heartbeat" } satisfies FromExecutor), info.heartbeatIntervalMs)
heartbeat.unref()
executor.start()
