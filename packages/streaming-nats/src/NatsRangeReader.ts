/**
 * The reader of a direct stream's ranges, as executors load it: the stream
 * ships `Closure.fromModule("@tspark/streaming-nats", "natsRangeReader",
 * env)` with its tasks, where `env` is plain data (servers, credentials,
 * timeouts, format). An executor imports this module once and keeps one
 * NATS connection per environment, reused batch after batch; nothing is
 * opened or closed per batch.
 *
 * @since 0.1.0
 */
import type { OffsetRange } from "@tspark/streaming"
import { cachedCount, closeCached, type ConnectionEnv } from "./internal/connection.js"
import { type ReaderEnv, readRange } from "./internal/rangeReader.js"
import type { NatsRecord } from "./NatsRecord.js"

/**
 * The plain data a reader is built from (made by `NatsDirectSource.make`).
 *
 * Mirrors the `kafkaParams` a `KafkaRDD` carries to its executors.
 *
 * **Example**
 * ```ts
 * const read = NatsRangeReader.natsRangeReader(env) // env: NatsRangeReader.NatsReaderEnv
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type NatsReaderEnv = ReaderEnv

/**
 * How readers reach the servers (part of `NatsReaderEnv`): servers,
 * credentials, timeouts and tries, as plain data. Readers keep one
 * connection per distinct value.
 *
 * Mirrors the connection part of `kafkaParams` (`bootstrap.servers`, `sasl.*`).
 *
 * **Example**
 * ```ts
 * await NatsRangeReader.closeReaders(env.connection)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type NatsConnectionEnv = ConnectionEnv

/**
 * The module export executors call: from `env`, the function reading one
 * range `[fromOffset, untilOffset)` of one stream (the range's partition)
 * into records, in sequence order. Deleted messages inside the range are
 * skipped; a range purged from the stream rejects with
 * `DirectOffsetOutOfRangeError`; a server that fails `attempts` times
 * rejects with `DirectSourceError`.
 *
 * Mirrors `KafkaRDD.compute` (with its cached consumer, `KafkaDataConsumer.acquire`).
 *
 * **Example**
 * ```ts
 * const read = Closure.fromModule<[OffsetRange.OffsetRange], ReadonlyArray<NatsRecord.NatsRecord<string>>>(
 *   "@tspark/streaming-nats", "natsRangeReader", env
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const natsRangeReader = (env: NatsReaderEnv) => (range: OffsetRange.OffsetRange): Promise<Array<NatsRecord<unknown>>> =>
  readRange(env, range)

/**
 * Closes the connections readers keep in this process (those to
 * `connection`'s servers only, when given). Readers open a new one when
 * they next read. A direct stream made by `NatsUtils.createDirectStream`
 * closes its own when its scope closes; call this in tests, or before an
 * executor exits.
 *
 * Mirrors `KafkaDataConsumer.clear` (the executor's consumer cache).
 *
 * **Example**
 * ```ts
 * await NatsRangeReader.closeReaders()
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export const closeReaders = (connection?: NatsConnectionEnv): Promise<void> => closeCached(connection)

/**
 * How many connections readers keep open in this process.
 *
 * Mirrors no Spark class: a view of the executor's connection cache, for tests.
 *
 * **Example**
 * ```ts
 * NatsRangeReader.openReaders() // 1 after a batch on local[2]
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const openReaders = (): number => cachedCount()
