// Connections to NATS: their options as plain data (shipped to executors
// with the reader), the cache of one connection per executor (kept on
// globalThis, so that every copy of this module in a process, the ESM and
// CJS builds, or the sources under test, shares it), the wording of client
// errors, and the retries around a request.
import {
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  jetstreamManager,
  type JetStreamManager
} from "@nats-io/jetstream"
import { connect, type NatsConnection } from "@nats-io/transport-node"

/** How to reach the servers: plain data, the key of the connection cache. */
export interface ConnectionEnv {
  readonly servers: ReadonlyArray<string>
  readonly requestTimeoutMs: number
  readonly attempts: number
  readonly retryBackoffMs: number
  readonly reconnectTimeWaitMs: number
  readonly user?: string
  readonly pass?: string
  readonly token?: string
}

export interface Connected {
  readonly nc: NatsConnection
  readonly jsm: JetStreamManager
  readonly js: JetStreamClient
}

/** Opens a connection that reconnects for ever, with JetStream handles using the request timeout. */
export const open = async (env: ConnectionEnv, name: string): Promise<Connected> => {
  const nc = await connect({
    servers: [...env.servers],
    name,
    timeout: env.requestTimeoutMs,
    maxReconnectAttempts: -1,
    reconnectTimeWait: env.reconnectTimeWaitMs,
    ...(env.user === undefined ? {} : { user: env.user }),
    ...(env.pass === undefined ? {} : { pass: env.pass }),
    ...(env.token === undefined ? {} : { token: env.token })
  })
  try {
    // checkAPI: false, so that opening does not need the server to answer a JetStream request now.
    const jsm = await jetstreamManager(nc, { timeout: env.requestTimeoutMs, checkAPI: false })
    return { nc, jsm, js: jetstream(nc, { timeout: env.requestTimeoutMs }) }
  } catch (error) {
    await nc.close().catch(() => undefined)
    throw error
  }
}

const REGISTRY = Symbol.for("@tspark/streaming-nats/connections")

/** The executor's connections, by their environment (one per set of servers and credentials). */
const registry = (): Map<string, Promise<Connected>> => {
  const holder = globalThis as { [REGISTRY]?: Map<string, Promise<Connected>> }
  return holder[REGISTRY] ??= new Map()
}

export const cacheKey = (env: ConnectionEnv): string =>
  JSON.stringify([env.servers, env.user ?? null, env.pass ?? null, env.token ?? null, env.requestTimeoutMs, env.reconnectTimeWaitMs])

/** The executor's connection for `env`, opened on first use and kept; dropped from the cache once closed. */
export const cached = (env: ConnectionEnv): Promise<Connected> => {
  const connections = registry()
  const key = cacheKey(env)
  let connection = connections.get(key)
  if (connection === undefined) {
    const opening = open(env, "tspark-nats-reader")
    connection = opening
    connections.set(key, opening)
    opening.then(
      ({ nc }) => void nc.closed().then(() => connections.get(key) === opening && connections.delete(key)),
      () => connections.get(key) === opening && connections.delete(key)
    )
  }
  return connection
}

/** Closes the cached connections (those of `env` only, when given). */
export const closeCached = async (env?: ConnectionEnv): Promise<void> => {
  const connections = registry()
  const keys = env === undefined ? [...connections.keys()] : [cacheKey(env)]
  await Promise.all(keys.map(async (key) => {
    const connection = connections.get(key)
    connections.delete(key)
    if (connection === undefined) return
    const opened = await connection.catch(() => undefined)
    await opened?.nc.close().catch(() => undefined)
  }))
}

/** How many connections are cached now (for tests: one per executor and environment). */
export const cachedCount = (): number => registry().size

interface ErrorShape {
  readonly name?: unknown
  readonly message?: unknown
}

/** Whether `error` is JetStream's answer that a stream does not exist. */
export const isStreamNotFound = (error: unknown): boolean =>
  error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound

/** What went wrong with a request to `servers`, worded for a user. */
export const describe = (error: unknown, servers: ReadonlyArray<string>): string => {
  const shape = (typeof error === "object" && error !== null ? error : {}) as ErrorShape
  const name = typeof shape.name === "string" ? shape.name : ""
  const message = typeof shape.message === "string" ? shape.message : String(error)
  const where = servers.join(", ")
  if (name === "TimeoutError") return `NATS at ${where} did not answer in time (${message}); is the server up?`
  if (name === "NoRespondersError") return `no JetStream at ${where} answered (${message}); start nats-server with -js`
  if (name === "ConnectionError" || /ECONNREFUSED|CONNECTION_REFUSED/i.test(message)) {
    return `NATS at ${where} refused the connection (${message}); is the server up?`
  }
  if (name === "ClosedConnectionError") return `the connection to NATS at ${where} was closed (${message})`
  return `NATS at ${where}: ${message}`
}

/** Waits `ms` of real time: a pause between tries waits for a server, not for the stream's batch clock. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The pause before try `attempt + 1` (doubling from `retryBackoffMs`). */
export const backoff = (env: ConnectionEnv, attempt: number): number => env.retryBackoffMs * 2 ** (attempt - 1)
