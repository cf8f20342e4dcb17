// A private nats-server with JetStream for a test file, from the testkit: the
// installed binary (a missing one fails loudly, naming the Debian package) on
// 127.0.0.1 at a free port, its store (-sd) in the server's temporary
// directory. `stop` and `start` restart it on the same port and store
// (JetStream's file store keeps the messages); `close` removes it all.
import { findBinary, type ServerProcess, startServer } from "@tspark/testkit"
import * as path from "node:path"
import { afterAll, beforeAll } from "vitest"
import { NatsRangeReader } from "../../src/index.js"
import { type TestClient, testClient } from "./jetstream.js"

export type NatsServer = ServerProcess

export const startNatsServer = (): Promise<NatsServer> =>
  startServer({
    name: "nats-server",
    binary: findBinary({ name: "nats-server", debianPackage: "nats-server", neededBy: "NATS tests", envVar: "NATS_SERVER" }),
    args: (port, directory) => ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", path.join(directory, "store")],
    readyText: "Server is ready"
  })

/**
 * A server and a JetStream client for the test file that calls it at its top
 * level: started before the file's tests, closed after them (with the range
 * readers this process keeps).
 */
export const natsServerForFile = (): { readonly server: NatsServer; readonly client: TestClient } => {
  const state: { server?: NatsServer; client?: TestClient } = {}
  beforeAll(async () => {
    state.server = await startNatsServer()
    state.client = await testClient(state.server.address)
  })
  afterAll(async () => {
    await NatsRangeReader.closeReaders()
    await state.client?.close()
    await state.server?.close()
  })
  return {
    get server() {
      return state.server!
    },
    get client() {
      return state.client!
    }
  }
}
