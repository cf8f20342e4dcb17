/**
 * How the cluster backend gets its executors: worker threads of this
 * process, executor processes it spawns on this host (`tspark executor`,
 * which connect back over TCP), or processes started by hand that connect to
 * the address it listens on.
 *
 * Mirrors the executor launching of Spark's cluster managers (the
 * `local-cluster` workers, `StandaloneSchedulerBackend`'s executors).
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as net from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { encodeFrame, FrameReader } from "../../internal/executor/framing.js"
import type { ExecutorStartInfo, FromExecutor } from "../../internal/executor/protocol.js"
import { describeCause } from "../../SparkError.js"
import type { ClusterOptions } from "./CoarseGrainedSchedulerBackend.js"
import type { ExecutorConnection } from "./ExecutorData.js"

/**
 * How executors are started: worker threads, processes spawned on this host,
 * or processes started by hand that connect to `host:port`.
 *
 * Mirrors the master URLs Spark's `SparkContext.createTaskScheduler` tells apart.
 *
 * **Example**
 * ```ts
 * const launcher: ExecutorLauncher = { _tag: "Listen", host: "0.0.0.0", port: 7077 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ExecutorLauncher =
  | { readonly _tag: "WorkerThreads" }
  | { readonly _tag: "Processes" }
  | { readonly _tag: "Listen"; readonly host: string; readonly port: number }

/**
 * Where a launched executor's messages and end go.
 *
 * Mirrors the driver side of Spark's executor RPC endpoint reference.
 *
 * **Example**
 * ```ts
 * const channel: ExecutorChannel = { onMessage: (m) => endpoint.receive(executor, m), onClosed: (r) => lose(executor, r) }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorChannel {
  readonly onMessage: (message: FromExecutor) => void
  readonly onClosed: (reason: string) => void
}

/**
 * What the launchers need of the backend.
 *
 * Mirrors `org.apache.spark.scheduler.cluster.StandaloneSchedulerBackend`'s view of its executors.
 *
 * **Example**
 * ```ts
 * const target: LaunchTarget = { addExecutor, processExited, processes: new Map() }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface LaunchTarget {
  /** Adds an executor on its channel (before its `Registered` message is handled). */
  readonly addExecutor: (executorId: string, connection: ExecutorConnection) => ExecutorChannel
  /** A spawned executor process exited. */
  readonly processExited: (executorId: string, reason: string) => void
  /** Spawned processes by executor id (filled here; the backend kills what is left at stop). */
  readonly processes: Map<string, ChildProcess>
}

/** Starts a worker running the worker-thread main, from sources (tests, through tsx) or from the build. */
const startWorker = (info: ExecutorStartInfo): Worker => {
  const here = import.meta.url
  if (here.endsWith(".ts")) {
    // Node 20 cannot --import tsx in workers: an eval bootstrap registers tsx, then loads the entry.
    const entry = new URL("../../internal/executor/workerMain.ts", here).href
    return new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`, {
      eval: true,
      workerData: info
    })
  }
  // Built: this code sits in a bundle at dist/'s root, beside internal/executor/workerMain.js.
  return new Worker(new URL("./internal/executor/workerMain.js", here), { workerData: info })
}

const launchWorkerThread = (executorId: string, options: ClusterOptions, target: LaunchTarget): void => {
  const worker = startWorker({
    executorId,
    host: "localhost",
    cores: options.coresPerExecutor,
    maxMemory: options.memoryPerExecutorBytes,
    localDir: path.join(options.localDir, executorId),
    conf: options.conf,
    heartbeatIntervalMs: options.heartbeatIntervalMs
  })
  const channel = target.addExecutor(executorId, {
    post: (message) => worker.postMessage(message),
    terminate: () => worker.terminate().then(() => undefined)
  })
  worker.on("message", channel.onMessage)
  worker.on("error", (error) => channel.onClosed(`executor thread failed: ${describeCause(error)}`))
  worker.on("exit", (code) => channel.onClosed(`executor thread exited with code ${code}`))
}

/** Runs the `tspark` command's executor with node (through tsx when running from sources). */
const spawnExecutorProcess = (executorId: string, port: number, options: ClusterOptions): ChildProcess => {
  const here = import.meta.url
  const fromSources = here.endsWith(".ts")
  const cli = fileURLToPath(new URL(fromSources ? "../../cli/tspark.ts" : "./cli/tspark.js", here))
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

const launchProcess = (executorId: string, port: number, options: ClusterOptions, target: LaunchTarget): void => {
  const child = spawnExecutorProcess(executorId, port, options)
  target.processes.set(executorId, child)
  child.on("exit", (code, signal) => target.processExited(executorId, `executor process exited (${signal ?? `code ${code}`})`))
}

/** Accepts executor processes over TCP; each one's first message (`Registered`) names it. */
const listen = (launcher: ExecutorLauncher, target: LaunchTarget): Effect.Effect<net.Server> => {
  const host = launcher._tag === "Listen" ? launcher.host : "127.0.0.1"
  const port = launcher._tag === "Listen" ? launcher.port : 0
  return Effect.callback<net.Server>((resume) => {
    const server = net.createServer((socket) => {
      socket.setNoDelay(true)
      const reader = new FrameReader()
      let channel: ExecutorChannel | undefined
      socket.on("data", (chunk) => {
        for (const message of reader.push(chunk) as Array<FromExecutor>) {
          if (channel === undefined) {
            if (message._tag !== "Registered") continue
            const child = target.processes.get(message.executorId)
            channel = target.addExecutor(message.executorId, {
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
          channel.onMessage(message)
        }
      })
      socket.on("close", () => channel?.onClosed("connection to the executor closed"))
      socket.on("error", () => socket.destroy())
    })
    server.listen(port, host, () => resume(Effect.succeed(server)))
  })
}

/**
 * Starts one more executor of the kind `launch` started (a worker thread, or
 * a process that connects to the driver's `port`); `undefined` for executors
 * started by hand (`tcp://`), which the driver cannot replace.
 *
 * Mirrors Spark's standalone `Master` launching a replacement executor for an application.
 *
 * **Example**
 * ```ts
 * const relaunch = yield* ExecutorLaunchers.launch(options, target)
 * relaunch?.("exec-2")
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Relaunch = (executorId: string) => void

/**
 * Starts the executors `options` describe; a TCP server (processes) lives
 * until the scope closes. Returns how to start a replacement executor.
 *
 * Mirrors `org.apache.spark.deploy.LocalSparkCluster` starting workers.
 *
 * **Example**
 * ```ts
 * yield* ExecutorLaunchers.launch(options, target)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const launch = (
  options: ClusterOptions,
  target: LaunchTarget
): Effect.Effect<Relaunch | undefined, never, Scope.Scope> =>
  Effect.gen(function*() {
    if (options.launcher._tag === "WorkerThreads") {
      for (let i = 0; i < options.executors; i++) launchWorkerThread(`exec-${i}`, options, target)
      return (executorId: string) => launchWorkerThread(executorId, options, target)
    }
    const server = yield* listen(options.launcher, target)
    yield* Effect.addFinalizer(() => Effect.sync(() => server.close()))
    if (options.launcher._tag !== "Processes") return undefined
    const port = (server.address() as net.AddressInfo).port
    for (let i = 0; i < options.executors; i++) launchProcess(`exec-${i}`, port, options, target)
    return (executorId: string) => launchProcess(executorId, port, options, target)
  })
