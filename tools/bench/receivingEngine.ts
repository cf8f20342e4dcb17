/**
 * What the receiving benchmarks share: the line server (tools/bench/lineBlaster.ts,
 * its own process) and the engine run (`socketTextStream`s counted per
 * batch), with its sustained and end-to-end rates. Used by receiving.ts and
 * receiverWal.ts.
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))

/** Reads `--name <number>` from the command line. */
export const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

/** Starts the line server writing `lines` lines to every connection. */
export const startServer = (lines: number): Promise<{ readonly port: number; readonly stop: () => void }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "lineBlaster.ts"), "--lines", String(lines)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.once("error", reject)
    child.stdout.once("data", (data: Buffer) => resolve({ port: Number(data.toString().trim()), stop: () => child.kill("SIGTERM") }))
  })

export interface EngineOptions {
  readonly lines: number
  readonly master: string
  readonly batchMs: number
  readonly receivers: number
  /** Settings beside the benchmark's own (the receiver write-ahead log, ...). */
  readonly conf?: Readonly<Record<string, string>>
  /** The streaming context's checkpoint directory, if any. */
  readonly checkpointDir?: string
}

/** The engine: `receivers` socketTextStreams (one connection each), counted per batch; its sustained and end-to-end rates. */
export const engine = (port: number, options: EngineOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const { batchMs, lines: LINES, master, receivers } = options
    const sc = yield* SparkContext.make({
      master,
      appName: "bench receiving",
      // Executors with memory for two 1 s batches at full speed (~0.5 GB each), so that blocks are not spilled to disk.
      conf: {
        "spark.executor.memory": "4g",
        "spark.streaming.blockInterval": `${Math.max(10, batchMs / 5)}ms`,
        "spark.streaming.receiverRestartDelay": "60s",
        ...options.conf
      }
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: batchMs })
    if (options.checkpointDir !== undefined) yield* ssc.checkpoint(options.checkpointDir)
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
