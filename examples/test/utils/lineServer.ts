// A loopback line server for the word-count tests: it writes the given
// lines, a few per tick, to one client (the first to connect, the next one
// after it closes), then keeps the connection open (a socket receiver would
// restart on end-of-stream). So a receiver that stays connected sees
// exactly `lines`, once each.
import * as net from "node:net"

export interface LineServer {
  readonly port: number
  /** How many lines have been written so far. */
  readonly sent: () => number
  readonly close: () => Promise<void>
}

export const serveLines = (lines: ReadonlyArray<string>, linesPerTick = 20, tickMs = 10): Promise<LineServer> =>
  new Promise((resolve, reject) => {
    let next = 0
    let client: net.Socket | undefined
    const sockets = new Set<net.Socket>()
    const timer = setInterval(() => {
      if (client === undefined || !client.writable || next >= lines.length) return
      const end = Math.min(lines.length, next + linesPerTick)
      client.write(lines.slice(next, end).join("\n") + "\n")
      next = end
    }, tickMs)
    const server = net.createServer((socket) => {
      sockets.add(socket)
      client ??= socket
      socket.on("close", () => {
        sockets.delete(socket)
        // A reconnecting receiver gets the lines not yet written.
        if (client === socket) client = undefined
      })
      socket.on("error", () => sockets.delete(socket))
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        sent: () => next,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(timer)
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      }))
  })
