/**
 * Spark's DirectKafkaWordCount: a direct stream over a Kafka topic, each
 * batch's word counts printed, the batch's offsets committed to the consumer
 * group after the output (so a restart with the same group resumes after the
 * last printed batch).
 *
 *   npm run -w @tspark/examples kafka-word-count
 *       starts librdkafka's mock cluster (kcat must be installed), produces the
 *       lines of examples/data/streaming.txt at 4 lines a second, runs 6 batches
 *   ... -- --brokers HOST:PORT[,HOST:PORT] --topic T --group G
 *       reads your cluster's topic until Ctrl-C (graceful stop)
 *   ... -- --batches N --master MASTER --conf KEY=VALUE
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { ConsumerStrategies, KafkaUtils, LocationStrategies, OffsetRange } from "@tspark/streaming-kafka"
import { startKafkaMockCluster } from "@tspark/testkit"
import { Effect } from "effect"
import { Kafka, logLevel } from "kafkajs"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { createMockTopic } from "./kafkaMockCluster.js"
import { argument, confArguments } from "./networkLines.js"

const here = path.dirname(fileURLToPath(import.meta.url))

/** Produces the lines of data/streaming.txt, 4 a second, spread over the topic's partitions. */
const produceLines = (brokers: string, topic: string, seconds: number) =>
  Effect.gen(function*() {
    const lines = fs.readFileSync(path.join(here, "..", "data", "streaming.txt"), "utf8").split("\n").filter((l) => l.length > 0)
    const producer = new Kafka({ clientId: "kafka-word-count-feeder", brokers: brokers.split(","), logLevel: logLevel.NOTHING }).producer()
    yield* Effect.acquireRelease(Effect.promise(() => producer.connect()), () => Effect.promise(() => producer.disconnect()))
    let sent = 0
    for (let second = 0; second < seconds; second++) {
      const chunk = lines.slice(second * 4, second * 4 + 4)
      yield* Effect.promise(() => producer.send({ topic, messages: chunk.map((value) => ({ value })) }))
      sent += chunk.length
      yield* Effect.sleep("1 second")
    }
    return sent
  })

const program = Effect.gen(function*() {
  const given = argument("--brokers")
  const batches = Number(argument("--batches") ?? "6")
  const topic = argument("--topic") ?? "lines"
  const group = argument("--group") ?? "kafka-word-count"
  const cluster = given === undefined
    ? yield* Effect.acquireRelease(Effect.promise(() => startKafkaMockCluster()), (c) => Effect.promise(c.stop))
    : undefined
  const brokers = given ?? cluster!.bootstrap
  if (cluster !== undefined) {
    // The stream reads only topics that exist: ask the mock for the topic, which creates it.
    yield* Effect.promise(() => createMockTopic(brokers, topic))
  }

  const sc = yield* SparkContext.make({ master: argument("--master") ?? "local[2]", appName: "kafka word count", conf: confArguments() })
  const ssc = yield* StreamingContext.make(sc, { batchDuration: "1 second", stopGracefullyOnShutdown: true })
  const params = { "bootstrap.servers": brokers, "group.id": group, "auto.offset.reset": "earliest" }
  const stream = yield* KafkaUtils.createDirectStream(
    ssc,
    LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([topic], params)
  )

  let records = 0
  let words = 0
  stream.foreachRDD((rdd, time) =>
    Effect.gen(function*() {
      const ranges = KafkaUtils.offsetRanges(rdd) ?? []
      const counts = yield* rdd
        .flatMap((record) => (record.value ?? "").toLowerCase().split(/[^a-z']+/))
        .filter((word) => word.length > 0)
        .map((word) => [word, 1] as const)
        .reduceByKey((a, b) => a + b)
        .collect()
      const read = ranges.reduce((n, r) => n + r.count, 0)
      records += read
      for (const [, n] of counts) words += n
      const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5)
      console.log(
        `batch ${new Date(time).toISOString()}: ${read} records [${ranges.filter((r) => r.count > 0).map(OffsetRange.format).join(", ")}]`
      )
      if (top.length > 0) console.log(`  top words: ${top.map(([w, n]) => `${w}=${n}`).join(" ")}`)
      // Output done: commit the batch's offsets to the group (sent before the next batch is planned).
      KafkaUtils.commitAsync(stream, ranges)
    })
  )

  yield* ssc.start()
  console.log(`reading topic ${topic} from ${brokers} as group ${group} (1 s batches)`)
  if (cluster === undefined) {
    yield* ssc.awaitTermination()
    return
  }
  const sent = yield* produceLines(brokers, topic, batches - 2)
  yield* ssc.awaitCompletedBatches(batches)
  yield* ssc.stop({ stopSparkContext: true, stopGracefully: true })
  console.log(`done: ${sent} lines produced, ${records} records read, ${words} words counted`)
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
