/**
 * Receiving benchmark: lines per second through `socketTextStream` into a
 * per-batch count, beside a plain `net` reader doing the same work (decode
 * the bytes into line strings and count them) against the same server in the
 * same run. The server is a separate process (tools/bench/lineBlaster.ts)
 * that writes each connection its lines as fast as the socket drains.
 *
 *   npm run bench:receiving                 # 6,000,000 lines (~370 MB) per connection
 *   npm run bench:receiving -- --lines 500000
 *
 * Rows: the plain reader (best of 3); one receiver at 100 ms and 1 s batches
 * in process (local[2]); one receiver on a worker-thread executor of two
 * cores (local-cluster[1,2,1024]: the receiver holds one core, the batches
 * run on the other, where the blocks are); two receivers on two such
 * executors (local-cluster[2,2,1024]), each reading its own connection. The engine's time runs from the
 * first receiver's start (its connection) to the end of the batch that
 * counts the last line, so it includes up to one batch of waiting for the
 * batch boundary, and not the context's start-up.
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as net from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}
const LINES = argument("--lines", 6_000_000)

const startServer = (): Promise<{ readonly port: number; readonly stop: () => void }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "lineBlaster.ts"), "--lines", String(LINES)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.once("error", reject)
    child.stdout.once("data", (data: Buffer) => resolve({ port: Number(data.toString().trim()), stop: () => child.kill("SIGTERM") }))
  })

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

/** The engine: `receivers` socketTextStreams (one connection each), counted per batch; lines/s until all are counted. */
const engine = (port: number, master: string, batchMs: number, receivers: number) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({
      master,
      appName: "bench receiving",
      conf: { "spark.streaming.blockInterval": `${Math.max(10, batchMs / 5)}ms`, "spark.streaming.receiverRestartDelay": "60s" }
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: batchMs })
    let counted = 0
    let receiving = 0
    let last = 0
    const streams = Array.from({ length: receivers }, () => ssc.socketTextStream("127.0.0.1", port))
    ssc.union(streams).foreachRDD((rdd) =>
      Effect.map(rdd.count(), (n) => {
        counted += n
        if (n > 0) last = performance.now()
      })
    )
    yield* ssc.addStreamingListener({
      onReceiverStarted: () => {
        if (receiving === 0) receiving = performance.now()
      }
    })
    const start = performance.now()
    yield* ssc.start()
    const deadline = start + 120_000
    while (counted < LINES * receivers && performance.now() < deadline) yield* Effect.sleep(20)
    yield* ssc.stop()
    if (counted !== LINES * receivers) throw new Error(`engine counted ${counted} lines, expected ${LINES * receivers}`)
    return { linesPerSecond: counted / ((last - receiving) / 1000), startupMs: receiving - start }
  }))

const main = async () => {
  const server = await startServer()
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
      ["one receiver, 1 s batches, local-cluster[1,2,1024]", "local-cluster[1,2,1024]", 1000, 1],
      ["two receivers, 1 s batches, local-cluster[2,2,1024]", "local-cluster[2,2,1024]", 1000, 2]
    ]
    for (const [name, master, batchMs, receivers] of rows) {
      const result = await Effect.runPromise(engine(server.port, master, batchMs, receivers))
      console.log(
        `${name.padEnd(52)} ${fmt(result.linesPerSecond)}  (${(result.linesPerSecond / baseline).toFixed(2)}x the plain reader; ` +
          `after a start-up of ${result.startupMs.toFixed(0)} ms)`
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
