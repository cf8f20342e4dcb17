// A private server for a test file: an installed binary started on 127.0.0.1
// at a free port, with a temporary directory of its own (configuration, data,
// log). `stop` and `start` restart it on the same port and directory (a
// broker restart mid-stream); `close` stops it and removes the directory, and
// so does the process's exit if a run ends without it. Readiness is either a
// line of its output or an accepted TCP connection, within a bounded time on
// the real clock (servers are real processes).
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

/** How to start one kind of server. */
export interface ServerSpec {
  /** For messages: `nats-server`, `mosquitto`. */
  readonly name: string
  /** The binary's absolute path (see `findBinary`). */
  readonly binary: string
  /** The command-line arguments for `port`, with `directory` the server's own temporary directory. */
  readonly args: (port: number, directory: string) => ReadonlyArray<string>
  /** Writes configuration files into `directory` before the first start. */
  readonly prepare?: (port: number, directory: string) => void
  /** Ready when its output (stdout and stderr) contains this text; otherwise when it accepts a TCP connection. */
  readonly readyText?: string
  /** How long a start may take (default 30 s). */
  readonly readyTimeoutMs?: number
}

/** A running server; see the module comment. */
export interface ServerProcess {
  readonly port: number
  /** `127.0.0.1:<port>`. */
  readonly address: string
  readonly directory: string
  /** Stops it with SIGTERM and waits for its exit (it saves what it persists); the directory stays. */
  readonly stop: () => Promise<void>
  /** Kills it with SIGKILL (a crash) and waits for its exit. */
  readonly kill: () => Promise<void>
  /** Starts it again on the same port and directory, once ready. */
  readonly start: () => Promise<void>
  /** Stops it and removes its directory. */
  readonly close: () => Promise<void>
  /** The server's output so far (the log file in its directory). */
  readonly log: () => string
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

const readText = (file: string): string => {
  try {
    return fs.readFileSync(file, "utf8")
  } catch {
    return ""
  }
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()))

/** Starts `spec` on a free port (another one if the port was taken meanwhile), once ready. */
export const startServer = async (spec: ServerSpec): Promise<ServerProcess> => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), `tspark-${spec.name.replace(/[^a-z0-9]+/gi, "-")}-`))
  const logFile = path.join(directory, "server.log")
  const timeoutMs = spec.readyTimeoutMs ?? 30_000
  let child: ChildProcess | undefined
  let port = 0
  const removeNow = () => {
    child?.kill("SIGKILL")
    fs.rmSync(directory, { recursive: true, force: true })
  }
  process.once("exit", removeNow)

  const launch = async (): Promise<void> => {
    // Readiness is read from this start's output only (a restart appends to the same log).
    const logStart = readText(logFile).length
    const logFd = fs.openSync(logFile, "a")
    const started = spawn(spec.binary, [...spec.args(port, directory)], { stdio: ["ignore", logFd, logFd] })
    fs.closeSync(logFd)
    child = started
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) {
        child = undefined
        throw new Error(
          `${spec.name} exited (${started.exitCode ?? started.signalCode}) before it was ready:\n${readText(logFile).slice(-2000)}`
        )
      }
      const ready = spec.readyText === undefined ? await accepts(port) : readText(logFile).slice(logStart).includes(spec.readyText)
      if (ready) return
      if (Date.now() > deadline) {
        started.kill("SIGKILL")
        child = undefined
        throw new Error(`${spec.name} was not ready within ${timeoutMs} ms:\n${readText(logFile).slice(-2000)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child
    child = undefined
    if (running === undefined) return
    running.kill(signal)
    await exited(running)
  }

  try {
    for (let attempt = 1;; attempt++) {
      port = await freePort()
      spec.prepare?.(port, directory)
      try {
        await launch()
        break
      } catch (error) {
        // A port found free can be taken before the server binds it: try another.
        if (attempt >= 3 || !/address already in use|EADDRINUSE/i.test(String(error))) throw error
      }
    }
  } catch (error) {
    removeNow()
    process.off("exit", removeNow)
    throw error
  }

  return {
    port,
    address: `127.0.0.1:${port}`,
    directory,
    stop: () => halt("SIGTERM"),
    kill: () => halt("SIGKILL"),
    start: async () => {
      if (child === undefined) await launch()
    },
    close: async () => {
      await halt("SIGTERM")
      process.off("exit", removeNow)
      fs.rmSync(directory, { recursive: true, force: true })
    },
    log: () => readText(logFile)
  }
}
