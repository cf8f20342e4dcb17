/**
 * Kafka direct streams: each batch reads offset ranges of the topic
 * partitions on the executors, offsets are committed to the consumer group
 * after output, and a restarted application resumes at the committed
 * offsets (or, with a checkpoint, at the exact ranges).
 *
 * Mirrors `org.apache.spark.streaming.kafka010.KafkaUtils`, with
 * `HasOffsetRanges` and `CanCommitOffsets` as functions.
 *
 * @since 0.1.0
 */
import type { RDD, SparkContext } from "@tspark/core"
import { SparkConf } from "@tspark/core"
import type { StreamingContext } from "@tspark/streaming"
import { DirectInputDStream, type DirectSource, type DStream } from "@tspark/streaming/dstream"
import { DirectRDD } from "@tspark/streaming/rdd"
import { Effect, type Scope } from "effect"
import type { ConsumerRecord } from "./ConsumerRecord.js"
import type { ConsumerStrategy } from "./ConsumerStrategies.js"
import { topicsOf } from "./ConsumerStrategies.js"
import { makeKafkaSource, shippedReader } from "./internal/kafkaSource.js"
import { type KafkaParams, parseKafkaParams } from "./internal/kafkaParams.js"
import type { ReaderEnv } from "./internal/rangeReader.js"
import { KafkaConfigError } from "./KafkaError.js"
import { closeReaders } from "./KafkaReader.js"
import type { LocationStrategy } from "./LocationStrategies.js"
import * as OffsetRange from "./OffsetRange.js"

/** Spark's setting for how long an executor waits for a range's records. */
export const POLL_TIMEOUT_KEY = "spark.streaming.kafka.consumer.poll.ms"

const config = (key: string, message: string) => new KafkaConfigError({ key, message })

const validTopic = (topic: unknown): topic is string => typeof topic === "string" && /^[A-Za-z0-9._-]{1,249}$/.test(topic)

const checkLocation = (location: LocationStrategy): KafkaConfigError | undefined =>
  location?._tag === "PreferConsistent" ? undefined : config(
    "locationStrategy",
    "only LocationStrategies.PreferConsistent is supported (PreferBrokers and PreferFixed are not)"
  )

/** The strategy's partitions as `topic-partition` names (Assign), or a problem with its arguments. */
const checkStrategy = (strategy: ConsumerStrategy): KafkaConfigError | undefined => {
  if (strategy?._tag !== "Subscribe" && strategy?._tag !== "Assign") {
    return config("consumerStrategy", "pass ConsumerStrategies.Subscribe(topics, kafkaParams) or ConsumerStrategies.Assign(...)")
  }
  if (strategy._tag === "Subscribe") {
    if (!Array.isArray(strategy.topics) || strategy.topics.length === 0) {
      return config("topics", "Subscribe needs at least one topic name")
    }
    const bad = strategy.topics.find((t) => !validTopic(t))
    if (bad !== undefined) return config("topics", `"${String(bad)}" is not a Kafka topic name (letters, digits, ".", "_", "-")`)
  } else {
    if (!Array.isArray(strategy.partitions) || strategy.partitions.length === 0) {
      return config("topicPartitions", "Assign needs at least one { topic, partition }")
    }
    const bad = strategy.partitions.find((tp) => !validTopic(tp?.topic) || !Number.isInteger(tp.partition) || tp.partition < 0)
    if (bad !== undefined) {
      return config("topicPartitions", `${JSON.stringify(bad)} is not a { topic, partition } with a partition number >= 0`)
    }
  }
  const topics = topicsOf(strategy)
  for (const [name, offset] of strategy.offsets ?? new Map()) {
    const parsed = OffsetRange.parsePartitionName(name)
    if (parsed === undefined || !topics.includes(parsed.topic)) {
      return config("offsets", `starting offset for "${name}": name a partition of ${topics.join(", ")} as topic-partition (events-0)`)
    }
    if (!Number.isInteger(offset) || offset < 0) {
      return config("offsets", `starting offset for ${name} is ${offset}; set a whole number >= 0`)
    }
  }
  return undefined
}

const readTimeoutOf = (sc: SparkContext.SparkContext): number | KafkaConfigError => {
  const raw = SparkConf.getString(sc.conf, POLL_TIMEOUT_KEY, "60000")
  const value = Number(raw)
  return Number.isInteger(value) && value > 0
    ? value
    : config(POLL_TIMEOUT_KEY, `${POLL_TIMEOUT_KEY} is "${raw}"; set it to a whole number of ms > 0`)
}

const readerEnv = (sc: SparkContext.SparkContext, params: KafkaParams, topics: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const settings = parseKafkaParams(params)
    if (settings instanceof KafkaConfigError) return yield* settings
    const readTimeoutMs = readTimeoutOf(sc)
    if (readTimeoutMs instanceof KafkaConfigError) return yield* readTimeoutMs
    const env: ReaderEnv = { settings, topics, readTimeoutMs }
    return env
  })

/**
 * A direct stream of the records of `consumerStrategy`'s partitions. Every
 * argument and Kafka parameter is checked now (a `KafkaConfigError` names
 * the key); the cluster is first contacted when the first batch is planned.
 * Each batch: the partitions' latest offsets (a topic that does not exist
 * fails the batch with a `DirectSourceError` whose cause is a
 * `KafkaTopicNotFoundError` naming it; brokers that are down fail it after
 * the client's retries), ranges from the stream's offsets (at first: the
 * strategy's offsets, else the group's committed offsets, else
 * `auto.offset.reset`) clamped by the rate settings of `DirectInputDStream`,
 * read on the executors. The scope closes the driver's Kafka clients and
 * this process's readers.
 *
 * The ranges are read where their tasks run: in this process on `local[N]`,
 * on the executors of `local-cluster` and `local-process` (the reader ships
 * by module name, and each executor keeps its own consumers).
 *
 * Mirrors `KafkaUtils.createDirectStream(ssc, locationStrategy, consumerStrategy)`.
 *
 * **Example**
 * ```ts
 * const params = { "bootstrap.servers": "localhost:9092", "group.id": "word-count", "auto.offset.reset": "earliest" }
 * const stream = yield* KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(["events"], params))
 * stream.foreachRDD((rdd) =>
 *   Effect.gen(function*() {
 *     const ranges = KafkaUtils.offsetRanges(rdd) ?? []
 *     yield* rdd.foreachPartition((records) => { for (const r of records) console.log(r.value) })
 *     KafkaUtils.commitAsync(stream, ranges)
 *   })
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const createDirectStream = <K = string, V = string>(
  ssc: StreamingContext.StreamingContext,
  locationStrategy: LocationStrategy,
  consumerStrategy: ConsumerStrategy
): Effect.Effect<DStream.DStream<ConsumerRecord<K, V>>, KafkaConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const problem = checkLocation(locationStrategy) ?? checkStrategy(consumerStrategy)
    if (problem !== undefined) return yield* problem
    const topics = topicsOf(consumerStrategy)
    const env = yield* readerEnv(ssc.sparkContext, consumerStrategy.kafkaParams, topics)
    const selection = consumerStrategy._tag === "Subscribe"
      ? { _tag: "Subscribe" as const, topics }
      : {
        _tag: "Assign" as const,
        topics,
        partitions: [...new Set(consumerStrategy.partitions.map((tp) => OffsetRange.partitionName(tp.topic, tp.partition)))]
      }
    const startingOffsets = new Map(consumerStrategy.offsets ?? [])
    const { client, source } = makeKafkaSource(env, selection)
    yield* Effect.addFinalizer(() => Effect.promise(() => Promise.all([client.close(), closeReaders()])))
    const stream = DirectInputDStream.make(ssc, source, { offsetReset: env.settings.offsetReset, startingOffsets })
    return stream as DStream.DStream<ConsumerRecord<K, V>>
  })

/**
 * An RDD of the records of `offsetRanges` (a batch job over Kafka), one
 * partition per non-empty range, read on the executors.
 *
 * Mirrors `KafkaUtils.createRDD(sc, kafkaParams, offsetRanges, locationStrategy)`.
 *
 * **Example**
 * ```ts
 * const rdd = yield* KafkaUtils.createRDD(sc, params, [OffsetRange.make("events", 0, 0, 100)], LocationStrategies.PreferConsistent)
 * const records = yield* rdd.collect()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const createRDD = <K = string, V = string>(
  sc: SparkContext.SparkContext,
  kafkaParams: KafkaParams,
  offsetRanges: ReadonlyArray<OffsetRange.OffsetRange>,
  locationStrategy: LocationStrategy
): Effect.Effect<RDD.RDD<ConsumerRecord<K, V>>, KafkaConfigError> =>
  Effect.gen(function*() {
    const problem = checkLocation(locationStrategy)
    if (problem !== undefined) return yield* problem
    const bad = offsetRanges.find((r) =>
      !validTopic(r?.topic) || !Number.isInteger(r.partition) || r.partition < 0 || !Number.isInteger(r.fromOffset) ||
      r.fromOffset < 0 || !Number.isInteger(r.untilOffset) || r.untilOffset < r.fromOffset
    )
    if (bad !== undefined) {
      return yield* config(
        "offsetRanges",
        `${JSON.stringify(bad)} is not a range: a topic, a partition >= 0, 0 <= fromOffset <= untilOffset`
      )
    }
    const topics = [...new Set(offsetRanges.map((r) => r.topic))]
    const env = yield* readerEnv(sc, kafkaParams, topics)
    const read = shippedReader(env)
    // An RDD of given ranges asks the source for nothing on the driver: only `read` (on the executors) is used.
    const source: DirectSource.DirectSource<ConsumerRecord<unknown, unknown>> = {
      name: `kafka:${topics.join(",")}`,
      read,
      latestOffsets: Effect.succeed(new Map()),
      earliestOffsets: Effect.succeed(new Map()),
      commit: () => Effect.void
    }
    return DirectRDD.make(sc, source, offsetRanges.map(OffsetRange.toDirect)) as RDD.RDD<ConsumerRecord<K, V>>
  })

/**
 * The Kafka offset ranges a batch RDD of a direct stream reads (every topic
 * partition's, empty ones included), or `undefined` for an RDD the stream
 * did not make: take them first thing in `foreachRDD` or `transform`, before
 * transforming the RDD.
 *
 * Mirrors `rdd.asInstanceOf[HasOffsetRanges].offsetRanges`.
 *
 * **Example**
 * ```ts
 * stream.foreachRDD((rdd) => Effect.log((KafkaUtils.offsetRanges(rdd) ?? []).map(OffsetRange.format)))
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const offsetRanges = (rdd: RDD.RDD<unknown>): ReadonlyArray<OffsetRange.OffsetRange> | undefined => {
  const ranges = DirectInputDStream.offsetRangesOf(rdd)
  if (ranges === undefined) return undefined
  const kafka: Array<OffsetRange.OffsetRange> = []
  for (const range of ranges) {
    const converted = OffsetRange.fromDirect(range)
    if (converted !== undefined) kafka.push(converted)
  }
  return kafka
}

/**
 * Queues `ranges` to be committed to the stream's consumer group (each
 * partition's `untilOffset`, the next offset to read), on the driver before
 * the next batch is planned: call it once the batch's output is done. A
 * commit that fails (brokers down) is logged and tried again at the next
 * batch. Returns false for a stream that is not a direct stream.
 *
 * Mirrors `stream.asInstanceOf[CanCommitOffsets].commitAsync(offsetRanges)`.
 *
 * **Example**
 * ```ts
 * KafkaUtils.commitAsync(stream, KafkaUtils.offsetRanges(rdd) ?? [])
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const commitAsync = (stream: DStream.DStream<unknown>, ranges: ReadonlyArray<OffsetRange.OffsetRange>): boolean =>
  DirectInputDStream.commitAsync(stream, ranges.map(OffsetRange.toDirect))
