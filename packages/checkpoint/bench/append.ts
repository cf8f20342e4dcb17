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
 * against the per-write-fsync log, and against the device itself: plain fs
 * writing 16 records per writev with one fsync each (the bytes per sync of a
 * full batch), which bounds what batching can reach when the disk's write
 * bandwidth, not the number of syncs, is the limit.
 *
 * Both sides use the same calls: `node:fs` callbacks (`write`/`writev`,
 * `fsync`) on a raw descriptor opened O_APPEND, as the log's local file
 * system does. The log writes each record plus its framing (32 bytes per
 * record); only record bytes are counted on either side. Without a sync, a
 * third side (plain fs plus the CRC-32 of each record) shows how much of the
 * gap is the checksum itself.
 *
 * The machine is shared and its disk latency swings by 2-3x from second to
 * second, so the two sides of each comparison are interleaved in short time
 * slices (plain, log, log, plain, ...) on files that stay open for the whole
 * case; each side's throughput is its total bytes over its total time. The
 * per-slice IQR column is the interquartile range of the log/plain ratio over
 * the rounds: a wide range means the disk was noisy during the run.
 *
 * Env: BENCH_SLICE_MS (default 50), BENCH_SLICES (per side, default 30),
 * BENCH_CASES (comma-separated filter such as "100KB/none,batched"; default all).
 */
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
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

/** The plain side uses the same calls as the log: `node:fs` callbacks on a raw descriptor opened O_APPEND. */
const openAppend = (file: string) =>
  new Promise<number>((resolve, reject) =>
    fs.open(
      file,
      fs.constants.O_CREAT | fs.constants.O_WRONLY | fs.constants.O_APPEND,
      0o644,
      (e, fd) => e === null ? resolve(fd) : reject(e)
    )
  )
const writeAll = (fd: number, chunks: ReadonlyArray<Uint8Array>) =>
  new Promise<void>((resolve, reject) => {
    const cb = (e: NodeJS.ErrnoException | null) => e === null ? resolve() : reject(e)
    if (chunks.length === 1) fs.write(fd, chunks[0]!, 0, chunks[0]!.length, null, cb)
    else fs.writev(fd, chunks as Array<Uint8Array>, null, cb)
  })
// written, never read: keeps the CRC-32 of the checksum variant from being optimised away
let _crcSink = 0
const fsync = (fd: number) => new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => e === null ? resolve() : reject(e)))

/**
 * `checksum`: also compute the CRC-32 of each record before writing it (the
 * least extra work the log must do per byte), to show what is left of the
 * gap once the checksum is paid for.
 */
const plainSide = async (
  policy: Policy | "device",
  records: ReadonlyArray<Uint8Array>,
  checksum = false
): Promise<Side> => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "tspark-bench-"))
  const fd = await openAppend(path.join(dir, "plain.log"))
  return {
    slice: async (totals) => {
      if (policy === "device") {
        // the disk's sequential write bandwidth with one fsync per WRITERS records (one writev)
        return drive(totals, 1, async (i) => {
          const batch = Array.from({ length: WRITERS }, (_, k) => records[(i * WRITERS + k) % records.length]!)
          await writeAll(fd, batch)
          await fsync(fd)
          totals.records += WRITERS - 1 // drive counts one
          return WRITERS * records[0]!.length
        })
      }
      if (policy !== "group") {
        return drive(totals, 1, async (i) => {
          const rec = records[i % records.length]!
          if (checksum) _crcSink ^= zlib.crc32(rec)
          await writeAll(fd, [rec])
          if (policy === "fsync") await fsync(fd)
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
          await fsync(fd)
          for (const resolve of w) resolve()
        }
      })()
      await drive(totals, WRITERS, async (i) => {
        const rec = records[i % records.length]!
        await writeAll(fd, [rec])
        await new Promise<void>((resolve) => waiting.push(resolve))
        return rec.length
      })
      running = false
      await syncer
    },
    close: async () => {
      await new Promise<void>((resolve) => fs.close(fd, () => resolve()))
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

interface Result extends Totals {
  /** What the side did in each round (one slice per side per round). */
  readonly rounds: Array<Totals>
}

/**
 * Interleaves the sides slice by slice, rotating which side goes first in
 * each round so that none is always first after another; returns their totals.
 */
const compare = async (sides: ReadonlyArray<Side>): Promise<Array<Result>> => {
  const results: Array<Result> = sides.map(() => ({ records: 0, bytes: 0, ms: 0, rounds: [] }))
  // one warm-up slice each, not counted
  for (const side of sides) await side.slice({ records: 0, bytes: 0, ms: 0 })
  for (let i = 0; i < SLICES; i++) {
    for (let k = 0; k < sides.length; k++) {
      const j = (i + k) % sides.length
      const round: Totals = { records: 0, bytes: 0, ms: 0 }
      await sides[j]!.slice(round)
      const r = results[j]!
      r.records += round.records
      r.bytes += round.bytes
      r.ms += round.ms
      r.rounds.push(round)
    }
  }
  for (const side of sides) await side.close()
  return results
}

const mbps = (t: Totals) => t.bytes / (t.ms / 1000) / (1024 * 1024)
const rps = (t: Totals) => t.records / (t.ms / 1000)
const fmt = (n: number, d = 1) => n.toFixed(d).padStart(10)

/** Quartiles of the per-round ratios a/b (throughput in the same round): how stable the total ratio is. */
const spread = (a: Result, b: Result, of: (t: Totals) => number): string => {
  const ratios = a.rounds.map((r, i) => of(r) / of(b.rounds[i]!)).sort((x, y) => x - y)
  const q = (f: number) => ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))]!
  return `${q(0.25).toFixed(2)}-${q(0.75).toFixed(2)}`
}

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
      `${"plain rec/s".padStart(13)}${"log rec/s".padStart(12)}${"log/plain".padStart(11)}  ${"per-slice IQR".padEnd(14)}goal >= 0.80`
  )
  for (const size of [1024, 100 * 1024]) {
    const records = makeRecords(size)
    const label = size === 1024 ? "1KB" : "100KB"
    for (const policy of ["fsync", "group", "none"] as const) {
      if (!selected(`${label}/${policy}`)) continue
      const writers = policy === "group" ? WRITERS : 1
      const [p, l, pc] = await compare([
        await plainSide(policy, records),
        await logSide(durabilityOf(policy), writers, false, records),
        // without a sync the checksum is a visible share of the time: measure plain + checksum too
        ...(policy === "none" ? [await plainSide(policy, records, true)] : [])
      ])
      const ratio = mbps(l!) / mbps(p!)
      console.log(
        `${label.padEnd(7)}${policy.padEnd(8)}${fmt(mbps(p!), 2)}  ${fmt(mbps(l!), 2)}  ${fmt(rps(p!), 0)}   ${fmt(rps(l!), 0)} ${
          fmt(ratio, 2)
        }  ${spread(l!, p!, mbps).padEnd(14)}${ratio >= 0.8 ? "ok" : "BELOW GOAL"}`
      )
      if (pc !== undefined) {
        console.log(
          `${"".padEnd(15)}plain + CRC-32 of each record: ${fmt(mbps(pc), 2).trim()} MB/s = ${
            (mbps(pc) / mbps(p!)).toFixed(2)
          } of plain (the ceiling for a checksummed log); log / (plain + CRC-32) = ${(mbps(l!) / mbps(pc)).toFixed(2)}`
        )
      }
    }
  }
  console.log("")
  console.log(
    `BatchedWriteAheadLog (${WRITERS} concurrent writers, fsync per batch) vs FileWriteAheadLog (1 writer, fsync per write)   goal >= 5x\n` +
      `device = plain fs, ${WRITERS} records per writev + fsync (the same bytes per sync as a full batch): ` +
      `the disk's limit for this batch size, measured in the same run`
  )
  console.log(
    `${"size".padEnd(7)}${"batched rec/s".padStart(14)}${"MB/s".padStart(10)}${"per-write rec/s".padStart(17)}` +
      `${"device rec/s".padStart(14)}${"MB/s".padStart(10)}${"batched/per-write".padStart(19)}${"device/per-write".padStart(18)}${
        "batched/device".padStart(16)
      }`
  )
  for (const size of [1024, 100 * 1024]) {
    const records = makeRecords(size)
    const label = size === 1024 ? "1KB" : "100KB"
    if (!selected(`${label}/batched`)) continue
    const [single, batched, device] = await compare([
      await logSide(WriteAheadLog.sync("fsync"), 1, false, records),
      await logSide(WriteAheadLog.sync("fsync"), WRITERS, true, records),
      await plainSide("device", records)
    ])
    const x = rps(batched!) / rps(single!)
    const ceiling = rps(device!) / rps(single!)
    const verdict = x >= 5
      ? "ok"
      : ceiling < 5
      ? `BELOW GOAL: disk-bound, the device allows ${ceiling.toFixed(1)}x`
      : "BELOW GOAL"
    console.log(
      `${label.padEnd(7)}${fmt(rps(batched!), 0).padStart(14)}${fmt(mbps(batched!), 1)}${fmt(rps(single!), 0).padStart(17)}${
        fmt(rps(device!), 0).padStart(14)
      }${fmt(mbps(device!), 1)}${(x.toFixed(2) + "x").padStart(19)}${(ceiling.toFixed(2) + "x").padStart(18)}${
        (rps(batched!) / rps(device!)).toFixed(2).padStart(16)
      }  ${verdict}`
    )
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
