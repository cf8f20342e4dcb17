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
const LINES = argument("--lines", 40_000_000)

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

/** The engine: `receivers` socketTextStreams (one connection each), counted per batch; its sustained and end-to-end rates. */
const engine = (port: number, master: string, batchMs: number, receivers: number) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({
      master,
      appName: "bench receiving",
      // Executors with memory for two 1 s batches at full speed (~0.5 GB each), so that blocks are not spilled to disk.
      conf: {
        "spark.executor.memory": "4g",
        "spark.streaming.blockInterval": `${Math.max(10, batchMs / 5)}ms`,
        "spark.streaming.receiverRestartDelay": "60s"
      }
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: batchMs })
    let counted = 0
    let receiving = 0
    let last = 0
    // Per completed batch: records counted and processing time.
    const batches: Array<{ readonly records: number; readonly processingMs: number }> = []
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
      },
      onBatchCompleted: (batch) => {
        batches.push({ records: batch.numRecords, processingMs: batch.processingDelay ?? 0 })
      }
    })
    const start = performance.now()
    yield* ssc.start()
    const deadline = start + 120_000
    while (counted < LINES * receivers && performance.now() < deadline) yield* Effect.sleep(20)
    yield* ssc.waitForListeners()
    yield* ssc.stop()
    if (counted !== LINES * receivers) throw new Error(`engine counted ${counted} lines, expected ${LINES * receivers}`)
    // Steady state: the batches between the first and the last that hold records (both partly empty) are full
    // batch intervals of receiving; their records over their time is the sustained rate.
    const holding = batches.flatMap((b, i) => (b.records > 0 ? [i] : []))
    const full = batches.slice((holding[0] ?? 0) + 1, holding.at(-1) ?? 0)
    if (full.length < 3) throw new Error(`only ${full.length} full batches: raise --lines`)
    return {
      endToEnd: counted / ((last - receiving) / 1000),
      steady: full.reduce((sum, b) => sum + b.records, 0) / (full.length * batchMs / 1000),
      fullBatches: full.length,
      maxProcessingMs: Math.max(...full.map((b) => b.processingMs)),
      startupMs: receiving - start
    }
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
      ["one receiver, 1 s batches, local-cluster[1,2,4096]", "local-cluster[1,2,4096]", 1000, 1],
      ["two receivers, 1 s batches, local-cluster[2,2,4096]", "local-cluster[2,2,4096]", 1000, 2]
    ]
    for (const [name, master, batchMs, receivers] of rows) {
      const result = await Effect.runPromise(engine(server.port, master, batchMs, receivers))
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
