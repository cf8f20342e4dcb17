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
 * Plus the BatchedWriteAheadLog with 16 concurrent writers and per-batch fsync,
 * compared with the per-write-fsync log's records/s.
 *
 * Env: BENCH_SECONDS (per measurement, default 1), BENCH_ROUNDS (default 2; best round is kept).
 */
import * as fsp from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { BatchedWriteAheadLog, FileSystem, FileWriteAheadLog, WriteAheadLog } from "../src/index.js"

const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 1)
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 2)
const GROUP_MS = 2
const WRITERS = 16

type Policy = "fsync" | "group" | "none"

interface Result {
  readonly records: number
  readonly bytes: number
  readonly seconds: number
}

const makeRecords = (size: number, n: number): Array<Uint8Array> =>
  Array.from({ length: n }, (_, i) => {
    const b = new Uint8Array(size)
    for (let j = 0; j < size; j += 64) b[j] = (i * 131 + j) & 0xff
    return b
  })

const freshDir = () => fsp.mkdtemp(path.join(os.tmpdir(), "tspark-bench-"))

/** Runs `writers` loops of `one()` until the time budget is spent. */
const drive = async (writers: number, one: (i: number) => Promise<number>): Promise<Result> => {
  const deadline = performance.now() + SECONDS * 1000
  const start = performance.now()
  let records = 0
  let bytes = 0
  let next = 0
  await Promise.all(Array.from({ length: writers }, async () => {
    while (performance.now() < deadline) {
      const n = await one(next++)
      bytes += n
      records++
    }
  }))
  return { records, bytes, seconds: (performance.now() - start) / 1000 }
}

const plain = async (policy: Policy, records: ReadonlyArray<Uint8Array>): Promise<Result> => {
  const dir = await freshDir()
  const fh = await fsp.open(path.join(dir, "plain.log"), "a")
  try {
    if (policy === "group") {
      let waiting: Array<() => void> = []
      let running = true
      const syncer = (async () => {
        while (running) {
          await new Promise((r) => setTimeout(r, GROUP_MS))
          if (waiting.length === 0) continue
          const w = waiting
          waiting = []
          await fh.sync()
          for (const resolve of w) resolve()
        }
      })()
      const r = await drive(WRITERS, async (i) => {
        const rec = records[i % records.length]!
        await fh.write(rec)
        await new Promise<void>((resolve) => waiting.push(resolve))
        return rec.length
      })
      running = false
      await syncer
      return r
    }
    return await drive(1, async (i) => {
      const rec = records[i % records.length]!
      await fh.write(rec)
      if (policy === "fsync") await fh.sync()
      return rec.length
    })
  } finally {
    await fh.close()
    await fsp.rm(dir, { recursive: true, force: true })
  }
}

const withLog = <A>(
  durability: WriteAheadLog.DurabilityPolicy,
  batched: boolean,
  f: (log: WriteAheadLog.WriteAheadLog["Service"]) => Promise<A>
): Promise<A> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const directory = yield* Effect.promise(freshDir)
      yield* Effect.addFinalizer(() => Effect.promise(() => fsp.rm(directory, { recursive: true, force: true })))
      const file = yield* FileWriteAheadLog.make({ directory, durability, rollingIntervalMillis: 3_600_000 })
      const log = batched ? yield* BatchedWriteAheadLog.make(file) : file
      return yield* Effect.promise(() => f(log))
    }).pipe(Effect.scoped, Effect.provide(FileSystem.layerLocal))
  )

const logRun = (policy: Policy, records: ReadonlyArray<Uint8Array>): Promise<Result> => {
  const durability = policy === "fsync"
    ? WriteAheadLog.sync("fsync")
    : policy === "group"
    ? WriteAheadLog.groupCommit(`${GROUP_MS} millis`, "fsync")
    : WriteAheadLog.none
  return withLog(durability, false, (log) =>
    drive(policy === "group" ? WRITERS : 1, async (i) => {
      const rec = records[i % records.length]!
      await Effect.runPromise(log.write(rec, 0))
      return rec.length
    }))
}

/** The log's single-writer loops run inside one Effect (no Promise per record). */
const logRunEffect = (policy: Policy, records: ReadonlyArray<Uint8Array>): Promise<Result> => {
  if (policy === "group") return logRun(policy, records)
  const durability = policy === "fsync" ? WriteAheadLog.sync("fsync") : WriteAheadLog.none
  return withLog(durability, false, (log) =>
    Effect.runPromise(Effect.gen(function*() {
      const deadline = performance.now() + SECONDS * 1000
      const start = performance.now()
      let n = 0
      let bytes = 0
      while (performance.now() < deadline) {
        const rec = records[n % records.length]!
        yield* log.write(rec, 0)
        bytes += rec.length
        n++
      }
      return { records: n, bytes, seconds: (performance.now() - start) / 1000 }
    })))
}

const batchedRun = (records: ReadonlyArray<Uint8Array>): Promise<Result> =>
  withLog(WriteAheadLog.sync("fsync"), true, (log) =>
    Effect.runPromise(Effect.gen(function*() {
      const deadline = performance.now() + SECONDS * 1000
      const start = performance.now()
      let n = 0
      let bytes = 0
      yield* Effect.forEach(
        Array.from({ length: WRITERS }),
        () =>
          Effect.whileLoop({
            while: () => performance.now() < deadline,
            body: () => {
              const rec = records[n % records.length]!
              return Effect.as(log.write(rec, 0), rec.length)
            },
            step: (len) => {
              n++
              bytes += len
            }
          }),
        { concurrency: "unbounded", discard: true }
      )
      return { records: n, bytes, seconds: (performance.now() - start) / 1000 }
    })))

const best = async (f: () => Promise<Result>): Promise<Result> => {
  let top: Result | undefined
  for (let r = 0; r < ROUNDS; r++) {
    const x = await f()
    if (top === undefined || x.bytes / x.seconds > top.bytes / top.seconds) top = x
  }
  return top!
}

const mbps = (r: Result) => r.bytes / r.seconds / (1024 * 1024)
const rps = (r: Result) => r.records / r.seconds
const fmt = (n: number, d = 1) => n.toFixed(d).padStart(10)

const main = async () => {
  console.log(`WAL append benchmark: ${SECONDS}s per measurement, best of ${ROUNDS}, dir ${os.tmpdir()}, node ${process.version}`)
  console.log(
    `${"size".padEnd(7)}${"policy".padEnd(8)}${"plain MB/s".padStart(12)}${"log MB/s".padStart(12)}` +
      `${"plain rec/s".padStart(13)}${"log rec/s".padStart(12)}${"log/plain".padStart(11)}  goal >= 0.80`
  )
  const perWriteFsync: Record<string, Result> = {}
  const rows: Array<{ size: string; policy: string; ratio: number }> = []
  for (const size of [1024, 100 * 1024]) {
    const records = makeRecords(size, size === 1024 ? 1024 : 64)
    const label = size === 1024 ? "1KB" : "100KB"
    for (const policy of ["fsync", "group", "none"] as const) {
      // interleave plain and log rounds so drift in the disk hits both
      let p: Result | undefined
      let l: Result | undefined
      for (let r = 0; r < ROUNDS; r++) {
        const pr = await plain(policy, records)
        const lr = await logRunEffect(policy, records)
        if (p === undefined || mbps(pr) > mbps(p)) p = pr
        if (l === undefined || mbps(lr) > mbps(l)) l = lr
      }
      if (policy === "fsync") perWriteFsync[label] = l!
      const ratio = mbps(l!) / mbps(p!)
      rows.push({ size: label, policy, ratio })
      console.log(
        `${label.padEnd(7)}${policy.padEnd(8)}${fmt(mbps(p!), 2)}  ${fmt(mbps(l!), 2)}  ${fmt(rps(p!), 0)}   ${
          fmt(rps(l!), 0)
        } ${fmt(ratio, 2)}  ${ratio >= 0.8 ? "ok" : "BELOW GOAL"}`
      )
    }
  }
  console.log("")
  console.log(`BatchedWriteAheadLog, ${WRITERS} concurrent writers, fsync per batch, vs per-write-fsync log   goal >= 5x`)
  for (const size of [1024, 100 * 1024]) {
    const label = size === 1024 ? "1KB" : "100KB"
    const records = makeRecords(size, size === 1024 ? 1024 : 64)
    const b = await best(() => batchedRun(records))
    const single = perWriteFsync[label]!
    const x = rps(b) / rps(single)
    console.log(
      `${label.padEnd(7)}batched ${fmt(mbps(b), 2)} MB/s ${fmt(rps(b), 0)} rec/s   per-write-fsync ${fmt(rps(single), 0)} rec/s   ${
        fmt(x, 2)
      }x  ${x >= 5 ? "ok" : "BELOW GOAL"}`
    )
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
