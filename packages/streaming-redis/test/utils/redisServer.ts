/**
 * A redis-server of the test's own, through the workspace's testkit: the
 * installed binary (a missing one fails the test, naming the package to
 * install; never a skip) on a free port with a temporary directory, closed
 * and removed when the scope closes (also on failure). `crash` kills it
 * (SIGKILL) and `restart` starts it again on the same port and directory, as
 * a server that went down and came back; with `appendonly` it keeps its data
 * across that. A client of the test's own sends commands and XADDs.
 */
import { createClient } from "@redis/client"
import { findBinary, startServer, waitUntil } from "@tspark/testkit"
import { Effect, type Scope } from "effect"

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Kills the server (SIGKILL) and waits until it is gone. */
  readonly crash: Effect.Effect<void>
  /** Starts it again on the same port and directory. */
  readonly restart: Effect.Effect<void, Error>
  /** Runs a command on the test's connection. */
  readonly command: <A = unknown>(...args: Array<string>) => Effect.Effect<A, Error>
  /** XADDs `entries` (field lists) to `stream`, pipelined; returns their ids. */
  readonly add: (stream: string, entries: ReadonlyArray<Record<string, string>>) => Effect.Effect<Array<string>, Error>
}

const redisBinary = () =>
  findBinary({ name: "redis-server", debianPackage: "redis-server", neededBy: "@tspark/streaming-redis tests", envVar: "REDIS_SERVER" })

export const makeRedisServer = (options: { readonly appendonly?: boolean } = {}): Effect.Effect<RedisServer, Error, Scope.Scope> =>
  Effect.gen(function*() {
    const binary = yield* Effect.try({ try: redisBinary, catch: (e) => e as Error })
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          startServer({
            name: "redis-server",
            binary,
            // appendfsync always: an entry acknowledged before a crash is in the append-only file.
            args: (port, dir) => [
              "--port",
              String(port),
              "--bind",
              "127.0.0.1",
              "--dir",
              dir,
              "--save",
              "",
              "--appendonly",
              options.appendonly === true ? "yes" : "no",
              "--appendfsync",
              "always"
            ],
            readyText: "Ready to accept connections"
          }),
        catch: (e) => e as Error
      }),
      (s) => Effect.promise(() => s.close())
    )
    const url = `redis://127.0.0.1:${server.port}`
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
    return {
      port: server.port,
      url,
      crash: Effect.promise(() => server.kill()),
      restart: Effect.tryPromise({
        try: async () => {
          await server.start()
          // The test's own client reconnects by itself (every 50 ms).
          await waitUntil(() => client.isReady, "the test's Redis client to reconnect")
        },
        catch: (e) => e as Error
      }),
      command: <A>(...args: Array<string>) => Effect.tryPromise({ try: () => client.sendCommand<A>(args), catch: (e) => e as Error }),
      add: (stream, entries) =>
        Effect.tryPromise({
          try: () =>
            Promise.all(entries.map((fields) => client.sendCommand<string>(["XADD", stream, "*", ...Object.entries(fields).flat()]))),
          catch: (e) => e as Error
        })
    }
  })
