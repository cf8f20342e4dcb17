/**
 * The receiving benchmark's line server, run as its own process (so that
 * producing the data does not share an event loop with what reads it): on
 * every connection it writes `--lines` lines of ~49 bytes (ten words each)
 * as fast as the socket drains, then ends the connection. It prints its port
 * on stdout.
 *
 *   tsx tools/bench/lineBlaster.ts --lines 2000000
 */
import * as net from "node:net"

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}
const lines = argument("--lines", 2_000_000)
const LINES_PER_CHUNK = 1000

// One chunk of LINES_PER_CHUNK distinct-looking lines, written again and again.
const words = Array.from({ length: 500 }, (_, i) => `w${i.toString(36)}${"xyz".slice(0, i % 3)}`)
let text = ""
for (let l = 0; l < LINES_PER_CHUNK; l++) {
  const line: Array<string> = []
  for (let w = 0; w < 10; w++) line.push(words[(l * 7 + w * 13) % words.length]!)
  text += line.join(" ") + "\n"
}
const chunk = Buffer.from(text, "utf8")

const server = net.createServer((socket) => {
  socket.on("error", () => {})
  let written = 0
  const pump = () => {
    while (written < lines) {
      const n = Math.min(LINES_PER_CHUNK, lines - written)
      const ok = socket.write(n === LINES_PER_CHUNK ? chunk : Buffer.from(text.split("\n").slice(0, n).join("\n") + "\n"))
      written += n
      if (!ok) return void socket.once("drain", pump)
    }
    socket.end()
  }
  pump()
})
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`)
})
process.on("SIGTERM", () => server.close(() => process.exit(0)))
