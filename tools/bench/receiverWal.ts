/**
 * Receiver write-ahead log benchmark: lines per second through one
 * `socketTextStream` (local[2], 1 s batches) with the receiver write-ahead
 * log off and on, in the same run, against the same line server
 * (tools/bench/lineBlaster.ts, its own process). With the log on every block
 * is written to `<checkpointDir>/receivedData/0` beside the block manager,
 * and the driver logs each block report, allocation and cleanup to
 * `receivedBlockMetadata` (synced). Two ways of on: each receiver write
 * synced before the block is reported (the default), and not synced
 * (`spark.streaming.receiver.writeAheadLog.sync=false`: survives the process,
 * not the machine, as Spark's log on a local disk). Runs alternate (off, on,
 * on unsynced, off, ...) so that a drift of the machine hits all alike; the
 * best run of each is compared. The goal: on keeps at least 80% of
 * off. Synced, the log writes each line to disk once more than off does, so
 * the disk's sync throughput bounds it (print it beside: `--disk`).
 *
 *   npm run bench:wal                       # 40,000,000 lines (~2 GB) a run, 1 round
 *   npm run bench:wal -- --lines 60000000 --rounds 3
 *
 * Sized for a 2-core machine: a run takes a few seconds, the whole benchmark
 * well under two minutes.
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { argument, engine, startServer } from "./receivingEngine.js"

const LINES = argument("--lines", 40_000_000)
const ROUNDS = argument("--rounds", 1)

type Result = Effect.Success<ReturnType<typeof engine>>

type Mode = "off" | "on" | "on, unsynced"

const confOf: Record<Mode, Record<string, string>> = {
  off: { "spark.streaming.receiver.writeAheadLog.enable": "false" },
  on: { "spark.streaming.receiver.writeAheadLog.enable": "true" },
  "on, unsynced": {
    "spark.streaming.receiver.writeAheadLog.enable": "true",
    "spark.streaming.receiver.writeAheadLog.sync": "false"
  }
}

/** The disk's throughput writing 20 MiB chunks, each synced, as a synced log does (MB/s). */
const syncedDiskRate = (dir: string): number => {
  const file = path.join(dir, "disk-probe")
  const chunk = Buffer.alloc(20 * 1024 * 1024, 97)
  const fd = fs.openSync(file, "w")
  const start = performance.now()
  for (let i = 0; i < 25; i++) {
    fs.writeSync(fd, chunk)
    fs.fdatasyncSync(fd)
  }
  const seconds = (performance.now() - start) / 1000
  fs.closeSync(fd)
  fs.rmSync(file)
  return 25 * chunk.length / 1e6 / seconds
}

const run = async (port: number, mode: Mode): Promise<Result> => {
  const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-bench-wal-"))
  try {
    return await Effect.runPromise(engine(port, {
      lines: LINES,
      master: "local[2]",
      batchMs: 1000,
      receivers: 1,
      conf: confOf[mode],
      checkpointDir
    }))
  } finally {
    fs.rmSync(checkpointDir, { recursive: true, force: true })
  }
}

const main = async () => {
  const server = await startServer(LINES)
  try {
    const fmt = (n: number) => `${(n / 1e6).toFixed(2)}M lines/s`
    const modes: ReadonlyArray<Mode> = ["off", "on", "on, unsynced"]
    const results: Record<Mode, Array<Result>> = { off: [], on: [], "on, unsynced": [] }
    console.log(
      `lines per run: ${LINES.toLocaleString("en-US")} (~${(LINES * 49 / 1e6).toFixed(0)} MB); ${ROUNDS} rounds, local[2], 1 s batches`
    )
    console.log(`disk, 20 MiB writes each synced: ${syncedDiskRate(os.tmpdir()).toFixed(0)} MB/s`)
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of modes) {
        const result = await run(server.port, mode)
        results[mode].push(result)
        console.log(
          `round ${round}, WAL ${mode.padEnd(12)}: ${fmt(result.endToEnd)} end to end; received ${fmt(result.steady)} ` +
            `in ${result.fullBatches} full batches, processing at most ${result.maxProcessingMs.toFixed(0)} ms a batch`
        )
      }
    }
    const best = (rs: ReadonlyArray<Result>, key: "endToEnd" | "steady") => Math.max(...rs.map((r) => r[key]))
    for (const key of ["endToEnd", "steady"] as const) {
      const off = best(results.off, key)
      const line = modes.slice(1).map((mode) => {
        const on = best(results[mode], key)
        return `WAL ${mode} ${fmt(on)} (${(on / off).toFixed(2)} of off)`
      })
      console.log(`${key === "endToEnd" ? "end to end" : "sustained "} (best of ${ROUNDS}): WAL off ${fmt(off)}; ${line.join("; ")}`)
    }
  } finally {
    server.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
