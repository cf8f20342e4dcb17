/**
 * Receiving benchmark: lines per second through `socketTextStream` into a
 * per-batch count, beside a plain `net` reader doing the same work (decode
 * the bytes into line strings and count them) against the same server in the
 * same run. The server is a separate process (tools/bench/lineBlaster.ts)
 * that writes each connection its lines as fast as the socket drains.
 *
 *   npm run bench:receiving                 # 40,000,000 lines (~2 GB) per connection
 *   npm run bench:receiving -- --lines 5000000
 *
 * Executors get 4 GiB (`spark.executor.memory`, the local-cluster memory),
 * room for two 1 s batches of blocks, so that none is spilled to disk.
 *
 * Rows: the plain reader (best of 3, from connect to end of stream); one
 * receiver at 100 ms and 1 s batches in process (local[2]); one receiver on
 * a worker-thread executor of two cores (local-cluster[1,2,4096]: the
 * receiver and the batches' tasks share its thread, where the blocks are);
 * two receivers on two such executors (local-cluster[2,2,4096]), each
 * reading its own connection.
 *
 * The engine's figure is its sustained rate: the lines counted in the full
 * batches (every batch between the first and the last that hold lines)
 * over their batch intervals, printed with the longest processing time of
 * those batches (below the batch interval: processing keeps up). Beside it,
 * end to end: all lines over the time from the first receiver's start to the
 * end of the batch that counts the last line (which includes up to a batch
 * of waiting for the last batch boundary). Every line is counted exactly
 * once, or the run fails.
 */
import { Effect } from "effect"
import * as net from "node:net"
import { argument, engine, startServer } from "./receivingEngine.js"

const LINES = argument("--lines", 40_000_000)

/** The baseline: decode each chunk, cut it into line strings (carrying a partial line over), count them. */
const plainReader = (port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    let count = 0
    let chars = 0
    let carry = ""
    const socket = net.connect(port, "127.0.0.1")
    socket.setEncoding("utf8")
    socket.on("data", (text: string) => {
      const data = carry + text
      let from = 0
      let at = data.indexOf("\n", from)
      while (at >= 0) {
        const line = data.slice(from, at)
        chars += line.length
        count++
        from = at + 1
        at = data.indexOf("\n", from)
      }
      carry = data.slice(from)
    })
    socket.on("end", () => {
      if (count !== LINES || chars === 0) reject(new Error(`plain reader counted ${count} lines, expected ${LINES}`))
      else resolve(LINES / ((performance.now() - start) / 1000))
    })
    socket.on("error", reject)
  })

const main = async () => {
  const server = await startServer(LINES)
  try {
    const plain: Array<number> = []
    for (let i = 0; i < 3; i++) plain.push(await plainReader(server.port))
    const baseline = Math.max(...plain)
    const fmt = (n: number) => `${(n / 1e6).toFixed(2)}M lines/s`
    console.log(`lines per connection: ${LINES.toLocaleString("en-US")}`)
    console.log(`plain net reader (best of 3):              ${fmt(baseline)}`)
    const rows: Array<readonly [string, string, number, number]> = [
      ["one receiver, 100 ms batches, local[2]", "local[2]", 100, 1],
      ["one receiver, 1 s batches, local[2]", "local[2]", 1000, 1],
      ["one receiver, 1 s batches, local-cluster[1,2,4096]", "local-cluster[1,2,4096]", 1000, 1],
      ["two receivers, 1 s batches, local-cluster[2,2,4096]", "local-cluster[2,2,4096]", 1000, 2]
    ]
    for (const [name, master, batchMs, receivers] of rows) {
      const result = await Effect.runPromise(engine(server.port, { lines: LINES, master, batchMs, receivers }))
      console.log(
        `${name.padEnd(52)} ${fmt(result.endToEnd)} (${(result.endToEnd / baseline).toFixed(2)}x the plain reader); ` +
          `received ${fmt(result.steady)} in ${result.fullBatches} full batches, processing at most ` +
          `${result.maxProcessingMs.toFixed(0)} ms a batch`
      )
    }
  } finally {
    server.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
