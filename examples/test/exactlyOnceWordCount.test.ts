/**
 * The exactly-once word count end to end: the example's own application
 * (`startWordCount`) on local[2], reading a loopback line server, writing to
 * a private PostgreSQL; then restarted from its checkpoint directory with
 * more lines. The table holds exactly the counts of the lines sent.
 */
import { Effect, Exit, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import pg from "pg"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { startWordCount } from "../src/exactlyOnceWordCountApp.js"
import { type LineServer, serveLines } from "./utils/lineServer.js"
import { type PostgresServer, startPostgres } from "./utils/postgresServer.js"
import { waitUntil } from "./utils/waitUntil.js"

let server: PostgresServer | undefined
let url: string
let pool: pg.Pool
let checkpointDir: string

beforeAll(async () => {
  server = await startPostgres()
  url = await server.createDatabase("word_count")
  pool = new pg.Pool({ connectionString: url, max: 2 })
  checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-exactly-once-ckpt-"))
})

afterAll(async () => {
  await pool?.end()
  await server?.stop()
  if (checkpointDir !== undefined) fs.rmSync(checkpointDir, { recursive: true, force: true })
})

const vocabulary = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]

/** `n` lines of words chosen by a fixed rule (no randomness), starting at line `from`. */
const makeLines = (from: number, n: number): Array<string> =>
  Array.from({ length: n }, (_, i) => {
    const k = from + i
    return Array.from({ length: 1 + (k % 4) }, (_, j) => vocabulary[(k * 3 + j * 5) % vocabulary.length]).join(" ")
  })

const countWords = (lines: ReadonlyArray<string>): Array<[string, number]> => {
  const counts = new Map<string, number>()
  for (const line of lines) for (const word of line.split(" ")) counts.set(word, (counts.get(word) ?? 0) + 1)
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1))
}

const tableTotals = async (): Promise<Array<[string, number]>> =>
  (await pool.query<{ word: string; count: string }>("SELECT word, count FROM words ORDER BY word")).rows.map((
    r
  ) => [r.word, Number(r.count)])

/**
 * Runs the application against `lines` until the table's total reaches
 * `expectedTotal` words, then stops it gracefully (receivers first, then
 * every received block processed) and closes its scope.
 */
const runUntil = async (lines: LineServer, expectedTotal: number): Promise<void> => {
  const scope = Effect.runSync(Scope.make())
  try {
    const { ssc } = await Effect.runPromise(
      Scope.provide(scope)(startWordCount({ host: "127.0.0.1", port: lines.port, pg: url, checkpointDir, batchDuration: "500 millis" }))
    )
    await waitUntil(
      `the words table to count ${expectedTotal} words`,
      async () => ({ sent: lines.sent(), totals: await tableTotals() }),
      ({ totals }) => totals.reduce((sum, [, n]) => sum + n, 0) >= expectedTotal
    )
    await Effect.runPromise(ssc.stop({ stopSparkContext: true, stopGracefully: true }))
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

describe("the exactly-once word count on PostgreSQL", () => {
  it("writes exactly the counts of the lines sent, and again after a restart from its checkpoint", async () => {
    const first = makeLines(0, 400)
    const firstServer = await serveLines(first, 4, 10)
    try {
      await runUntil(firstServer, countWords(first).reduce((sum, [, n]) => sum + n, 0))
    } finally {
      await firstServer.close()
    }
    assert.deepStrictEqual(await tableTotals(), countWords(first))
    assert.isAbove(fs.readdirSync(checkpointDir).filter((f) => f.startsWith("checkpoint-")).length, 0)

    // The restart recovers from the checkpoint (its last batch runs again and writes nothing twice) and goes on.
    const second = makeLines(400, 300)
    const secondServer = await serveLines(second, 4, 10)
    try {
      await runUntil(secondServer, countWords([...first, ...second]).reduce((sum, [, n]) => sum + n, 0))
    } finally {
      await secondServer.close()
    }
    assert.deepStrictEqual(await tableTotals(), countWords([...first, ...second]))
  })
})
