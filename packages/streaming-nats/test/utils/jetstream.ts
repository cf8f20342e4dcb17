// The tests' own client of the server: creates streams, publishes known
// messages (each acknowledged by JetStream, so that it is stored before the
// test goes on), deletes and purges.
import { jetstream, type JetStreamClient, jetstreamManager, type JetStreamManager, StorageType } from "@nats-io/jetstream"
import { Kvm } from "@nats-io/kv"
import { connect, type NatsConnection } from "@nats-io/transport-node"

export interface TestClient {
  readonly nc: NatsConnection
  readonly jsm: JetStreamManager
  readonly js: JetStreamClient
  /** Creates file-stored streams, each taking the subjects `<name>.>`. */
  readonly createStreams: (names: ReadonlyArray<string>) => Promise<void>
  /** Publishes `payloads` to `<stream>.data`, in order, each acknowledged; returns their sequences. */
  readonly publish: (stream: string, payloads: ReadonlyArray<string>) => Promise<Array<number>>
  /** The value committed under `key` in `bucket`, as a number (undefined when none). */
  readonly committed: (bucket: string, key: string) => Promise<number | undefined>
  /** Waits (bounded) until JetStream answers for `stream` again: after a server restart, the client reconnects first. */
  readonly awaitStream: (stream: string, deadlineMs?: number) => Promise<void>
  readonly close: () => Promise<void>
}

export const testClient = async (servers: string): Promise<TestClient> => {
  const nc = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 100, timeout: 2000 })
  const jsm = await jetstreamManager(nc)
  const js = jetstream(nc)
  return {
    nc,
    jsm,
    js,
    createStreams: async (names) => {
      for (const name of names) await jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.File })
    },
    publish: async (stream, payloads) => {
      const acks = payloads.map((payload) => js.publish(`${stream}.data`, payload))
      return (await Promise.all(acks)).map((ack) => ack.seq)
    },
    committed: async (bucket, key) => {
      const kv = await new Kvm(js).open(bucket)
      const entry = await kv.get(key)
      return entry === null ? undefined : Number(entry.string())
    },
    awaitStream: async (stream, deadlineMs = 20_000) => {
      const deadline = Date.now() + deadlineMs
      for (;;) {
        try {
          await jsm.streams.info(stream)
          return
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`JetStream did not answer for ${stream} within ${deadlineMs} ms`, { cause: error })
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
    },
    close: () => nc.close()
  }
}
