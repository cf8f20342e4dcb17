/**
 * The options of a direct stream over NATS JetStream, and their checking.
 *
 * Mirrors the `kafkaParams` and `ConsumerStrategies.Subscribe` arguments of
 * Spark's Kafka connector, for JetStream.
 *
 * @since 0.1.0
 */
import type { DirectSource } from "@tspark/streaming"
import * as internal from "./internal/options.js"
import type { NatsConfigError } from "./NatsError.js"

/**
 * How a message's payload becomes a record's `value`: `"string"` (UTF-8,
 * the default), `"json"` (parsed; a payload that is not JSON fails the
 * read) or `"bytes"` (a `Uint8Array`).
 *
 * Mirrors Kafka's `value.deserializer`.
 *
 * **Example**
 * ```ts
 * const format: NatsOptions.ValueFormat = "json"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ValueFormat = "string" | "json" | "bytes"

/**
 * The options of `NatsUtils.createDirectStream`.
 *
 * - `servers`: the NATS servers (`"127.0.0.1:4222"` or `"nats://host:port"`).
 * - `streams`: the JetStream streams to read; each stream is one partition
 *   of the direct stream, its offsets the stream's sequence numbers.
 * - `application`: who commits (Kafka's `group.id`): committed offsets are
 *   kept in the key-value bucket `offsetsBucket` under
 *   `<application>.<stream>`. Letters, digits, `-` and `_`.
 * - `offsetsBucket` (default `"tspark_offsets"`): the JetStream key-value
 *   bucket holding committed offsets (created when missing).
 * - `offsetReset` (default `"latest"`): where a stream without a committed
 *   or starting offset starts, and what happens to an offset that was purged.
 * - `startingOffsets`: first sequence to read per stream; wins over a
 *   committed offset.
 * - `format` (default `"string"`): how payloads are decoded.
 * - `user`/`pass` or `token`: credentials, shipped to executors with the tasks.
 * - `requestTimeoutMs` (default 5000): how long one JetStream request (and
 *   one pull of a read) waits for the server.
 * - `attempts` (default 3): tries of a request or a read before the batch
 *   fails, with a doubling pause between tries.
 * - `retryBackoffMs` (default 200): the first pause between tries.
 * - `reconnectTimeWaitMs` (default 1000): the pause between reconnections to
 *   a server that went away (connections reconnect for ever).
 * - `fetchBatch` (default 10000): messages asked for by one pull request of a read (lower it for large messages: a pull
 *   should stay well under the server's 64 MiB of pending data per connection).
 *
 * Mirrors `kafkaParams` plus the offsets of `ConsumerStrategies.Subscribe`.
 *
 * **Example**
 * ```ts
 * const options: NatsOptions.NatsDirectStreamOptions = {
 *   servers: "127.0.0.1:4222",
 *   streams: ["orders-0", "orders-1"],
 *   application: "order-counts",
 *   offsetReset: "earliest"
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface NatsDirectStreamOptions {
  readonly servers: string | ReadonlyArray<string>
  readonly streams: ReadonlyArray<string>
  readonly application: string
  readonly offsetsBucket?: string
  readonly offsetReset?: DirectSource.OffsetReset
  readonly startingOffsets?: ReadonlyMap<string, number> | Readonly<Record<string, number>>
  readonly format?: ValueFormat
  readonly user?: string
  readonly pass?: string
  readonly token?: string
  readonly requestTimeoutMs?: number
  readonly attempts?: number
  readonly retryBackoffMs?: number
  readonly reconnectTimeWaitMs?: number
  readonly fetchBatch?: number
}

/**
 * Options after checking, with every default filled in.
 *
 * Mirrors no Spark class: Spark reads `kafkaParams` as a map.
 *
 * **Example**
 * ```ts
 * const checked = NatsOptions.validate({ servers: "127.0.0.1:4222", streams: ["s"], application: "app" })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ValidatedOptions = internal.ValidatedOptions

/**
 * Checks `options`: the first problem found is a `NatsConfigError` naming
 * the option and what to set; otherwise the options with defaults filled in.
 *
 * Mirrors no Spark class: Spark's connector checks `kafkaParams` in `KafkaUtils.fixKafkaParams`.
 *
 * **Example**
 * ```ts
 * const checked = NatsOptions.validate({ servers: [], streams: ["s"], application: "app" }) // NatsConfigError (servers)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const validate: (options: NatsDirectStreamOptions) => ValidatedOptions | NatsConfigError = internal.validate
