// A loopback line server for receiver tests: it writes lines "line-0",
// "line-1", ... to whichever client is connected, `linesPerTick` every
// `tickMs`, and can be killed (connections ended after what was written is
// flushed, listener closed) and restarted on the same port, continuing from
// the next line. So the lines a receiver can have seen are exactly
// `line-0 .. line-(sent-1)`.
import * as net from "node:net"

export interface LineServer {
  readonly port: number
  /** How many lines have been written to clients so far. */
  readonly sent: () => number
  /** Stops writing after `total` lines. */
  readonly total: number
  /** Ends every connection (after flushing) and stops listening. */
  readonly kill: () => Promise<void>
  /** Listens again on the same port. */
  readonly restart: () => Promise<void>
  /** Stops / resumes writing (connections stay open). */
  readonly pause: () => void
  readonly resume: () => void
  readonly close: () => Promise<void>
}

export const startLineServer = async (
  options: { readonly total: number; readonly linesPerTick?: number; readonly tickMs?: number; readonly port?: number }
): Promise<LineServer> => {
  const linesPerTick = options.linesPerTick ?? 50
  const tickMs = options.tickMs ?? 10
  let next = 0
  let paused = false
  let server: net.Server | undefined
  const clients = new Set<net.Socket>()
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = net.createServer((socket) => {
        clients.add(socket)
        socket.on("close", () => clients.delete(socket))
        socket.on("error", () => clients.delete(socket))
      })
      s.once("error", reject)
      s.listen(port, "127.0.0.1", () => {
        server = s
        resolve((s.address() as net.AddressInfo).port)
      })
    })
  const port = await listen(options.port ?? 0)
  const timer = setInterval(() => {
    const client = [...clients].find((c) => c.writable)
    if (paused || client === undefined || next >= options.total) return
    const end = Math.min(options.total, next + linesPerTick)
    let chunk = ""
    for (let i = next; i < end; i++) chunk += `line-${i}\n`
    client.write(chunk)
    next = end
  }, tickMs)
  const stopListening = () =>
    new Promise<void>((resolve) => {
      const s = server
      server = undefined
      for (const client of clients) client.end()
      if (s === undefined) resolve()
      else s.close(() => resolve())
    })
  return {
    port,
    total: options.total,
    sent: () => next,
    kill: stopListening,
    pause: () => {
      paused = true
    },
    resume: () => {
      paused = false
    },
    restart: async () => {
      // The port was just released; a few tries cover a slow release.
      for (let attempt = 0;; attempt++) {
        try {
          await listen(port)
          return
        } catch (error) {
          if (attempt >= 50) throw error
          await new Promise((r) => setTimeout(r, 20))
        }
      }
    },
    close: async () => {
      clearInterval(timer)
      await stopListening()
    }
  }
}
