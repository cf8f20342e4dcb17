/**
 * TransactionalOutput against a real PostgreSQL (a private server for this
 * file): the example's sink and upsert, a replayed batch, a failure in the
 * middle of a partition, two outputs, two attempts at one partition at once,
 * and a writer built on worker-thread executors.
 */
import { Closure, type RDD, SparkContext, type TaskContext } from "@tspark/core"
import { TransactionalOutput } from "@tspark/streaming"
import { Effect } from "effect"
import pg from "pg"
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "vitest"
import { createTables, upsertWordCounts } from "../src/exactlyOnceWordCountApp.js"
import { commitsTable, postgresSink } from "../src/postgresSink.js"
import { type PostgresServer, startPostgres } from "./utils/postgresServer.js"

type Count = readonly [string, number]

let server: PostgresServer | undefined
let databaseUrl: string
let pool: pg.Pool

beforeAll(async () => {
  server = await startPostgres()
  databaseUrl = await server.createDatabase("exactly_once")
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })
  await Effect.runPromise(createTables(pool))
})

afterAll(async () => {
  await pool?.end()
  await server?.stop()
})

beforeEach(async () => {
  await pool.query(`TRUNCATE words, ${commitsTable}`)
})

const totals = async (): Promise<Array<[string, number]>> =>
  (await pool.query<{ word: string; count: string }>("SELECT word, count FROM words ORDER BY word")).rows.map((
    r
  ) => [r.word, Number(r.count)])

const markers = async (): Promise<Array<string>> =>
  (await pool.query<{ m: string }>(`SELECT output || '/' || batch_time || '/' || part AS m FROM ${commitsTable} ORDER BY 1`)).rows.map((
    r
  ) => r.m)

/** Runs `program` with a SparkContext of its own (local[2] unless told). */
const withSpark = <A, E>(program: (sc: SparkContext.SparkContext) => Effect.Effect<A, E>, master = "local[2]"): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(SparkContext.make({ master, appName: "exactly-once test" }), program)))

const output = (name: string, write: (client: pg.PoolClient, counts: ReadonlyArray<Count>) => Promise<void> = upsertWordCounts) =>
  Effect.runSync(TransactionalOutput.make({ name, sink: postgresSink(pool), write }))

const writeBatch = (rdd: RDD.RDD<Count>, out: TransactionalOutput.TransactionalOutput<Count>, time: number) =>
  rdd.foreachPartition(out.writer(time))

describe("TransactionalOutput on PostgreSQL", () => {
  it("a batch written twice (a replay of the same batch time) leaves its counts once", async () => {
    await withSpark((sc) =>
      Effect.gen(function*() {
        const batch = sc.parallelize<Count>([["apple", 1], ["pear", 2], ["plum", 3]], 2)
        const counts = output("word-counts")
        yield* writeBatch(batch, counts, 1000)
        yield* writeBatch(batch, counts, 1000)
      })
    )
    assert.deepStrictEqual(await totals(), [["apple", 1], ["pear", 2], ["plum", 3]])
    assert.deepStrictEqual(await markers(), ["word-counts/1000/0", "word-counts/1000/1"])
    // The next batch adds to the totals.
    await withSpark((sc) => writeBatch(sc.parallelize<Count>([["apple", 10]], 1), output("word-counts"), 2000))
    assert.deepStrictEqual(await totals(), [["apple", 11], ["pear", 2], ["plum", 3]])
  })

  it("a failure after some rows of a partition rolls the partition back; running the batch again writes it once", async () => {
    // One row per statement, failing before the third: two rows are in the transaction when it fails.
    const failAfterTwo = async (client: pg.PoolClient, counts: ReadonlyArray<Count>) => {
      for (const [i, count] of counts.entries()) {
        if (i === 2) throw new Error(`refusing row ${i} (${count[0]})`)
        await upsertWordCounts(client, [count])
      }
    }
    const rows: Array<Count> = [["a", 1], ["b", 1], ["c", 1], ["d", 1]]
    const error = await withSpark((sc) => Effect.flip(writeBatch(sc.parallelize(rows, 1), output("word-counts", failAfterTwo), 1000)))
    assert.match(
      error.message,
      /output "word-counts" did not write partition 0 of batch 1000: write failed \(Error: refusing row 2 \(c\)\)/
    )
    assert.deepStrictEqual(await totals(), [])
    assert.deepStrictEqual(await markers(), [])
    await withSpark((sc) => writeBatch(sc.parallelize(rows, 1), output("word-counts"), 1000))
    await withSpark((sc) => writeBatch(sc.parallelize(rows, 1), output("word-counts"), 1000))
    assert.deepStrictEqual(await totals(), [["a", 1], ["b", 1], ["c", 1], ["d", 1]])
  })

  it("two outputs with different names do not collide on the same batch and partition", async () => {
    await withSpark((sc) =>
      Effect.gen(function*() {
        const batch = sc.parallelize<Count>([["x", 1]], 1)
        for (const name of ["left", "right", "left", "right"]) yield* writeBatch(batch, output(name), 1000)
      })
    )
    assert.deepStrictEqual(await totals(), [["x", 2]])
    assert.deepStrictEqual(await markers(), ["left/1000/0", "right/1000/0"])
  })

  it("two attempts at one partition at the same time write it once: the second waits on the marker's key", async () => {
    // A slow write keeps the first transaction open while the second claims the same marker.
    const slow = async (client: pg.PoolClient, counts: ReadonlyArray<Count>) => {
      await client.query("SELECT pg_sleep(0.3)")
      await upsertWordCounts(client, counts)
    }
    const writer = output("word-counts", slow).writer(1000)
    const ctx = { partitionId: 0 } as TaskContext.TaskContext
    await Promise.all([writer([["kiwi", 5]], ctx), writer([["kiwi", 5]], ctx)])
    assert.deepStrictEqual(await totals(), [["kiwi", 5]])
    assert.deepStrictEqual(await markers(), ["word-counts/1000/0"])
  })

  it("on worker-thread executors, a writer built there (Closure.fromModule) writes each partition once", async () => {
    const module = new URL("./fixtures/shippedWordCounts.mjs", import.meta.url).href
    await withSpark((sc) =>
      Effect.gen(function*() {
        const batch = sc.parallelize<Count>([["a", 1], ["b", 2], ["c", 3], ["d", 4]], 3)
        for (const batchTime of [1000, 1000, 2000]) {
          const writer = Closure.fromModule<[IterableIterator<Count>, TaskContext.TaskContext], void>(module, "wordCountWriter", {
            url: databaseUrl,
            name: "shipped",
            batchTime
          })
          yield* batch.foreachPartition(writer)
        }
      }), "local-cluster[2,1,512]")
    assert.deepStrictEqual(await totals(), [["a", 2], ["b", 4], ["c", 6], ["d", 8]])
    assert.deepStrictEqual(await markers(), [0, 1, 2].flatMap((p) => [`shipped/1000/${p}`, `shipped/2000/${p}`]).sort())
  })
})
