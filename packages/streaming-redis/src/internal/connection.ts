// Connections to Redis (node-redis' @redis/client) for the driver and the executors' readers:
// commands fail at once while the connection is down (no offline queue that would hold a batch
// forever), the client reconnects with a bounded exponential backoff and then gives up, and a
// command that failed for want of a connection is retried with backoff before its error is
// reported. Waits here are real time: they wait for the network.
import { createClient, ErrorReply } from "@redis/client"

export interface ConnectionSettings {
  readonly url: string
  readonly connectTimeoutMs: number
  /** How many times a connection or a command is retried after a connection failure. */
  readonly retries: number
  /** The first retry's delay in ms; each further retry doubles it (up to 2 s). */
  readonly retryBackoffMs: number
}

export const backoff = (settings: ConnectionSettings, attempt: number): number => Math.min(settings.retryBackoffMs * 2 ** attempt, 2_000)

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const makeClient = (settings: ConnectionSettings) =>
  createClient({
    url: settings.url,
    RESP: 2, // raw replies as flat arrays, as the scripts and readers parse them
    disableOfflineQueue: true,
    socket: {
      connectTimeout: settings.connectTimeoutMs,
      reconnectStrategy: (retries, cause) => retries >= settings.retries ? cause : backoff(settings, retries)
    }
  })

export type RedisConnection = ReturnType<typeof makeClient>

/** A connected client; rejects once `retries` connection attempts have failed. */
export const connect = async (settings: ConnectionSettings): Promise<RedisConnection> => {
  const client = makeClient(settings)
  // Without a listener node-redis' errors would crash the process; they surface through the commands.
  client.on("error", () => undefined)
  try {
    await client.connect()
  } catch (error) {
    client.destroy()
    throw error
  }
  return client
}

/**
 * An error worth retrying: a command that got no answer (as opposed to Redis' own error replies),
 * or a server still loading its data after a restart.
 */
export const isConnectionError = (error: unknown): boolean =>
  error instanceof ErrorReply
    ? error.message.startsWith("LOADING")
    : !(typeof error === "object" && error !== null && "_tag" in error) // the connector's own typed errors are final

/** The text of an error for a message. */
export const describe = (error: unknown): string => error instanceof Error ? error.message : String(error)

/**
 * A client that reconnects on demand: `run(f)` calls `f` with a connected client, retrying with
 * backoff when the connection fails (the client is replaced once it has given up reconnecting).
 */
export class Connection {
  private client: Promise<RedisConnection> | undefined
  /** The connected client, once there is one (so that `close` works synchronously, as on process exit). */
  private connected: RedisConnection | undefined

  constructor(readonly settings: ConnectionSettings, private readonly unref = false) {}

  private current(): Promise<RedisConnection> {
    if (this.client === undefined) {
      const made = connect(this.settings).then((client) => {
        if (this.unref) client.unref()
        this.connected = client
        return client
      })
      this.client = made
      made.catch(() => {
        if (this.client === made) this.client = undefined
      })
    }
    return this.client
  }

  async run<A>(f: (client: RedisConnection) => Promise<A>): Promise<A> {
    for (let attempt = 0;; attempt++) {
      try {
        const client = await this.current()
        if (!client.isOpen) {
          // It gave up reconnecting: the next attempt makes a new one.
          this.client = undefined
          throw new Error(`the connection to ${this.settings.url} is closed`)
        }
        return await f(client)
      } catch (error) {
        if (!isConnectionError(error) || attempt >= this.settings.retries) throw error
        await sleep(backoff(this.settings, attempt))
      }
    }
  }

  close(): void {
    const client = this.client
    this.client = undefined
    if (this.connected?.isOpen === true) this.connected.destroy()
    this.connected = undefined
    // A connection still being made is closed once made.
    void client?.then((c) => c.isOpen && c.destroy(), () => undefined)
  }
}
