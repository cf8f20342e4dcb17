/**
 * The server kit against a real process: the installed redis-server on a free
 * port (ready by its log line and, without one, by TCP), stopped and started
 * again on the same port, killed, and its directory removed by close; a
 * missing binary fails loudly naming the package to install.
 */
import * as fs from "node:fs"
import * as net from "node:net"
import { afterEach, assert, describe, expect, it } from "vitest"
import { findBinary, type ServerProcess, startServer, waitUntil } from "../src/index.js"

const redis = () => findBinary({ name: "redis-server", debianPackage: "redis-server", neededBy: "testkit tests" })

const ping = (port: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write("PING\r\n"))
    socket.once("data", (data) => {
      socket.destroy()
      resolve(data.toString("utf8").trim())
    })
    socket.once("error", reject)
  })

const started: Array<ServerProcess> = []
afterEach(async () => {
  for (const server of started.splice(0)) await server.close()
})

describe("startServer", () => {
  for (const readyText of ["Ready to accept connections", undefined]) {
    it(`starts a server on a free port, ready ${readyText === undefined ? "when it accepts TCP" : "by its log"}; restarts and closes it`, async () => {
      const server = await startServer({
        name: "redis-server",
        binary: redis(),
        args: (port, dir) => ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
        ...(readyText === undefined ? {} : { readyText })
      })
      started.push(server)
      assert.strictEqual(await ping(server.port), "+PONG")
      await server.stop()
      await expect(ping(server.port)).rejects.toThrow()
      await server.start()
      assert.strictEqual(await ping(server.port), "+PONG")
      await server.kill()
      await expect(ping(server.port)).rejects.toThrow()
      await server.start()
      assert.include(server.log(), "Ready to accept connections")
      await server.close()
      assert.isFalse(fs.existsSync(server.directory))
    })
  }

  it("a server that exits at once fails the start with its output", async () => {
    const error = await startServer({ name: "redis-server", binary: redis(), args: () => ["--no-such-option", "x"] }).then(
      () => undefined,
      (e: unknown) => e as Error
    )
    assert.include(error?.message ?? "", "redis-server exited")
  })
})

describe("findBinary", () => {
  it("names the Debian package to install when the binary is missing", () => {
    assert.throws(
      () => findBinary({ name: "no-such-server-binary", debianPackage: "no-such-package", neededBy: "Example tests" }),
      /Example tests: no-such-server-binary was not found .* apt-get install no-such-package/
    )
  })
})

describe("waitUntil", () => {
  it("resolves once the condition holds and names what it waited for on time-out", async () => {
    let n = 0
    await waitUntil(() => ++n >= 3, "three polls")
    assert.strictEqual(n, 3)
    await expect(waitUntil(() => false, "a condition that never holds", 50)).rejects.toThrow(/waiting for a condition that never holds/)
  })
})
