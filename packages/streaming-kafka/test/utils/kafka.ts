/**
 * Test helpers over a mock cluster: produce known messages, read the group's
 * committed offsets, and build a word-count application on `local[2]` whose
 * output records each batch's ranges and counts, committing after output.
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import * as Testing from "@tspark/streaming/testing"
import { type KafkaMockCluster, startKafkaMockCluster } from "@tspark/testkit"
import { Effect } from "effect"
import { Kafka, logLevel } from "kafkajs"
import { afterAll, beforeAll } from "vitest"
import * as ConsumerStrategies from "../../src/ConsumerStrategies.js"
import { closeReaders } from "../../src/KafkaReader.js"
import * as KafkaUtils from "../../src/KafkaUtils.js"
import * as LocationStrategies from "../../src/LocationStrategies.js"
import type * as OffsetRange from "../../src/OffsetRange.js"

const client = (bootstrap: string) =>
  new Kafka({ clientId: "tspark-test", brokers: bootstrap.split(","), logLevel: logLevel.NOTHING, retry: { retries: 3 } })

/** Produces `values[i]` to partition `i % partitions` of `topic` (created on first use by the mock). */
export const produce = async (bootstrap: string, topic: string, values: ReadonlyArray<string>, partitions = 4): Promise<void> => {
  const producer = client(bootstrap).producer({ allowAutoTopicCreation: true })
  await producer.connect()
  try {
    await producer.send({ topic, messages: values.map((value, i) => ({ value, partition: i % partitions })) })
  } finally {
    await producer.disconnect()
  }
}

/** The group's committed offsets, by `topic-partition`. */
export const committedOffsets = async (bootstrap: string, group: string, topic: string): Promise<Record<string, number>> => {
  const admin = client(bootstrap).admin()
  await admin.connect()
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
    return Object.fromEntries(offsets!.partitions.map((p) => [`${topic}-${p.partition}`, Number(p.offset)]))
  } finally {
    await admin.disconnect()
  }
}

/** Each partition's end offset, by `topic-partition`. */
export const latestOffsets = async (bootstrap: string, topic: string): Promise<Record<string, number>> => {
  const admin = client(bootstrap).admin()
  await admin.connect()
  try {
    return Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [`${topic}-${p.partition}`, Number(p.high)]))
  } finally {
    await admin.disconnect()
  }
}

/** Messages `m<from>` .. `m<from+count-1>`, each also carrying the word "all". */
export const messages = (from: number, count: number): Array<string> => Array.from({ length: count }, (_, i) => `m${from + i} all`)

/**
 * Kafka parameters for the tests: few retries, so that an outage is seen
 * within seconds; a request timeout that a loaded machine does not reach
 * (the outage test shortens it).
 */
export const testParams = (bootstrap: string, group: string, extra: Readonly<Record<string, string>> = {}) => ({
  "bootstrap.servers": bootstrap,
  "group.id": group,
  "auto.offset.reset": "earliest",
  "request.timeout.ms": "5000",
  "socket.connection.setup.timeout.ms": "1000",
  "retries": "1",
  "retry.backoff.ms": "100",
  "session.timeout.ms": "6000",
  "heartbeat.interval.ms": "1000",
  ...extra
})

export interface WordCountApp {
  readonly ssc: StreamingContext.StreamingContext
  /** Word counts summed over every batch. */
  readonly counts: Map<string, number>
  /** Each batch's Kafka ranges. */
  readonly batches: Array<ReadonlyArray<OffsetRange.OffsetRange>>
  /** Why batches failed, as listeners heard it. */
  readonly failures: Array<string>
}

/** A word count over `topic` (on local[2] unless told), 1 s batches on the test clock, committing each batch's ranges after its output. */
export const wordCountApp = (options: {
  readonly master?: string
  readonly bootstrap: string
  readonly topic: string
  readonly group: string
  readonly conf?: Readonly<Record<string, string>>
  readonly params?: Readonly<Record<string, string>>
}) =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master: options.master ?? "local[2]", appName: "kafka-test", conf: options.conf ?? {} })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    const strategy = ConsumerStrategies.Subscribe([options.topic], testParams(options.bootstrap, options.group, options.params))
    const stream = yield* KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, strategy)
    const app: WordCountApp = { ssc, counts: new Map(), batches: [], failures: [] }
    yield* ssc.addStreamingListener({
      onOutputOperationCompleted: (info) => {
        if (info.failureReason !== undefined) app.failures.push(info.failureReason)
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
        for (const [word, n] of pairs) app.counts.set(word, (app.counts.get(word) ?? 0) + n)
        app.batches.push(ranges)
        KafkaUtils.commitAsync(stream, ranges)
      })
    )
    return app
  })

export const total = (app: WordCountApp): number => app.counts.get("all") ?? 0

/**
 * Starts the app if needed and advances the test clock batch by batch until
 * `done()` holds, at most `maxBatches` batches, each time waiting until the
 * batch completed (its real IO on the mock cluster included), failed or not:
 * the failures are in `app.failures`. Returns how many batches ran.
 */
export const runUntil = (ssc: StreamingContext.StreamingContext, done: () => boolean, maxBatches: number) =>
  Effect.gen(function*() {
    if (ssc.getState() === "INITIALIZED") yield* ssc.start()
    let ran = 0
    for (; ran < maxBatches && !done(); ran++) yield* Testing.advanceBatchesThroughFailures(ssc, 1)
    yield* ssc.waitForListeners()
    return ran
  })

/**
 * A mock cluster for the `describe` block that calls it: started before its
 * tests, stopped after them, with the range readers this process keeps.
 */
export const mockClusterForBlock = (): { readonly bootstrap: string } => {
  let cluster: KafkaMockCluster | undefined
  beforeAll(async () => {
    cluster = await startKafkaMockCluster()
  })
  afterAll(async () => {
    await closeReaders()
    await cluster?.stop()
  })
  return {
    get bootstrap() {
      return cluster!.bootstrap
    }
  }
}
