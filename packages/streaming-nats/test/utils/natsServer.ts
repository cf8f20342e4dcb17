// A private nats-server with JetStream for a test file: the installed
// binary, on 127.0.0.1 at a free port, its store (-sd) in a fresh temporary
// directory. `stop` and `start` stop it and start it again on the same port
// and store (JetStream's file store keeps the messages); `close` stops it
// and removes the directory, and so does the process's exit if a run ends
// without it. A missing binary fails loudly: these tests never skip.
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

export interface NatsServer {
  readonly port: number
  /** `127.0.0.1:<port>`. */
  readonly url: string
  /** The temporary directory holding the store and `server.log`. */
  readonly directory: string
  /** Stops the server (SIGTERM, waiting for its exit); the store stays. */
  readonly stop: () => Promise<void>
  /** Starts it again on the same port and store, once it accepts connections. */
  readonly start: () => Promise<void>
  /** Stops the server and removes its directory. */
  readonly close: () => Promise<void>
}

const isExecutable = (file: string): boolean => {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** nats-server in PATH, or where Debian's package puts it (/usr/sbin, not in every PATH). */
export const findNatsServer = (): string => {
  const dirs = [...(process.env["PATH"] ?? "").split(path.delimiter).filter((d) => d.length > 0), "/usr/sbin", "/usr/local/sbin"]
  for (const dir of dirs) {
    const file = path.join(dir, "nats-server")
    if (isExecutable(file)) return file
  }
  throw new Error(
    `NATS tests: nats-server was not found (looked in ${dirs.join(", ")}). These tests start their own server and never ` +
      "skip: install it (Debian: apt-get install nats-server)" +
      (process.env["CI"] === "true" ? " (CI=true: the NATS tests must run here)" : "")
  )
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

const logTail = (file: string): string => {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-15).join("\n")
  } catch {
    return "(no server log)"
  }
}

/** Resolves once the server's log says it is ready, rejects if it exits first or `deadlineMs` passes. */
const waitReady = (child: ChildProcess, log: string, deadlineMs: number): Promise<void> =>
  new Promise((resolve, reject) => {
    let output = ""
    const timer = setTimeout(() => finish(new Error(`nats-server did not get ready within ${deadlineMs} ms:\n${logTail(log)}`)), deadlineMs)
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      fs.appendFileSync(log, chunk)
      if (output.includes("Server is ready")) finish()
    }
    const onExit = (code: number | null) =>
      finish(new Error(`nats-server exited with ${code} before it was ready:\n${output.slice(-2000)}`))
    const finish = (error?: Error) => {
      clearTimeout(timer)
      child.stderr?.off("data", onData)
      child.off("exit", onExit)
      // Keep draining its output into the log, so that the server never blocks on a full pipe.
      child.stderr?.on("data", (chunk: Buffer) => fs.appendFileSync(log, chunk))
      if (error === undefined) resolve()
      else reject(error)
    }
    child.stderr?.on("data", onData)
    child.once("exit", onExit)
  })

/** Starts a server; see the module comment. */
export const startNatsServer = async (): Promise<NatsServer> => {
  const binary = findNatsServer()
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-nats-"))
  const store = path.join(directory, "store")
  const log = path.join(directory, "server.log")
  let child: ChildProcess | undefined
  let port = 0
  const killNow = () => {
    child?.kill("SIGKILL")
    child = undefined
    fs.rmSync(directory, { recursive: true, force: true })
  }
  process.once("exit", killNow)
  const launch = async () => {
    const started = spawn(binary, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", store], {
      stdio: ["ignore", "ignore", "pipe"]
    })
    child = started
    try {
      await waitReady(started, log, 30_000)
    } catch (error) {
      started.kill("SIGKILL")
      child = undefined
      throw error
    }
  }
  const stop = async () => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null) return
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve())
      running.kill("SIGTERM")
    })
  }
  try {
    // A port found free can be taken before the server binds it: try another then.
    for (let attempt = 1;; attempt++) {
      port = await freePort()
      try {
        await launch()
        break
      } catch (error) {
        if (attempt >= 3 || !/address already in use/i.test(String(error))) throw error
      }
    }
  } catch (error) {
    killNow()
    process.off("exit", killNow)
    throw error
  }
  return {
    port,
    url: `127.0.0.1:${port}`,
    directory,
    stop,
    start: async () => {
      if (child !== undefined) return
      await launch()
    },
    close: async () => {
      await stop()
      process.off("exit", killNow)
      fs.rmSync(directory, { recursive: true, force: true })
    }
  }
}
