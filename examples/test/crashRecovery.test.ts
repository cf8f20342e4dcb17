/**
 * The crash test: a streaming application in a child process (a reliable
 * receiver over real TCP with the receiver write-ahead log on, word counts
 * written to a private PostgreSQL through TransactionalOutput) is SIGKILLed
 * at random moments, at least 20 times, and started again each time from
 * its checkpoint directory. The first kill comes right after the source's
 * first acknowledgement (before the first batch's checkpoint, as a rule: a
 * fresh context must be recoverable before it acknowledges anything). At the
 * end the table holds exactly the counts of the lines the source sent, and
 * each line's sequence number was counted exactly once: nothing lost,
 * nothing counted twice. The kill count and the totals are printed; a
 * failure prints which numbers were lost or doubled and where each went
 * (see `diagnose`).
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import pg from "pg"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type AckedLineServer, startAckedLineServer } from "./crash/ackedLineServer.js"
import { covers, diagnosticsFile, ranges } from "./crash/crashLog.js"
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
/** The application's trail (see crash/crashLog.ts) and the output of each of its runs. */
let diagnosticsDir: string | undefined
let child: ChildProcess | undefined

beforeAll(async () => {
  server = await startPostgres()
  checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-crash-ckpt-"))
  diagnosticsDir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-crash-diag-"))
})

afterAll(async () => {
  child?.kill("SIGKILL")
  await source?.close()
  await pool?.end()
  await server?.stop()
  if (checkpointDir !== undefined) fs.rmSync(checkpointDir, { recursive: true, force: true })
  if (diagnosticsDir !== undefined) fs.rmSync(diagnosticsDir, { recursive: true, force: true })
})

/** A seeded generator (mulberry32): the kill moments vary from run to run only with the seed, printed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const app = path.join(import.meta.dirname, "crash", "crashApp.ts")

let runs = 0
/** Runs that ended by themselves, not by the test's SIGKILL (an error ends the application): each says which and how. */
const selfExits: Array<string> = []

/** Starts the application; resolves once it printed `started` (its context runs). Its output goes to `run-<n>.log`. */
const startApplication = (url: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const started = spawn(process.execPath, ["--import", "tsx", app, String(source!.port), url, checkpointDir!, diagnosticsDir!], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    const log = fs.createWriteStream(path.join(diagnosticsDir!, `run-${++runs}.log`))
    // What it printed before it started, for the error if it exits instead.
    let output = ""
    let stdout = ""
    started.stdout!.on("data", (chunk: Buffer) => {
      log.write(chunk)
      if (stdout.includes("started")) return
      stdout += chunk.toString("utf8")
      output += chunk.toString("utf8")
      if (stdout.includes("started")) resolve(started)
    })
    started.stderr!.on("data", (chunk: Buffer) => {
      log.write(chunk)
      if (!stdout.includes("started")) output += chunk.toString("utf8")
    })
    const run = runs
    started.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") selfExits.push(`run ${run} exited by itself (${code ?? signal}): see run-${run}.log`)
      reject(new Error(`the application exited (${code ?? signal}) before it started:\n${output}`))
    })
  })

const kill = (process: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (process.exitCode !== null || process.signalCode !== null) return resolve()
    process.once("exit", () => resolve())
    process.kill("SIGKILL")
  })

const totals = async (): Promise<Map<string, number>> => {
  const rows = await pool!.query<{ word: string; count: string }>("SELECT word, count FROM words")
  return new Map(rows.rows.map((row) => [row.word, Number(row.count)]))
}

/** Whether a line of a trail mentions `seq` (one of its words is a list of ranges covering it). */
const mentions = (line: string, seq: number): boolean => line.split(/[\s:]+/).some((word) => /^\d[\d,-]*$/.test(word) && covers(word, seq))

/**
 * What went wrong, when the table is not exact: the sequence numbers never
 * counted and those counted more than once (the application notes each
 * batch's in `counted_seqs`, in the transaction of its counts), and, for the
 * first of each gap, every line of the source's history and of the
 * application's trail (stored, kept or dropped by the state) that mentions
 * it. The checkpoint directory and the source's history are kept for a look.
 */
const diagnose = async (seed: number): Promise<string> => {
  const missing = (await pool!.query<{ s: number }>(
    "SELECT s FROM generate_series(1, $1::int) AS s WHERE NOT EXISTS (SELECT 1 FROM counted_seqs c WHERE c.seq = s) ORDER BY s",
    [LINES]
  )).rows.map((row) => row.s)
  const doubled = (await pool!.query<{ seq: number; times: Array<string> }>(
    "SELECT seq, array_agg(batch_time ORDER BY batch_time) AS times FROM counted_seqs GROUP BY seq HAVING count(*) > 1 ORDER BY seq"
  )).rows
  const kept = path.join(os.tmpdir(), `tspark-crash-${seed}-${process.pid}`)
  fs.cpSync(checkpointDir!, path.join(kept, "checkpoint"), { recursive: true })
  fs.cpSync(diagnosticsDir!, kept, { recursive: true })
  fs.writeFileSync(path.join(kept, "source-history.log"), source!.history().join("\n") + "\n")
  const trail = fs.readFileSync(diagnosticsFile(diagnosticsDir!), "utf8").split("\n")
  const firsts = [...missing.filter((seq, i) => i === 0 || missing[i - 1] !== seq - 1), ...doubled.map((row) => row.seq)].slice(0, 3)
  const report = [
    ...selfExits,
    `missing (never counted): ${ranges(missing) || "none"}`,
    `doubled: ${doubled.slice(0, 20).map((row) => `${row.seq} (batches ${row.times.join(", ")})`).join("; ") || "none"}`,
    `the checkpoint directory, the trail, each run's output and the source's history are kept in ${kept}`
  ]
  for (const seq of firsts) {
    report.push(`-- seq ${seq}: the source`, ...source!.history().filter((line) => mentions(line, seq) || line.includes("starts at")))
    report.push(`-- seq ${seq}: the application (pid, event)`)
    report.push(
      ...trail.filter((line) => mentions(line.slice(line.indexOf(" ") + 1), seq) || / (application starts|receiver connects)$/.test(line))
    )
  }
  return report.join("\n")
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
    // The first run dies as soon as the source has an acknowledgement: before the application has written its first
    // metadata checkpoint, as a rule, so that the acknowledged lines are only in the write-ahead logs.
    child = await startApplication(url)
    const firstAckBy = Date.now() + 60_000
    while (source.acked() === 0 && Date.now() < firstAckBy) await new Promise((resolve) => setTimeout(resolve, 2))
    await kill(child)
    kills++
    const checkpointsAtFirstKill = fs.readdirSync(checkpointDir!).filter((name) => /^checkpoint-\d+$/.test(name)).length
    console.log(`crash test: first kill at ${source.acked()} lines acknowledged, ${checkpointsAtFirstKill} metadata checkpoints written`)
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
    try {
      // An application that ended by itself counts nothing more: say so at once.
      await waitUntil(`all ${LINES} lines counted (seed ${seed})`, sum, (n) => n >= LINES || selfExits.length > 0, 180_000)
      if (selfExits.length > 0) throw new Error(`the application ended by itself`)
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${await diagnose(seed)}`, { cause: error })
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const counted = await totals()
    await kill(child)
    child = undefined

    console.log(
      `crash test (seed ${seed}): ${kills} kills, ${source.resent()} resends from the last acknowledged line ` +
        `(${ackedAtLastKill} of ${LINES} acknowledged at the last kill); ${await sum()} words counted, ` +
        `${LINES} sent; checkpoint directory at most ${maxCheckpointFiles} files`
    )
    // Every line exactly once, by its sequence number; then the totals (which the numbers imply).
    const unexact = await pool!.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT seq FROM counted_seqs GROUP BY seq HAVING count(*) <> 1) AS d`
    )
    const distinct = await pool!.query<{ n: string }>("SELECT count(DISTINCT seq) AS n FROM counted_seqs")
    const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1))
    if (
      Number(unexact.rows[0]!.n) > 0 || Number(distinct.rows[0]!.n) !== LINES ||
      JSON.stringify(sorted(counted)) !== JSON.stringify(sorted(expected))
    ) {
      assert.fail(`seed ${seed}: the lines were not counted exactly once\n${await diagnose(seed)}`)
    }
    assert.isAtLeast(kills, 20)
  }, 600_000)
})
