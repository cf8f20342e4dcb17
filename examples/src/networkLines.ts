/**
 * The pieces the network word counts share: command-line options, the
 * demo's loopback line server, and the words of a line stream.
 */
import type { DStream } from "@tspark/streaming"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))

/** The value after `--name` on the command line, if given. */
export const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name)
  return index >= 0 ? process.argv[index + 1] : undefined
}

/** Every `--conf KEY=VALUE` on the command line, as Spark settings. */
export const confArguments = (): Record<string, string> => {
  const conf: Record<string, string> = {}
  for (const [i, arg] of process.argv.entries()) {
    const setting = process.argv[i + 1]
    const eq = setting?.indexOf("=") ?? -1
    if (arg === "--conf" && eq > 0) conf[setting!.slice(0, eq)] = setting!.slice(eq + 1)
  }
  return conf
}

/** Serves the demo's lines (examples/data/streaming.txt), a few every 100 ms, to every client. */
export const serveLines = (): Promise<{ readonly port: number; readonly close: () => void }> =>
  new Promise((resolve) => {
    const lines = fs.readFileSync(path.join(here, "..", "data", "streaming.txt"), "utf8").split("\n").filter((l) => l.length > 0)
    const clients = new Set<net.Socket>()
    let next = 0
    const timer = setInterval(() => {
      const chunk = [0, 1, 2].map(() => lines[next++ % lines.length]).join("\n") + "\n"
      for (const client of clients) client.write(chunk)
    }, 100)
    const server = net.createServer((socket) => {
      clients.add(socket)
      socket.on("close", () => clients.delete(socket))
      socket.on("error", () => clients.delete(socket))
    })
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => {
          clearInterval(timer)
          for (const client of clients) client.destroy()
          server.close()
        }
      }))
  })

/** Lower-cased words of each line (letters and apostrophes), paired with 1: NetworkWordCount's pairs. */
export const wordPairs = (lines: DStream.DStream<string>): DStream.DStream<readonly [string, number]> =>
  lines
    .flatMap((line) => line.toLowerCase().split(/[^a-z']+/))
    .filter((word) => word.length > 0)
    .map((word) => [word, 1] as const)
