/**
 * A redis-server of the test's own: started from the installed binary on a
 * free port with a temporary directory, stopped and removed when the scope
 * closes (also on failure). `crash` kills it (SIGKILL) and `restart` starts
 * it again on the same port and directory, as a server that went down and
 * came back; with `appendonly` it keeps its data across that.
 */
import { describe } from "@effect/vitest"
import { createClient } from "@redis/client"
import { Effect, type Scope } from "effect"
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

export const REDIS_SERVER = process.env["REDIS_SERVER"] ?? "redis-server"

/** Whether the binary runs. */
export const redisAvailable = (): boolean => spawnSync(REDIS_SERVER, ["--version"]).status === 0

/**
 * `describe` for tests that need a redis-server: without the binary they are skipped with a loud
 * warning, except under CI, where they run and fail saying what to install.
 */
export const describeRedis: typeof describe = (() => {
  if (redisAvailable()) return describe
  const message = `${REDIS_SERVER} is not installed (apt-get install redis-server): the Redis Streams tests cannot run`
  if (process.env["CI"] === "true") return describe
  console.warn(`WARNING: ${message}; they are skipped`)
  return describe.skip
})() as typeof describe

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo
      server.close(() => resolve(address.port))
    })
  })

const start = (port: number, dir: string, appendonly: boolean): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(REDIS_SERVER, [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      appendonly ? "yes" : "no",
      "--appendfsync",
      "always"
    ], { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`redis-server did not become ready within 10 s:\n${output}`))
    }, 10_000)
    child.stdout!.on("data", (data: Buffer) => {
      output += data.toString()
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.stderr!.on("data", (data: Buffer) => (output += data.toString()))
    child.once("error", (error) => {
      clearTimeout(timer)
      reject(new Error(`cannot start ${REDIS_SERVER} (${error.message}): install it with apt-get install redis-server`))
    })
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`))
    })
  })

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGKILL")
  })

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Kills the server (SIGKILL) and waits until it is gone. */
  readonly crash: Effect.Effect<void>
  /** Starts it again on the same port and directory. */
  readonly restart: Effect.Effect<void, Error>
  /** Runs a command on a short-lived connection. */
  readonly command: <A = unknown>(...args: Array<string>) => Effect.Effect<A, Error>
  /** XADDs `entries` (field lists) to `stream`, pipelined; returns their ids. */
  readonly add: (stream: string, entries: ReadonlyArray<Record<string, string>>) => Effect.Effect<Array<string>, Error>
}

export const makeRedisServer = (options: { readonly appendonly?: boolean } = {}): Effect.Effect<RedisServer, Error, Scope.Scope> =>
  Effect.gen(function*() {
    const dir = yield* Effect.acquireRelease(
      Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "tspark-redis-test-"))),
      (d) => Effect.sync(() => fs.rmSync(d, { recursive: true, force: true }))
    )
    const port = yield* Effect.promise(freePort)
    const current: { child: ChildProcess | undefined } = { child: undefined }
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => void (current.child = await start(port, dir, options.appendonly === true)),
        catch: (e) => e as Error
      }),
      () => Effect.promise(() => current.child === undefined ? Promise.resolve() : stop(current.child))
    )
    const url = `redis://127.0.0.1:${port}`
    const client = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => {
          const c = createClient({ url, RESP: 2, socket: { reconnectStrategy: 50 } })
          c.on("error", () => undefined)
          return c.connect()
        },
        catch: (e) => e as Error
      }),
      (c) => Effect.sync(() => c.destroy())
    )
    const command = <A>(...args: Array<string>) => Effect.tryPromise({ try: () => client.sendCommand<A>(args), catch: (e) => e as Error })
    return {
      port,
      url,
      crash: Effect.promise(() => current.child === undefined ? Promise.resolve() : stop(current.child)),
      restart: Effect.tryPromise({
        try: async () => {
          current.child = await start(port, dir, options.appendonly === true)
          // The test's own client reconnects by itself (every 50 ms); wait until it has.
          for (let i = 0; i < 200 && !client.isReady; i++) await new Promise((r) => setTimeout(r, 25))
        },
        catch: (e) => e as Error
      }),
      command,
      add: (stream, entries) =>
        Effect.tryPromise({
          try: () =>
            Promise.all(entries.map((fields) => client.sendCommand<string>(["XADD", stream, "*", ...Object.entries(fields).flat()]))),
          catch: (e) => e as Error
        })
    }
  })
