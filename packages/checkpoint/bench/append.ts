/**
 * Append throughput of the write-ahead log against a plain `fs` sequential
 * append of the same bytes with the same sync policy, in the same run.
 *
 *   npm run bench -w @tspark/checkpoint        (or: npx nx run @tspark/checkpoint:bench)
 *
 * Policies:
 * - fsync:  one writer; every write is followed by fsync before the next.
 * - group:  16 concurrent writers; a write completes at the next periodic
 *           fsync (every GROUP_MS); plain fs does the same with a timer loop.
 * - none:   one writer; write(2) only, no sync.
 * Plus the BatchedWriteAheadLog with 16 concurrent writers and per-batch fsync
 * against the per-write-fsync log.
 *
 * The machine is shared and its disk latency swings by 2-3x from second to
 * second, so the two sides of each comparison are interleaved in short time
 * slices (plain, log, log, plain, ...) on files that stay open for the whole
 * case; each side's throughput is its total bytes over its total time.
 *
 * Env: BENCH_SLICE_MS (default 50), BENCH_SLICES (per side, default 30),
 * BENCH_CASES (comma-separated filter such as "100KB/none,batched"; default all).
 */
import * as fsp from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Exit, Scope } from "effect"
import { BatchedWriteAheadLog, FileSystem, FileWriteAheadLog, WriteAheadLog } from "../src/index.js"

const SLICE_MS = Number(process.env["BENCH_SLICE_MS"] ?? 50)
const SLICES = Number(process.env["BENCH_SLICES"] ?? 30)
const GROUP_MS = 2
const CASES = process.env["BENCH_CASES"]?.split(",")
const selected = (name: string) => CASES === undefined || CASES.some((c) => name.includes(c))
const WRITERS = 16

type Policy = "fsync" | "group" | "none"

interface Totals {
  records: number
  bytes: number
  ms: number
}

interface Side {
  /** Writes for about SLICE_MS and adds what it did to `totals`. */
  readonly slice: (totals: Totals) => Promise<void>
  readonly close: () => Promise<void>
}

const makeRecords = (size: number): Array<Uint8Array> =>
  Array.from({ length: size >= 65536 ? 16 : 256 }, (_, i) => {
    const b = new Uint8Array(size)
    for (let j = 0; j < size; j += 64) b[j] = (i * 131 + j) & 0xff
    return b
  })

/** Runs `writers` loops of `one()` for one slice. */
const drive = async (totals: Totals, writers: number, one: (i: number) => Promise<number>) => {
  const start = performance.now()
  const deadline = start + SLICE_MS
  let next = 0
  await Promise.all(Array.from({ length: writers }, async () => {
    while (performance.now() < deadline) {
      const n = await one(next++)
      totals.bytes += n
      totals.records++
    }
  }))
  totals.ms += performance.now() - start
}

const plainSide = async (policy: Policy, records: ReadonlyArray<Uint8Array>): Promise<Side> => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "tspark-bench-"))
  const fh = await fsp.open(path.join(dir, "plain.log"), "a")
  return {
    slice: async (totals) => {
      if (policy !== "group") {
        return drive(totals, 1, async (i) => {
          const rec = records[i % records.length]!
          await fh.write(rec)
          if (policy === "fsync") await fh.sync()
          return rec.length
        })
      }
      let waiting: Array<() => void> = []
      let running = true
      const syncer = (async () => {
        while (running || waiting.length > 0) {
          await new Promise((r) => setTimeout(r, GROUP_MS))
          if (waiting.length === 0) continue
          const w = waiting
          waiting = []
          await fh.sync()
          for (const resolve of w) resolve()
        }
      })()
      await drive(totals, WRITERS, async (i) => {
        const rec = records[i % records.length]!
        await fh.write(rec)
        await new Promise<void>((resolve) => waiting.push(resolve))
        return rec.length
      })
      running = false
      await syncer
    },
    close: async () => {
      await fh.close()
      await fsp.rm(dir, { recursive: true, force: true })
    }
  }
}

const logSide = async (
  durability: WriteAheadLog.DurabilityPolicy,
  writers: number,
  batched: boolean,
  records: ReadonlyArray<Uint8Array>
): Promise<Side> => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "tspark-bench-"))
  const scope = Effect.runSync(Scope.make())
  const log = await Effect.runPromise(
    Effect.gen(function*() {
      const file = yield* FileWriteAheadLog.make({ directory: dir, durability, rollingIntervalMillis: 3_600_000 })
      return batched ? yield* BatchedWriteAheadLog.make(file) : file
    }).pipe(Scope.provide(scope), Effect.provide(FileSystem.layerLocal))
  )
  return {
    // the writers' loops run inside Effect: no Promise per record
    slice: (totals) =>
      Effect.runPromise(Effect.gen(function*() {
        const start = performance.now()
        const deadline = start + SLICE_MS
        let next = 0
        yield* Effect.forEach(
          Array.from({ length: writers }),
          () =>
            Effect.whileLoop({
              while: () => performance.now() < deadline,
              body: () => {
                const rec = records[next++ % records.length]!
                return Effect.as(log.write(rec, 0), rec.length)
              },
              step: (n) => {
                totals.bytes += n
                totals.records++
              }
            }),
          { concurrency: "unbounded", discard: true }
        )
        totals.ms += performance.now() - start
      })),
    close: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await fsp.rm(dir, { recursive: true, force: true })
    }
  }
}

/** Interleaves the two sides slice by slice; returns their totals. */
const compare = async (a: Side, b: Side): Promise<[Totals, Totals]> => {
  const ta: Totals = { records: 0, bytes: 0, ms: 0 }
  const tb: Totals = { records: 0, bytes: 0, ms: 0 }
  // one warm-up slice each, not counted
  await a.slice({ records: 0, bytes: 0, ms: 0 })
  await b.slice({ records: 0, bytes: 0, ms: 0 })
  for (let i = 0; i < SLICES; i++) {
    if (i % 2 === 0) {
      await a.slice(ta)
      await b.slice(tb)
    } else {
      await b.slice(tb)
      await a.slice(ta)
    }
  }
  await a.close()
  await b.close()
  return [ta, tb]
}

const mbps = (t: Totals) => t.bytes / (t.ms / 1000) / (1024 * 1024)
const rps = (t: Totals) => t.records / (t.ms / 1000)
const fmt = (n: number, d = 1) => n.toFixed(d).padStart(10)

const durabilityOf = (policy: Policy): WriteAheadLog.DurabilityPolicy =>
  policy === "fsync"
    ? WriteAheadLog.sync("fsync")
    : policy === "group"
    ? WriteAheadLog.groupCommit(`${GROUP_MS} millis`, "fsync")
    : WriteAheadLog.none

const main = async () => {
  console.log(
    `WAL append benchmark: ${SLICES} interleaved ${SLICE_MS} ms slices per side, dir ${os.tmpdir()}, ` +
      `node ${process.version}, ${os.cpus().length} cpus`
  )
  console.log(
    `${"size".padEnd(7)}${"policy".padEnd(8)}${"plain MB/s".padStart(12)}${"log MB/s".padStart(12)}` +
      `${"plain rec/s".padStart(13)}${"log rec/s".padStart(12)}${"log/plain".padStart(11)}  goal >= 0.80`
  )
  for (const size of [1024, 100 * 1024]) {
    const records = makeRecords(size)
    const label = size === 1024 ? "1KB" : "100KB"
    for (const policy of ["fsync", "group", "none"] as const) {
      if (!selected(`${label}/${policy}`)) continue
      const writers = policy === "group" ? WRITERS : 1
      const [p, l] = await compare(
        await plainSide(policy, records),
        await logSide(durabilityOf(policy), writers, false, records)
      )
      const ratio = mbps(l) / mbps(p)
      console.log(
        `${label.padEnd(7)}${policy.padEnd(8)}${fmt(mbps(p), 2)}  ${fmt(mbps(l), 2)}  ${fmt(rps(p), 0)}   ${
          fmt(rps(l), 0)
        } ${fmt(ratio, 2)}  ${ratio >= 0.8 ? "ok" : "BELOW GOAL"}`
      )
    }
  }
  console.log("")
  console.log(
    `BatchedWriteAheadLog (${WRITERS} concurrent writers, fsync per batch) vs FileWriteAheadLog (1 writer, fsync per write)   goal >= 5x`
  )
  for (const size of [1024, 100 * 1024]) {
    const records = makeRecords(size)
    const label = size === 1024 ? "1KB" : "100KB"
    if (!selected(`${label}/batched`)) continue
    const [single, batched] = await compare(
      await logSide(WriteAheadLog.sync("fsync"), 1, false, records),
      await logSide(WriteAheadLog.sync("fsync"), WRITERS, true, records)
    )
    const x = rps(batched) / rps(single)
    console.log(
      `${label.padEnd(7)}batched ${fmt(rps(batched), 0)} rec/s ${fmt(mbps(batched), 2)} MB/s   per-write-fsync ${
        fmt(rps(single), 0)
      } rec/s   ${fmt(x, 2)}x  ${x >= 5 ? "ok" : "BELOW GOAL"}`
    )
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
