/**
 * The exactly-once NetworkWordCount as a module: the graph, the PostgreSQL
 * tables and the write, and `startWordCount`, which runs the application
 * from its checkpoint directory. `exactlyOnceWordCount.ts` runs it from the
 * command line; tests run the same application in process or in a child.
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext, TransactionalOutput } from "@tspark/streaming"
import { Data, type Duration, Effect } from "effect"
import pg from "pg"
import { wordPairs } from "./networkLines.js"
import { createCommitsTable, postgresSink } from "./postgresSink.js"

/** What the application reads, where it writes and where it keeps its checkpoints. */
export interface WordCountOptions {
  /** The line server to read (`socketTextStream(host, port)`). */
  readonly host: string
  readonly port: number
  /** A PostgreSQL connection string, e.g. `postgres://postgres@127.0.0.1:5432/test`. */
  readonly pg: string
  /** The metadata checkpoint directory: a restart with the same one recovers. */
  readonly checkpointDir: string
  /** Default `local[2]`: the receiver takes one core, the batches the other. */
  readonly master?: string
  /** Default 1 second. */
  readonly batchDuration?: Duration.Input
  /** Extra Spark settings (`spark.streaming.blockInterval` is 200 ms unless given). */
  readonly conf?: Readonly<Record<string, string | number | boolean>>
}

/** The output's name: it keys the commit markers, so it stays the same across restarts. */
export const outputName = "word-counts"

/** Creating the tables failed (the server is unreachable, or refuses). */
export class DatabaseSetupError extends Data.TaggedError("DatabaseSetupError")<{
  readonly message: string
  readonly cause: unknown
}> {}

/** Creates the running totals table and the marker table if they are missing. */
export const createTables = (pool: pg.Pool): Effect.Effect<void, DatabaseSetupError> =>
  Effect.tryPromise({
    try: async () => {
      await pool.query("CREATE TABLE IF NOT EXISTS words (word text PRIMARY KEY, count bigint NOT NULL)")
      await createCommitsTable(pool)
    },
    catch: (cause) =>
      new DatabaseSetupError({
        cause,
        message: `could not create the tables words and the commit markers: ${cause instanceof Error ? cause.message : String(cause)}; ` +
          "check --pg (a connection string such as postgres://postgres@127.0.0.1:5432/test)"
      })
  })

/**
 * Adds one partition's counts to the running totals, in the transaction
 * the helper opened (with the partition's marker). A partition of
 * `reduceByKey`'s output holds each word once, as one statement's
 * `ON CONFLICT DO UPDATE` needs.
 */
export const upsertWordCounts = async (client: pg.PoolClient, counts: ReadonlyArray<readonly [string, number]>): Promise<void> => {
  await client.query(
    `INSERT INTO words (word, count) SELECT * FROM unnest($1::text[], $2::bigint[])
     ON CONFLICT (word) DO UPDATE SET count = words.count + EXCLUDED.count`,
    [counts.map(([word]) => word), counts.map(([, n]) => n)]
  )
}

/**
 * The application's graph: lines from the socket, each batch's word counts
 * (`reduceByKey`), written by `foreachRDD` + `foreachPartition` through the
 * transactional output. This is the `create` of `getOrCreate`: it runs on
 * every start, and a checkpoint's state is restored into what it builds.
 */
export const createContext = (sc: SparkContext.SparkContext, pool: pg.Pool, options: WordCountOptions) =>
  Effect.gen(function*() {
    const ssc = yield* StreamingContext.make(sc, { batchDuration: options.batchDuration ?? "1 second", stopGracefullyOnShutdown: true })
    yield* ssc.checkpoint(options.checkpointDir)
    const output = yield* TransactionalOutput.make({ name: outputName, sink: postgresSink(pool), write: upsertWordCounts })
    wordPairs(ssc.socketTextStream(options.host, options.port))
      .reduceByKey((a, b) => a + b)
      .foreachRDD((rdd, time) => rdd.foreachPartition(output.writer(time)))
    return ssc
  })

/**
 * Starts the application in this scope: a pool, the tables, a SparkContext,
 * and the streaming context recovered from `checkpointDir` (or created).
 * Closing the scope stops the context and ends the pool.
 */
export const startWordCount = (options: WordCountOptions) =>
  Effect.gen(function*() {
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const pool = new pg.Pool({ connectionString: options.pg, max: 4 })
        // An idle client's error (the server went away) would otherwise end the process.
        pool.on("error", (error) => console.error(`PostgreSQL pool: ${error.message}`))
        return pool
      }),
      (pool) => Effect.promise(() => pool.end())
    )
    yield* createTables(pool)
    const sc = yield* SparkContext.make({
      master: options.master ?? "local[2]",
      appName: "ExactlyOnceWordCount",
      conf: { "spark.streaming.blockInterval": "200ms", ...options.conf }
    })
    const ssc = yield* StreamingContext.getOrCreate(options.checkpointDir, () => createContext(sc, pool, options))
    yield* ssc.start()
    return { ssc, pool }
  })
