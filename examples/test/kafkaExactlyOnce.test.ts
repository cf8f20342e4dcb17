/**
 * Kafka to PostgreSQL exactly once, offsets in the results' transaction
 * (`kafkaExactlyOnceApp.ts`), against librdkafka's mock cluster and a
 * private PostgreSQL: a batch whose transaction fails ends the run and the
 * next run resumes from the database's offsets; an application stopped
 * half-way resumes from them too. Every message's words are counted once,
 * and the stored offsets are the topic's ends.
 */
import { type KafkaMockCluster, startKafkaMockCluster } from "@tspark/testkit"
import { Effect } from "effect"
import { Kafka, logLevel } from "kafkajs"
import pg from "pg"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type KafkaExactlyOnceOptions, superviseKafkaExactlyOnce } from "../src/kafkaExactlyOnceApp.js"
import { type PostgresServer, startPostgres } from "./utils/postgresServer.js"

let server: PostgresServer | undefined
let cluster: KafkaMockCluster | undefined

beforeAll(async () => {
  ;[server, cluster] = await Promise.all([startPostgres(), startKafkaMockCluster()])
}, 60_000)

afterAll(async () => {
  await cluster?.stop()
  await server?.stop()
})

const vocabulary = ["kafka", "spark", "stream", "batch", "offset", "commit", "replay"]

/** Message `i`'s value: one to three words by a fixed rule. */
const message = (i: number): string =>
  Array.from({ length: 1 + (i % 3) }, (_, j) => vocabulary[(i * 5 + j * 3) % vocabulary.length]).join(" ")

const expectedCounts = (n: number): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (let i = 0; i < n; i++) for (const word of message(i).split(" ")) counts[word] = (counts[word] ?? 0) + 1
  return counts
}

/** Produces messages `from` .. `from + count - 1` over the topic's four partitions. */
const produce = async (topic: string, from: number, count: number): Promise<void> => {
  const producer = new Kafka({ brokers: cluster!.bootstrap.split(","), logLevel: logLevel.NOTHING }).producer()
  await producer.connect()
  try {
    await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, i) => ({ value: message(from + i), partition: (from + i) % 4 }))
    })
  } finally {
    await producer.disconnect()
  }
}

const storedTotal = (pool: pg.Pool, app: string) =>
  Effect.promise(() => pool.query<{ total: string | null }>("SELECT sum(until_offset) AS total FROM kafka_offsets WHERE app = $1", [app]))
    .pipe(Effect.map((result) => Number(result.rows[0]?.total ?? 0)))

const tableCounts = async (url: string): Promise<Record<string, number>> => {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  try {
    const rows = await pool.query<{ word: string; count: string }>("SELECT word, count FROM kafka_word_counts")
    return Object.fromEntries(rows.rows.map((r) => [r.word, Number(r.count)]))
  } finally {
    await pool.end()
  }
}

const optionsFor = (url: string, topic: string, app: string): KafkaExactlyOnceOptions => ({
  brokers: cluster!.bootstrap,
  topic,
  pg: url,
  app,
  batchDuration: "500 millis",
  // A backlog drains over several batches: 50 records a partition a batch.
  conf: { "spark.streaming.kafka.maxRatePerPartition": "100" },
  kafkaParams: {
    "request.timeout.ms": "5000",
    "retries": "1",
    "retry.backoff.ms": "100",
    "session.timeout.ms": "6000",
    "heartbeat.interval.ms": "1000"
  }
})

describe("Kafka exactly once with offsets in the results' transaction", () => {
  it("a batch whose transaction fails is read again by the next run and counted once", async () => {
    const url = await server!.createDatabase("kafka_failed_batch")
    await produce("failed-batch", 0, 1200)
    let failed: number | undefined
    const options: KafkaExactlyOnceOptions = {
      ...optionsFor(url, "failed-batch", "failed-batch-app"),
      beforeCommit: (time) => {
        // The third batch's transaction fails once, after its writes, before COMMIT.
        if (failed === undefined && (seen += 1) === 3) {
          failed = time
          throw new Error("the database connection dropped")
        }
      }
    }
    let seen = 0
    const runs = await Effect.runPromise(
      Effect.scoped(superviseKafkaExactlyOnce(options, (pool) => Effect.map(storedTotal(pool, "failed-batch-app"), (n) => n === 1200)))
    )
    assert.isDefined(failed)
    assert.strictEqual(runs, 2, "the failed batch ended the first run; the second one finished")
    assert.deepStrictEqual(await tableCounts(url), expectedCounts(1200))
  }, 90_000)

  it("an application stopped half-way resumes from the database's offsets", async () => {
    const url = await server!.createDatabase("kafka_restart")
    const options = optionsFor(url, "restarted", "restart-app")
    await produce("restarted", 0, 1000)
    const first = await Effect.runPromise(
      Effect.scoped(superviseKafkaExactlyOnce(options, (pool) => Effect.map(storedTotal(pool, "restart-app"), (n) => n >= 400)))
    )
    assert.strictEqual(first, 1)
    await produce("restarted", 1000, 600)
    const second = await Effect.runPromise(
      Effect.scoped(superviseKafkaExactlyOnce(options, (pool) => Effect.map(storedTotal(pool, "restart-app"), (n) => n === 1600)))
    )
    assert.strictEqual(second, 1)
    assert.deepStrictEqual(await tableCounts(url), expectedCounts(1600))
  }, 90_000)
})
