/**
 * The source of the crash test: a TCP server of numbered lines (`<seq>
 * <word>`, seq from 1) that a reliable receiver acknowledges (`ACK <seq>`,
 * cumulative). A connection gets every line after the highest acknowledged
 * one, so a receiver killed before acknowledging gets those lines again:
 * the source is at-least-once, as a replayable broker is, and a restarted
 * application must not count a line twice.
 */
import * as net from "node:net"

export interface AckedLineServer {
  readonly port: number
  /** The highest sequence number acknowledged so far. */
  readonly acked: () => number
  /** How many times lines were sent again after a reconnection. */
  readonly resent: () => number
  /** What happened, in order: each connection and where it started, each rise of the acknowledged seq (for diagnostics). */
  readonly history: () => ReadonlyArray<string>
  readonly close: () => Promise<void>
}

/**
 * Starts the server on a free loopback port, serving `lines` (without their
 * numbers) at `linesPerSecond`, so that they keep coming while the test
 * kills and restarts the application.
 */
export const startAckedLineServer = async (lines: ReadonlyArray<string>, linesPerSecond: number): Promise<AckedLineServer> => {
  let acked = 0
  let resent = 0
  let current: net.Socket | undefined
  let connections = 0
  const history: Array<string> = []
  const server = net.createServer((socket) => {
    // One receiver at a time: a new connection replaces a stale one (a killed process's socket may linger).
    current?.destroy()
    current = socket
    socket.on("error", () => socket.destroy())
    let next = acked + 1
    if (next > 1) resent++
    const connection = ++connections
    history.push(`connection ${connection} starts at ${next}`)
    let input = ""
    socket.on("data", (chunk) => {
      input += chunk.toString("utf8")
      let newline = input.indexOf("\n")
      while (newline >= 0) {
        const match = /^ACK (\d+)$/.exec(input.slice(0, newline))
        if (match !== null && Number(match[1]) > acked) {
          acked = Number(match[1])
          history.push(`connection ${connection}: ack ${acked}`)
        }
        input = input.slice(newline + 1)
        newline = input.indexOf("\n")
      }
    })
    // A slice every 100 ms, at the rate asked; a slice waits while the socket has not drained.
    const perTick = Math.max(1, Math.round(linesPerSecond / 10))
    let draining = false
    const tick = setInterval(() => {
      if (socket.destroyed || next > lines.length) return void clearInterval(tick)
      if (draining) return
      const end = Math.min(lines.length, next + perTick - 1)
      let text = ""
      for (let seq = next; seq <= end; seq++) text += `${seq} ${lines[seq - 1]}\n`
      history.push(`connection ${connection}: sent ${next}-${end}`)
      next = end + 1
      if (!socket.write(text)) {
        draining = true
        socket.once("drain", () => (draining = false))
      }
    }, 100)
    socket.on("close", () => clearInterval(tick))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    acked: () => acked,
    resent: () => resent,
    history: () => history,
    close: () =>
      new Promise<void>((resolve) => {
        current?.destroy()
        server.close(() => resolve())
      })
  }
}
