/**
 * Exactly-once output from Kafka with the offsets stored in the same
 * transaction as the results (Spark's Kafka integration guide, "Your own
 * data store"): each batch's word counts and the batch's offset ranges are
 * written to PostgreSQL in one transaction, and the application starts from
 * the offsets the database holds. No checkpoint is needed: the database is
 * the only place progress is recorded, so a result is in it exactly when
 * its offsets are.
 *
 * A batch's offsets are written only where the database's offset for the
 * partition is the batch's start ("update offsets where the end of existing
 * offsets matches the beginning of this batch", as the guide says). When it
 * is not, or the transaction fails, the batch rolls back and fails; the
 * stream's position has then moved past what the database holds, so the run
 * ends and `superviseKafkaExactlyOnce` starts a new one from the database's
 * offsets: that batch's records are read again, and counted once.
 */
import { SparkContext } from "@tspark/core"
import { type DStream, StreamingContext } from "@tspark/streaming"
import { ConsumerStrategies, KafkaUtils, LocationStrategies, type OffsetRange } from "@tspark/streaming-kafka"
import { Data, type Duration, Effect, Exit, Scope } from "effect"
import pg from "pg"

/** What the application reads and where it writes. */
export interface KafkaExactlyOnceOptions {
  /** Bootstrap brokers, `host:port[,host:port]`. */
  readonly brokers: string
  readonly topic: string
  /** A PostgreSQL connection string. */
  readonly pg: string
  /** Names the application's offsets in the database (one application, one set of offsets); default `kafka-exactly-once-word-count`. */
  readonly app?: string
  /** Default `local[2]`. */
  readonly master?: string
  /** Default 1 second. */
  readonly batchDuration?: Duration.Input
  /** Extra Spark settings (for example `spark.streaming.kafka.maxRatePerPartition`). */
  readonly conf?: Readonly<Record<string, string | number | boolean>>
  /** Extra Kafka parameters (timeouts, retries). */
  readonly kafkaParams?: Readonly<Record<string, string>>
  /** Runs in each batch's transaction after its writes, before COMMIT: a test's way to fail a batch there. */
  readonly beforeCommit?: (batchTime: number) => void | Promise<void>
}

/** The database holds another offset for a partition than the batch starts at: the run ends and restarts from the database. */
export class OffsetMismatchError extends Data.TaggedError("OffsetMismatchError")<{
  readonly partition: string
  readonly batchStart: number
}> {
  override get message(): string {
    return `the database's offset for ${this.partition} is not ${this.batchStart}, where the batch starts (an earlier batch ` +
      "failed after the stream moved on); start the application again: it resumes from the database's offsets"
  }
}

const defaultApp = "kafka-exactly-once-word-count"

/** Creates the results and offsets tables if they are missing. */
export const createTables = async (pool: pg.Pool): Promise<void> => {
  await pool.query("CREATE TABLE IF NOT EXISTS kafka_word_counts (word text PRIMARY KEY, count bigint NOT NULL)")
  await pool.query(
    `CREATE TABLE IF NOT EXISTS kafka_offsets (
       app text NOT NULL, topic text NOT NULL, partition integer NOT NULL, until_offset bigint NOT NULL,
       PRIMARY KEY (app, topic, partition)
     )`
  )
}

/** The offsets the database holds for `app` and `topic`, as the stream's starting offsets (`topic-partition`). */
export const storedOffsets = async (pool: pg.Pool, app: string, topic: string): Promise<Map<string, number>> => {
  const rows = await pool.query<{ partition: number; until_offset: string }>(
    "SELECT partition, until_offset FROM kafka_offsets WHERE app = $1 AND topic = $2",
    [app, topic]
  )
  return new Map(rows.rows.map((row) => [`${topic}-${row.partition}`, Number(row.until_offset)]))
}

/** One batch's results and offsets in one transaction; fails (rolled back) on an offset the batch does not start from. */
const writeBatch = async (
  pool: pg.Pool,
  app: string,
  ranges: ReadonlyArray<OffsetRange.OffsetRange>,
  counts: ReadonlyArray<readonly [string, number]>,
  commitHook: () => void | Promise<void>
): Promise<void> => {
  const client = await pool.connect()
  let failure: unknown
  try {
    await client.query("BEGIN")
    await client.query(
      `INSERT INTO kafka_word_counts (word, count) SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (word) DO UPDATE SET count = kafka_word_counts.count + EXCLUDED.count`,
      [counts.map(([word]) => word), counts.map(([, n]) => n)]
    )
    for (const range of ranges) {
      // Inserted for a partition seen first; otherwise moved only from where this batch starts.
      const moved = await client.query(
        `INSERT INTO kafka_offsets (app, topic, partition, until_offset) VALUES ($1, $2, $3, $5)
         ON CONFLICT (app, topic, partition) DO UPDATE SET until_offset = EXCLUDED.until_offset
         WHERE kafka_offsets.until_offset = $4`,
        [app, range.topic, range.partition, range.fromOffset, range.untilOffset]
      )
      if (moved.rowCount !== 1) {
        throw new OffsetMismatchError({ partition: `${range.topic}-${range.partition}`, batchStart: range.fromOffset })
      }
    }
    await commitHook()
    await client.query("COMMIT")
  } catch (error) {
    failure = error
    await client.query("ROLLBACK").catch(() => undefined)
    throw error
  } finally {
    // After a failure the connection may be in any state: the pool closes it rather than lend it again.
    client.release(failure !== undefined)
  }
}

/** A batch's word counts: the values' words, lower-cased. */
const wordCounts = (stream: DStream.DStream<{ readonly value: string | null }>) =>
  stream
    .flatMap((record) => (record.value ?? "").toLowerCase().split(/[^a-z0-9']+/))
    .filter((word) => word.length > 0)
    .map((word) => [word, 1] as const)
    .reduceByKey((a, b) => a + b)

/**
 * One run, in this scope: a SparkContext, the direct stream from the
 * database's offsets (else the topic's earliest), and the transactional
 * write of each batch. Closing the scope stops the run.
 */
export const startKafkaExactlyOnce = (pool: pg.Pool, options: KafkaExactlyOnceOptions) =>
  Effect.gen(function*() {
    const app = options.app ?? defaultApp
    const offsets = yield* Effect.promise(() => storedOffsets(pool, app, options.topic))
    const sc = yield* SparkContext.make({ master: options.master ?? "local[2]", appName: app, conf: { ...options.conf } })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: options.batchDuration ?? "1 second" })
    // Nothing is committed to Kafka: the group only names the application's clients.
    const params = { "bootstrap.servers": options.brokers, "group.id": app, "auto.offset.reset": "earliest", ...options.kafkaParams }
    const stream = yield* KafkaUtils.createDirectStream(
      ssc,
      LocationStrategies.PreferConsistent,
      ConsumerStrategies.Subscribe([options.topic], params, offsets)
    )
    const hook = options.beforeCommit
    const ranges = new Map<number, ReadonlyArray<OffsetRange.OffsetRange>>()
    // The ranges are the stream's own RDD's (a transformed RDD has none): taken first, used by the output below.
    stream.foreachRDD((rdd, time) => Effect.sync(() => void ranges.set(time, KafkaUtils.offsetRanges(rdd) ?? [])))
    wordCounts(stream).foreachRDD((rdd, time) =>
      Effect.gen(function*() {
        const batchRanges = ranges.get(time) ?? []
        ranges.delete(time)
        const counts = yield* rdd.collect()
        yield* Effect.tryPromise(() => writeBatch(pool, app, batchRanges, counts, () => hook?.(time)))
      })
    )
    yield* ssc.start()
    return ssc
  })

/** Makes a pool whose idle clients' errors (the server went away) do not end the process. */
export const makePool = (url: string): Effect.Effect<pg.Pool, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const pool = new pg.Pool({ connectionString: url, max: 4 })
      pool.on("error", (error) => console.error(`PostgreSQL pool: ${error.message}`))
      return pool
    }),
    (pool) => Effect.promise(() => pool.end())
  )

/**
 * Runs the application until `stopWhen` holds, starting a new run from the
 * database's offsets whenever one fails (a batch's transaction failed, or
 * its offsets did not match), at most `maxRuns` times. Returns how many runs
 * it took.
 */
export const superviseKafkaExactlyOnce = (
  options: KafkaExactlyOnceOptions,
  stopWhen: (pool: pg.Pool) => Effect.Effect<boolean>,
  maxRuns = 10
) =>
  Effect.gen(function*() {
    const pool = yield* makePool(options.pg)
    yield* Effect.promise(() => createTables(pool))
    for (let run = 1; run <= maxRuns; run++) {
      const scope = yield* Scope.make()
      const ssc = yield* Scope.provide(startKafkaExactlyOnce(pool, options), scope)
      // The run ends when it fails or when the caller is done; either way its scope closes before the next run.
      const outcome: Exit.Exit<unknown, unknown> = yield* Effect.raceFirst(
        Effect.exit(ssc.awaitTermination()),
        Effect.gen(function*() {
          while (!(yield* stopWhen(pool))) yield* Effect.sleep("100 millis")
          return Exit.void
        })
      )
      if (Exit.isSuccess(outcome)) {
        // Done: batches in flight finish their transactions before the run ends, so none commits after it.
        yield* ssc.stop({ stopSparkContext: true, stopGracefully: true })
        yield* Scope.close(scope, Exit.void)
        return run
      }
      yield* Scope.close(scope, Exit.void)
      yield* Effect.logWarning(`run ${run} failed, starting again from the database's offsets`, outcome.cause)
    }
    return yield* Effect.die(new Error(`the application failed ${maxRuns} times in a row`))
  })
