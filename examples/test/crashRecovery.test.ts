/**
 * The crash test: a streaming application in a child process (a reliable
 * receiver over real TCP with the receiver write-ahead log on, word counts
 * written to a private PostgreSQL through TransactionalOutput) is SIGKILLed
 * at random moments, at least 20 times, and started again each time from
 * its checkpoint directory. At the end the table holds exactly the counts of
 * the lines the source sent: nothing lost, nothing counted twice. The kill
 * count and the totals are printed.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import pg from "pg"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type AckedLineServer, startAckedLineServer } from "./crash/ackedLineServer.js"
import { type PostgresServer, startPostgres } from "./utils/postgresServer.js"
import { waitUntil } from "./utils/waitUntil.js"

const KILLS = Number(process.env["TSPARK_CRASH_KILLS"] ?? 20)
const LINES = 30_000
/** The source's rate: its lines keep coming through about 75 s of kills and restarts. */
const LINES_PER_SECOND = 400
const vocabulary = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]

let server: PostgresServer | undefined
let source: AckedLineServer | undefined
let pool: pg.Pool | undefined
let checkpointDir: string | undefined
let child: ChildProcess | undefined

beforeAll(async () => {
  server = await startPostgres()
  checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-crash-ckpt-"))
})

afterAll(async () => {
  child?.kill("SIGKILL")
  await source?.close()
  await pool?.end()
  await server?.stop()
  if (checkpointDir !== undefined) fs.rmSync(checkpointDir, { recursive: true, force: true })
})

/** A seeded generator (mulberry32): the kill moments vary from run to run only with the seed, printed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const app = path.join(import.meta.dirname, "crash", "crashApp.ts")

/** Starts the application; resolves once it printed `started` (its context runs). */
const startApplication = (url: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const started = spawn(process.execPath, ["--import", "tsx", app, String(source!.port), url, checkpointDir!], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      if (output.includes("started")) resolve(started)
    }
    started.stdout!.on("data", onData)
    started.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
    started.on("exit", (code, signal) => reject(new Error(`the application exited (${code ?? signal}) before it started:\n${output}`)))
  })

const kill = (process: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    process.once("exit", () => resolve())
    process.kill("SIGKILL")
  })

const totals = async (): Promise<Map<string, number>> => {
  const rows = await pool!.query<{ word: string; count: string }>("SELECT word, count FROM words")
  return new Map(rows.rows.map((row) => [row.word, Number(row.count)]))
}

const countFiles = (dir: string): number =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce(
    (n, entry) => n + (entry.isDirectory() ? countFiles(path.join(dir, entry.name)) : 1),
    0
  )

describe("crash recovery", () => {
  it(`loses and doubles nothing across ${KILLS} SIGKILLs of the driver`, async () => {
    const seed = Number(process.env["TSPARK_CRASH_SEED"] ?? Date.now() % 1_000_000)
    const next = random(seed)
    const lines = Array.from({ length: LINES }, (_, i) => vocabulary[(i * 7 + (i >> 3)) % vocabulary.length]!)
    const expected = new Map<string, number>()
    for (const word of lines) expected.set(word, (expected.get(word) ?? 0) + 1)
    source = await startAckedLineServer(lines, LINES_PER_SECOND)
    const url = await server!.createDatabase("crash_test")
    pool = new pg.Pool({ connectionString: url, max: 2 })

    let kills = 0
    let maxCheckpointFiles = 0
    while (kills < KILLS) {
      child = await startApplication(url)
      // Somewhere in the next 0.2 to 2.5 s: while receiving, storing, writing a batch or a checkpoint.
      await new Promise((resolve) => setTimeout(resolve, 200 + next() * 2300))
      await kill(child)
      kills++
      maxCheckpointFiles = Math.max(maxCheckpointFiles, countFiles(checkpointDir!))
    }
    const ackedAtLastKill = source.acked()

    // The last run goes on until every line is counted; then the totals must be exact, and stay so.
    child = await startApplication(url)
    const sum = async () => [...(await totals()).values()].reduce((a, b) => a + b, 0)
    // The seed in the label, so a run that times out can be replayed (TSPARK_CRASH_SEED).
    await waitUntil(`all ${LINES} lines counted (seed ${seed})`, sum, (n) => n >= LINES, 180_000)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const counted = await totals()
    await kill(child)
    child = undefined

    console.log(
      `crash test (seed ${seed}): ${kills} kills, ${source.resent()} resends from the last acknowledged line ` +
        `(${ackedAtLastKill} of ${LINES} acknowledged at the last kill); ${await sum()} words counted, ` +
        `${LINES} sent; checkpoint directory at most ${maxCheckpointFiles} files`
    )
    assert.deepStrictEqual(
      [...counted].sort(([a], [b]) => (a < b ? -1 : 1)),
      [...expected].sort(([a], [b]) => (a < b ? -1 : 1)),
      `seed ${seed}`
    )
    assert.isAtLeast(kills, 20)
  }, 600_000)
})
