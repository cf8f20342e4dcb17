/**
 * The options of a direct stream over Redis Streams.
 *
 * @since 0.1.0
 */
import type { DirectSource } from "@tspark/streaming"

/**
 * What `RedisUtils.createDirectStream` reads and how.
 *
 * - `url` (default `redis://localhost:6379`): the server, as node-redis takes it
 *   (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS);
 * - `streams`: the stream keys to read, one partition each;
 * - `group`: the consumer group whose position (`last-delivered-id`,
 *   `entries-read`) is set after output, and from which a restart without a
 *   checkpoint resumes (created on the first commit when missing);
 * - `offsetReset` (default `"latest"`): where a stream with no group position
 *   starts, and what happens to an offset whose entries were trimmed away;
 * - `startingOffsets`: offsets (entry ordinals) to start some streams from,
 *   taking precedence over the group's positions;
 * - `readChunkSize` (default 1000): entries per `XRANGE` call of a reader;
 * - `scanChunkSize` (default 10000): entries a position scan walks per
 *   script call (a bounded time in Redis per call);
 * - `connectTimeoutMs` (default 5000), `retries` (default 4) and
 *   `retryBackoffMs` (default 100, doubled per retry up to 2 s): how the
 *   driver and the readers wait for a server that is down before the batch
 *   fails.
 *
 * Mirrors the `kafkaParams` and topics of `ConsumerStrategies.Subscribe`.
 *
 * **Example**
 * ```ts
 * const options: RedisOptions.RedisDirectStreamOptions = {
 *   url: "redis://localhost:6379",
 *   streams: ["clicks", "orders"],
 *   group: "word-count",
 *   offsetReset: "earliest"
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RedisDirectStreamOptions {
  readonly url?: string
  readonly streams: ReadonlyArray<string>
  readonly group: string
  readonly offsetReset?: DirectSource.OffsetReset
  readonly startingOffsets?: ReadonlyMap<string, number>
  readonly readChunkSize?: number
  readonly scanChunkSize?: number
  readonly connectTimeoutMs?: number
  readonly retries?: number
  readonly retryBackoffMs?: number
}
