/**
 * How the cluster backend gets its executors: worker threads of this
 * process, executor processes it spawns on this host (`tspark executor`,
 * which connect back over TCP), or processes started by hand that connect to
 * the address it listens on. TCP connections authenticate first (see
 * `SecurityManager`) and their frames are bounded.
 *
 * Mirrors the executor launching of Spark's cluster managers (the
 * `local-cluster` workers, `StandaloneSchedulerBackend`'s executors).
 *
 * @since 0.1.0
 */
import { Effect, Fiber, type Scope } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as net from "node:net"
import * as path from "node:path"
import * as tls from "node:tls"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { DriverHandshake, generateSecret } from "../../internal/executor/auth.js"
import { blocksThatFit, encodeFrame, FrameReader } from "../../internal/executor/framing.js"
import { type ExecutorStartInfo, type FromExecutor, type ToExecutor, transferList } from "../../internal/executor/protocol.js"
import * as SecurityManager from "../../SecurityManager.js"
import * as Logging from "../../util/Logging.js"
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
    post: (message) => worker.postMessage(message, transferList(message)),
    terminate: () => worker.terminate().then(() => undefined)
  })
  worker.on("message", channel.onMessage)
  worker.on("error", (error) => channel.onClosed(`executor thread failed: ${describeCause(error)}`))
  worker.on("exit", (code) => channel.onClosed(`executor thread exited with code ${code}`))
}

/** Runs the `tspark` command's executor with node (through tsx when running from sources). */
const spawnExecutorProcess = (executorId: string, port: number, secret: string, options: ClusterOptions): ChildProcess => {
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
    path.join(options.localDir, executorId),
    // A path (not a secret): the certificate the executor verifies the driver with.
    ...(options.security.tls === undefined ? [] : ["--tls-ca", options.security.tls.caFile])
  ]
  // The secret goes in the environment, which (unlike argv) other users cannot read through ps.
  // The context's log settings too (spark.log.level/format as TSPARK_LOG_LEVEL/FORMAT): the executor logs as it does.
  const env = { ...process.env, ...Logging.environmentOf(options.conf), [SecurityManager.secretEnvVar]: secret }
  return spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"], env })
}

const launchProcess = (
  executorId: string,
  port: number,
  secret: string,
  options: ClusterOptions,
  target: LaunchTarget
): void => {
  const child = spawnExecutorProcess(executorId, port, secret, options)
  target.processes.set(executorId, child)
  child.on("exit", (code, signal) => target.processExited(executorId, `executor process exited (${signal ?? `code ${code}`})`))
}

/** Runs an effect (a log line, a timer) in the services of the scope the launcher started in. */
type Runner = <A, E>(effect: Effect.Effect<A, E>) => Fiber.Fiber<A, E>

/**
 * One executor connection: the authentication handshake (when the driver has
 * a secret) with frames bounded by the small pre-authentication limit, then
 * the executor's messages, its first (`Registered`) naming it, bounded by
 * `spark.rpc.message.maxSize`. A refused or oversized peer is disconnected and
 * logged; the driver goes on.
 */
const accept = (socket: net.Socket, secret: string | undefined, options: ClusterOptions, target: LaunchTarget, run: Runner) => {
  socket.setNoDelay(true)
  const security = options.security
  const remote = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`
  const handshake = new DriverHandshake(secret)
  const reader = new FrameReader(secret === undefined ? security.maxMessageBytes : SecurityManager.preAuthMaxFrameBytes)
  let authenticated = secret === undefined
  let channel: ExecutorChannel | undefined
  /** Why the driver ended the connection (refused or dropped it), once it has. */
  let ended: string | undefined
  const refuse = (reason: string) => {
    run(Effect.logWarning(`refused the executor connection from ${remote}: ${reason}`))
    ended = `refused: ${reason}`
    socket.end(encodeFrame({ _tag: "AuthRefused", reason }))
    socket.destroySoon()
  }
  const drop = (reason: string) => {
    const who = channel === undefined ? `the executor connection from ${remote}` : `executor at ${remote}`
    run(Effect.logWarning(`disconnected ${who}: ${reason}`))
    ended = reason
    socket.destroy()
  }
  socket.write(encodeFrame(handshake.challenge(security.maxMessageBytes)))
  const deadline = authenticated ? undefined : run(
    Effect.sleep(security.authTimeoutMs).pipe(Effect.andThen(Effect.sync(() => {
      if (!authenticated && !socket.destroyed) {
        refuse(`it did not authenticate within ${security.authTimeoutMs} ms (spark.tspark.authenticate.timeout)`)
      }
    })))
  )
  socket.on("data", (chunk) => {
    if (ended !== undefined) return
    reader.push(chunk)
    for (let frame = reader.next(); frame._tag !== "Incomplete"; frame = reader.next()) {
      if (frame._tag === "TooLarge") {
        const limit = authenticated ? "spark.rpc.message.maxSize" : "the limit before authentication"
        const reason = `it announced a frame of ${frame.size} bytes, over ${limit} (${frame.max} bytes)`
        return authenticated ? drop(reason) : refuse(reason)
      }
      if (frame._tag === "Malformed") {
        return authenticated ? drop(`it sent a malformed frame (${frame.reason})`) : refuse("it sent a malformed frame")
      }
      if (!authenticated) {
        const verdict = handshake.answer(frame.message)
        if (verdict._tag === "Refused") return refuse(verdict.reason)
        authenticated = true
        reader.maxFrameBytes = security.maxMessageBytes
        socket.write(encodeFrame(verdict.reply))
        continue
      }
      const message = frame.message as FromExecutor
      if (channel === undefined) {
        if (message._tag !== "Registered") continue
        channel = register(socket, message.executorId, security.maxMessageBytes, target, run)
      }
      channel.onMessage(message)
    }
  })
  socket.on("close", () => {
    if (deadline !== undefined) run(Fiber.interrupt(deadline))
    if (!authenticated && ended === undefined) {
      run(Effect.logWarning(`the executor connection from ${remote} closed before authenticating`))
    }
    channel?.onClosed(ended ?? "connection to the executor closed")
  })
  socket.on("error", () => socket.destroy())
}

/**
 * Adds a registered TCP executor; terminating it kills its process when the
 * driver spawned it. A message over `spark.rpc.message.maxSize` is not sent
 * (the executor would drop the connection): a task fails with a message that
 * says so, a fetch answer leaves out the blocks that do not fit (they are
 * recomputed), anything else is logged.
 */
const register = (
  socket: net.Socket,
  executorId: string,
  maxMessageBytes: number,
  target: LaunchTarget,
  run: Runner
): ExecutorChannel => {
  const child = target.processes.get(executorId)
  const tooLarge = (message: ToExecutor, size: number) => {
    const text = `a ${message._tag} message of ${size} bytes for executor ${executorId} is over spark.rpc.message.maxSize ` +
      `(${maxMessageBytes} bytes): broadcast large values, make tasks smaller, or raise spark.rpc.message.maxSize`
    run(Effect.logError(text))
    if (message._tag === "FetchResponse" && message.blocks.length > 0) {
      // Blocks left out count as missing for the fetching task, which recomputes them.
      const blocks = blocksThatFit(message.blocks, maxMessageBytes)
      return channelPost({ ...message, blocks: blocks.length < message.blocks.length ? blocks : [] })
    }
    if (message._tag !== "Launch") return
    const result = { _tag: "ExceptionFailure", error: text, message: text } as const
    // Later, not inside the backend's launch loop that posted it.
    setImmediate(() => channel.onMessage({ _tag: "StatusUpdate", taskId: message.task.taskId, result }))
  }
  const channelPost = (m: ToExecutor): void => {
    if (socket.destroyed) return
    const frame = encodeFrame(m)
    if (frame.length - 4 > maxMessageBytes) tooLarge(m, frame.length - 4)
    else socket.write(frame)
  }
  const channel = target.addExecutor(executorId, {
    post: channelPost,
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
  return channel
}

/** Accepts executor processes over TCP. */
const listen = (
  launcher: ExecutorLauncher,
  secret: string | undefined,
  options: ClusterOptions,
  target: LaunchTarget,
  run: Runner
): Effect.Effect<net.Server> => {
  const host = launcher._tag === "Listen" ? launcher.host : "127.0.0.1"
  const port = launcher._tag === "Listen" ? launcher.port : 0
  return Effect.callback<net.Server>((resume) => {
    const onSocket = (socket: net.Socket) => accept(socket, secret, options, target, run)
    const tlsOptions = options.security.tls
    const server = tlsOptions === undefined
      ? net.createServer(onSocket)
      : tls.createServer({ key: tlsOptions.key, cert: tlsOptions.cert }, onSocket).on("tlsClientError", (error, socket) => {
        const remote = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`
        run(Effect.logWarning(`refused the executor connection from ${remote}: its TLS handshake failed (${error.message})`))
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
    const run: Runner = Effect.runForkWith(yield* Effect.context<never>())
    // The driver's own processes get a secret made for this application (or the configured one).
    const secret = options.launcher._tag === "Processes"
      ? options.security.secret ?? generateSecret()
      : options.security.authenticate
      ? options.security.secret
      : undefined
    const server = yield* listen(options.launcher, secret, options, target, run)
    yield* Effect.addFinalizer(() => Effect.sync(() => server.close()))
    if (options.launcher._tag !== "Processes") return undefined
    const port = (server.address() as net.AddressInfo).port
    for (let i = 0; i < options.executors; i++) launchProcess(`exec-${i}`, port, secret!, options, target)
    return (executorId: string) => launchProcess(executorId, port, secret!, options, target)
  })
