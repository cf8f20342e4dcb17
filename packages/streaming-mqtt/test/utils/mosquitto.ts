// A mosquitto broker of the test's own: the installed binary on a free
// loopback port, with a temporary directory for its configuration,
// persistence and log, stopped and removed by `close` (also after a failure).
// `stop` and `start` restart it on the same port with the same persistence
// (a broker restart mid-stream). Waits are bounded polls on the real clock.
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import * as path from "node:path"

const CANDIDATES = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/local/bin/mosquitto"]

/** The mosquitto binary, or `undefined` when it is not installed. */
export const mosquittoBinary = (): string | undefined => process.env["MOSQUITTO"] ?? CANDIDATES.find((candidate) => existsSync(candidate))

/** Why the broker tests cannot run, said loudly; under CI the tests fail with it instead of being skipped. */
export const MISSING_MOSQUITTO = "mosquitto is not installed (looked in " + CANDIDATES.join(", ") +
  "): install it with `apt-get install mosquitto` (.ci/run does) to run the MQTT broker tests"

export interface Mosquitto {
  readonly port: number
  readonly url: string
  readonly dir: string
  /** Stops the broker (SIGTERM: it saves its persistence and exits). */
  readonly stop: () => Promise<void>
  /** Starts it again on the same port with the same persistence. */
  readonly start: () => Promise<void>
  /** Stops it and removes its directory. */
  readonly close: () => Promise<void>
  readonly log: () => string
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

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Starts a broker; `extraConfig` lines are appended to its configuration.
 * `persistence: false` keeps sessions in memory only (lost when it stops).
 */
export const startMosquitto = async (
  options: { readonly extraConfig?: ReadonlyArray<string>; readonly persistence?: boolean } = {}
): Promise<Mosquitto> => {
  const binary = mosquittoBinary()
  if (binary === undefined) throw new Error(MISSING_MOSQUITTO)
  const dir = mkdtempSync(path.join(tmpdir(), "tspark-mosquitto-"))
  const port = await freePort()
  const config = path.join(dir, "mosquitto.conf")
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      ...(options.persistence === false ? ["persistence false"] : [
        "persistence true",
        `persistence_location ${dir}/`,
        "persistence_file mosquitto.db"
      ]),
      // Keep every queued message of a persistent session (the default drops those past 1000).
      "max_queued_messages 0",
      "max_inflight_messages 0",
      `log_dest file ${path.join(dir, "mosquitto.log")}`,
      "log_type error",
      "log_type warning",
      "log_type notice",
      "log_type information",
      "log_type subscribe",
      // Run as root, mosquitto would switch to its own user, who cannot write this directory.
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      ...(options.extraConfig ?? [])
    ].join("\n") + "\n"
  )
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()

  const start = async () => {
    const proc = spawn(binary, ["-c", config], { stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    proc.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString()))
    child = proc
    exited = new Promise((resolve) => proc.once("exit", () => resolve()))
    const deadline = Date.now() + 10_000
    while (!(await canConnect(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill("SIGKILL")
        throw new Error(`mosquitto did not start on port ${port}: ${stderr}\n${readLog(dir)}`)
      }
      await delay(20)
    }
  }

  const stop = async () => {
    const proc = child
    child = undefined
    if (proc === undefined || proc.exitCode !== null) return
    proc.kill("SIGTERM")
    const killed = setTimeout(() => proc.kill("SIGKILL"), 10_000)
    await exited
    clearTimeout(killed)
  }

  await start()
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    stop,
    start,
    close: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
    log: () => readLog(dir)
  }
}

const readLog = (dir: string): string => {
  try {
    return readFileSync(path.join(dir, "mosquitto.log"), "utf8")
  } catch {
    return ""
  }
}
