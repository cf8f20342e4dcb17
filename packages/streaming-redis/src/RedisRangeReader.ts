/**
 * The executors' side of a direct stream over Redis Streams: the function
 * that reads one offset range, loaded by module name wherever the task runs
 * (`Closure.fromModule`), so that it ships to worker-thread and process
 * executors with plain options and keeps one connection per executor.
 *
 * @since 0.1.0
 */
import { Closure } from "@tspark/core"
import type { OffsetRange } from "@tspark/streaming"
import { closeAll, type ReaderEnv, readRange } from "./internal/rangeReader.js"
import type { RedisRecord } from "./RedisRecord.js"

/**
 * What a reader is made from: the server, retry settings, `XRANGE` chunk
 * size and the source's name (plain data, so that it ships).
 *
 * **Example**
 * ```ts
 * const env: RedisRangeReader.RedisReaderEnv = {
 *   name: "redis:events", url: "redis://localhost:6379", readChunkSize: 1000,
 *   connectTimeoutMs: 5000, retries: 4, retryBackoffMs: 100
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type RedisReaderEnv = ReaderEnv

/**
 * The reader a direct stream's tasks call (the module export
 * `Closure.fromModule` loads): `(range) => Promise<records>`, reading
 * `XRANGE key (fromPosition untilPosition` in chunks of `readChunkSize` on
 * the executor's cached connection. A range whose first entries were trimmed
 * away fails with `DirectOffsetOutOfRangeError`; an unreachable server, after
 * the retries, with `DirectSourceError`.
 *
 * Mirrors `KafkaRDD.compute` (its `KafkaRDDIterator` polling a cached consumer).
 *
 * **Example**
 * ```ts
 * const read = redisRangeReader(env)
 * const records = await read(range)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const redisRangeReader = (env: RedisReaderEnv) => (range: OffsetRange.OffsetRange): Promise<Iterable<RedisRecord>> =>
  readRange(env, range)

/**
 * The shippable reader for `env`: `redisRangeReader(env)` by module name.
 *
 * Mirrors nothing in Spark (a Scala closure ships with its captured fields).
 *
 * **Example**
 * ```ts
 * const read = RedisRangeReader.make(env) // ships to worker-thread executors
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (env: RedisReaderEnv): (range: OffsetRange.OffsetRange) => Promise<Iterable<RedisRecord>> =>
  Closure.fromModule<[OffsetRange.OffsetRange], Iterable<RedisRecord>>("@tspark/streaming-redis", "redisRangeReader", { ...env })

/**
 * Closes the connections this process's (or worker thread's) readers keep.
 * They are unreferenced (an idle reader keeps nothing alive) and closed on
 * process exit; call this to close them sooner, as tests do.
 *
 * Mirrors `KafkaDataConsumer.cache` eviction.
 *
 * **Example**
 * ```ts
 * RedisRangeReader.closeReaders()
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const closeReaders = (): void => closeAll()
