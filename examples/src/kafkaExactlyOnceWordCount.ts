/**
 * A Kafka word count written exactly once to PostgreSQL, each batch's
 * results and offsets in one transaction (`kafkaExactlyOnceApp.ts`; Spark's
 * Kafka integration guide, "Your own data store"). Runs until Ctrl-C; a run
 * that fails (a batch's transaction failed) is started again from the
 * offsets in the database.
 *
 *   npm run -w @tspark/examples kafka-exactly-once-word-count -- --pg URL
 *       starts librdkafka's mock cluster (kcat must be installed), produces
 *       the lines of data/streaming.txt over 8 seconds, stops once all are in
 *       the database, and prints the top totals
 *   ... -- --pg URL --brokers HOST:PORT[,HOST:PORT] --topic T    reads your cluster until Ctrl-C
 *   ... -- --app NAME --master MASTER --conf KEY=VALUE
 *
 * Run it again with the same --app and it resumes where the database says.
 */
import { startKafkaMockCluster } from "@tspark/testkit"
import { Effect } from "effect"
import { Kafka, logLevel } from "kafkajs"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type pg from "pg"
import { makePool, superviseKafkaExactlyOnce } from "./kafkaExactlyOnceApp.js"
import { createMockTopic } from "./kafkaMockCluster.js"
import { argument, confArguments } from "./networkLines.js"

const here = path.dirname(fileURLToPath(import.meta.url))

/** Produces the lines of data/streaming.txt over `seconds` seconds; resolves with how many. */
const produceLines = (brokers: string, topic: string, seconds: number) =>
  Effect.gen(function*() {
    const lines = fs.readFileSync(path.join(here, "..", "data", "streaming.txt"), "utf8").split("\n").filter((l) => l.length > 0)
    const producer = new Kafka({ clientId: "exactly-once-feeder", brokers: brokers.split(","), logLevel: logLevel.NOTHING }).producer()
    yield* Effect.acquireRelease(Effect.promise(() => producer.connect()), () => Effect.promise(() => producer.disconnect()))
    const perSecond = Math.ceil(lines.length / seconds)
    for (let second = 0; second < seconds; second++) {
      const chunk = lines.slice(second * perSecond, (second + 1) * perSecond)
      if (chunk.length > 0) yield* Effect.promise(() => producer.send({ topic, messages: chunk.map((value) => ({ value })) }))
      yield* Effect.sleep("1 second")
    }
    return lines.length
  })

const storedTotal = (pool: pg.Pool, app: string) =>
  Effect.promise(() => pool.query<{ total: string | null }>("SELECT sum(until_offset) AS total FROM kafka_offsets WHERE app = $1", [app]))
    .pipe(Effect.map((result) => Number(result.rows[0]?.total ?? 0)))

const program = Effect.gen(function*() {
  const url = argument("--pg")
  if (url === undefined) {
    console.error("Give the database to write to: --pg postgres://USER@HOST:PORT/DATABASE")
    process.exitCode = 2
    return
  }
  const given = argument("--brokers")
  const topic = argument("--topic") ?? "lines"
  const app = argument("--app") ?? "kafka-exactly-once-word-count"
  const cluster = given === undefined
    ? yield* Effect.acquireRelease(Effect.promise(() => startKafkaMockCluster()), (c) => Effect.promise(c.stop))
    : undefined
  const brokers = given ?? cluster!.bootstrap
  const options = { brokers, topic, pg: url, app, master: argument("--master") ?? "local[2]", conf: confArguments() }
  console.log(`reading topic ${topic} from ${brokers}; results and offsets of application ${app} go to ${url}`)

  let produced: number | undefined
  if (cluster !== undefined) {
    yield* Effect.promise(() => createMockTopic(brokers, topic))
    yield* Effect.forkScoped(Effect.map(produceLines(brokers, topic, 8), (n) => void (produced = n)))
  }
  // With your cluster: until Ctrl-C. With the mock: until every line produced is in the database.
  const runs = yield* superviseKafkaExactlyOnce(
    options,
    (pool) => produced === undefined ? Effect.succeed(false) : Effect.map(storedTotal(pool, app), (n) => n >= produced!)
  )
  console.log(`done after ${runs} run(s): ${produced} lines, every one counted once`)
  const pool = yield* makePool(url)
  const top = yield* Effect.promise(() =>
    pool.query<{ word: string; count: string }>("SELECT word, count FROM kafka_word_counts ORDER BY count DESC, word LIMIT 10")
  )
  console.log(`top words in the table: ${top.rows.map((r) => `${r.word}=${r.count}`).join(" ")}`)
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
