/**
 * The executor side of the Kafka direct stream: the function each task's
 * range is read with. It is shipped by name (`Closure.fromModule(
 * "@tspark/streaming-kafka", "kafkaRangeReader", env)`) with plain settings
 * as its environment, so an executor builds its own kafkajs consumer and
 * keeps it: one per stream configuration per executor (process or thread),
 * reused batch after batch.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.KafkaDataConsumer` (the
 * executors' cached consumers) and `KafkaRDD.compute`.
 *
 * @since 0.1.0
 */
import type { OffsetRange as DirectOffsetRange } from "@tspark/streaming/dstream"
import type { ConsumerRecord } from "./ConsumerRecord.js"
import { RangeReader, type ReaderEnv } from "./internal/rangeReader.js"

export type { ReaderEnv } from "./internal/rangeReader.js"
/**
 * The checked Kafka parameters a reader is built from (plain data).
 *
 * @category models
 * @since 0.1.0
 */
export type { KafkaSettings } from "./internal/kafkaParams.js"
/**
 * How keys and values are decoded: UTF-8 text (`"string"`) or the bytes as a Buffer (`"buffer"`).
 *
 * @category models
 * @since 0.1.0
 */
export type { Encoding } from "./internal/kafkaParams.js"

// The readers of this process (or worker thread), by environment. Kept on globalThis so that every copy of
// this module loaded in one process (its ESM and CJS builds, or the sources under a test runner beside the
// build an executor imports) shares one cache, and `closeReaders` closes them all.
const CACHE = Symbol.for("@tspark/streaming-kafka/readers")
const readers = (): Map<string, RangeReader> => {
  const holder = globalThis as { [CACHE]?: Map<string, RangeReader> }
  return holder[CACHE] ??= new Map()
}

/**
 * The reader of `env`'s ranges: `(range) => Promise<records>`, records in
 * offset order. The executor's consumer for `env` is made at the first read
 * and reused; a consumer that crashes is dropped and the next read makes a
 * new one. A range that cannot be read (brokers down for longer than the
 * retries, no records within `spark.streaming.kafka.consumer.poll.ms`)
 * rejects with a `DirectSourceError` naming it, which fails its task.
 *
 * Mirrors `KafkaRDD.compute` over `KafkaDataConsumer.acquire`.
 *
 * **Example**
 * ```ts
 * const read = Closure.fromModule<[OffsetRange], Array<ConsumerRecord>>("@tspark/streaming-kafka", "kafkaRangeReader", env)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const kafkaRangeReader = (
  env: ReaderEnv
): (range: DirectOffsetRange.OffsetRange) => Promise<Array<ConsumerRecord<unknown, unknown>>> => {
  const key = JSON.stringify(env)
  return (range: DirectOffsetRange.OffsetRange): Promise<Array<ConsumerRecord<unknown, unknown>>> => {
    const cache = readers()
    let reader = cache.get(key)
    if (reader === undefined) {
      const made = new RangeReader(env, (dropped) => {
        if (cache.get(key) === dropped) cache.delete(key)
      })
      cache.set(key, made)
      reader = made
    }
    return reader.read(range)
  }
}

/**
 * Closes every Kafka reader of this process (reads in flight fail). Their
 * consumers keep the event loop alive, so a program that ran a Kafka stream
 * calls it before it ends; `KafkaUtils.createDirectStream` calls it when its
 * scope closes.
 *
 * Mirrors `KafkaDataConsumer.clear()`.
 *
 * **Example**
 * ```ts
 * await KafkaReader.closeReaders()
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const closeReaders = async (): Promise<void> => {
  const cache = readers()
  const all = [...cache.values()]
  cache.clear()
  await Promise.all(all.map((reader) => reader.close()))
}

/**
 * How many readers this process holds (one per stream configuration).
 *
 * Mirrors no Spark method; for tests and monitoring.
 *
 * **Example**
 * ```ts
 * KafkaReader.openReaders() // 1 after a batch was read here
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const openReaders = (): number => readers().size
