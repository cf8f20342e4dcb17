/**
 * Kafka direct stream benchmark: messages/s of a word count over a topic
 * pre-filled with MESSAGES (default 1M) small messages (4 partitions, on
 * librdkafka's mock cluster in kcat), in the same run as
 *   - kafkajs in a plain loop: one consumer, `eachBatch` decoding each value
 *     and counting its words into a Map (the same work, without the engine);
 *   - the direct stream on each of MASTERS (default `local[2]` and
 *     `local-cluster[2,1,2048]`, two worker-thread executors):
 *     createDirectStream, flatMap -> map -> reduceByKey -> collect per batch,
 *     offsets committed after output.
 * Every reader joins its group before the clock starts (a join costs the
 * mock's 3 s rebalance delay; the executors' readers join in a warm-up job
 * reading one record of each partition where the stream will read it): the
 * plain loop's clock starts at its first batch, the stream's at the first
 * batch's processing start, and each stops when the last message is counted. The mock's own serving rate is shown
 * too: kafkajs fetching without decoding anything.
 *
 *   npm run -w @tspark/streaming-kafka bench
 *   MESSAGES=200000 RATE=50000 npm run -w @tspark/streaming-kafka bench
 *   (RATE: spark.streaming.kafka.maxRatePerPartition, per second, with 1 s batches; default 100000;
 *   MASTERS="local[2];local-cluster[2,1,2048]": the masters to run the stream on, separated by ";")
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { Kafka, logLevel } from "kafkajs"
import { randomUUID } from "node:crypto"
import * as ConsumerStrategies from "../src/ConsumerStrategies.js"
import { closeReaders } from "../src/KafkaReader.js"
import * as KafkaUtils from "../src/KafkaUtils.js"
import * as LocationStrategies from "../src/LocationStrategies.js"
import * as OffsetRange from "../src/OffsetRange.js"
import { startKafkaMockCluster } from "@tspark/testkit"

const MESSAGES = Number(process.env["MESSAGES"] ?? 1_000_000)
const RATE = Number(process.env["RATE"] ?? 100_000)
// The in-process backend, and two worker-thread executors of one core each.
const MASTERS = (process.env["MASTERS"] ?? "local[2];local-cluster[2,1,2048]").split(";")
const TOPIC = "bench-words"
const PARTITIONS = 4
const vocabulary = Array.from({ length: 1000 }, (_, i) => `w${i.toString(36)}`)
const messageAt = (i: number) => `${vocabulary[i % 1000]} ${vocabulary[(i * 7) % 1000]} ${vocabulary[(i * 13) % 1000]}`

const rate = (count: number, ms: number) => `${Math.round(count / (ms / 1000)).toLocaleString("en-US")} msg/s`

const fill = async (bootstrap: string) => {
  const producer = new Kafka({ brokers: bootstrap.split(","), logLevel: logLevel.NOTHING }).producer()
  await producer.connect()
  const started = performance.now()
  const chunk = 20_000
  for (let from = 0; from < MESSAGES; from += chunk) {
    const messages = Array.from({ length: Math.min(chunk, MESSAGES - from) }, (_, i) => ({
      value: messageAt(from + i),
      partition: (from + i) % PARTITIONS
    }))
    await producer.send({ topic: TOPIC, messages })
  }
  await producer.disconnect()
  return performance.now() - started
}

/** kafkajs alone: one consumer from the beginning; `work` per message. Time from the first batch to the last message. */
const plainLoop = async (bootstrap: string, decode: boolean) => {
  const kafka = new Kafka({ brokers: bootstrap.split(","), logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId: `plain-${randomUUID()}`, maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true })
  const counts = new Map<string, number>()
  let seen = 0
  let started = 0
  const elapsed = await new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (started === 0) started = performance.now()
        for (const message of batch.messages) {
          if (decode) {
            for (const word of message.value!.toString("utf8").split(" ")) counts.set(word, (counts.get(word) ?? 0) + 1)
          }
          seen++
        }
        if (seen >= MESSAGES) resolve(performance.now() - started)
      }
    })
  })
  await consumer.disconnect()
  if (decode && counts.get(vocabulary[0]!) === undefined) throw new Error("the plain loop counted nothing")
  return elapsed
}

const directStream = (bootstrap: string, master: string) =>
  Effect.scoped(Effect.gen(function*() {
    const params = { "bootstrap.servers": bootstrap, "group.id": `bench-${randomUUID()}`, "auto.offset.reset": "earliest" }
    const sc = yield* SparkContext.make({
      master,
      appName: "kafka-bench",
      conf: { "spark.streaming.kafka.maxRatePerPartition": String(RATE) }
    })
    // Each executor's readers join their groups before the clock starts, as the plain loop's consumer does: a batch job
    // over one record of each partition, placed as the stream places its ranges.
    const warmUp = yield* KafkaUtils.createRDD(
      sc,
      params,
      Array.from({ length: PARTITIONS }, (_, partition) => OffsetRange.make(TOPIC, partition, 0, 1)),
      LocationStrategies.PreferConsistent
    )
    yield* warmUp.count()
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    const stream = yield* KafkaUtils.createDirectStream(
      ssc,
      LocationStrategies.PreferConsistent,
      ConsumerStrategies.Subscribe([TOPIC], params)
    )
    let counted = 0
    let firstStart = 0
    let lastEnd = 0
    let batches = 0
    yield* ssc.addStreamingListener({
      onBatchStarted: (info) => {
        if (firstStart === 0 && info.numRecords > 0) firstStart = info.processingStartTime ?? Date.now()
      }
    })
    stream.foreachRDD((rdd) =>
      Effect.gen(function*() {
        const ranges = KafkaUtils.offsetRanges(rdd) ?? []
        const pairs = yield* rdd
          .flatMap((record) => (record.value ?? "").split(" "))
          .map((word) => [word, 1] as const)
          .reduceByKey((a, b) => a + b)
          .collect()
        let words = 0
        for (const [, n] of pairs) words += n
        counted += words / 3
        if (words > 0) batches++
        lastEnd = Date.now()
        KafkaUtils.commitAsync(stream, ranges)
      })
    )
    yield* ssc.start()
    while (counted < MESSAGES) yield* Effect.sleep("100 millis")
    yield* ssc.stop({ stopSparkContext: true })
    return { elapsed: lastEnd - firstStart, batches }
  }))

const main = async () => {
  const cluster = await startKafkaMockCluster()
  try {
    console.log(
      `pre-filling ${MESSAGES.toLocaleString("en-US")} messages (3 words, ~20 bytes) into ${TOPIC} (${PARTITIONS} partitions) ...`
    )
    const fillMs = await fill(cluster.bootstrap)
    console.log(`  produced in ${(fillMs / 1000).toFixed(1)} s (${rate(MESSAGES, fillMs)})`)
    const fetchOnly = await plainLoop(cluster.bootstrap, false)
    console.log(`kafkajs fetch only (the mock's serving rate): ${rate(MESSAGES, fetchOnly)}`)
    const plain = await plainLoop(cluster.bootstrap, true)
    console.log(`kafkajs plain loop, decode + word count:     ${rate(MESSAGES, plain)}`)
    for (const master of MASTERS) {
      const stream = await Effect.runPromise(directStream(cluster.bootstrap, master))
      console.log(
        `direct stream word count (${master}, maxRatePerPartition ${RATE}/s, ${stream.batches} batches): ${
          rate(MESSAGES, stream.elapsed)
        }` +
          `, ratio to the plain loop ${(plain / stream.elapsed).toFixed(2)}`
      )
    }
  } finally {
    await closeReaders()
    await cluster.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
