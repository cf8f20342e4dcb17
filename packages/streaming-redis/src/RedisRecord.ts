/**
 * One entry of a Redis stream, as a direct stream's batch holds it.
 *
 * @since 0.1.0
 */

/**
 * An entry of stream `stream`: its id (`<ms>-<seq>`), its offset (the
 * stream's `entries-added` count when it was added, minus one: its ordinal
 * among every entry ever added to the stream) and its fields (decoded as
 * UTF-8 strings).
 *
 * Mirrors `org.apache.kafka.clients.consumer.ConsumerRecord` (topic, offset, value).
 *
 * **Example**
 * ```ts
 * const record: RedisRecord.RedisRecord = { stream: "events", id: "1700000000000-0", offset: 0, fields: { word: "hello" } }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RedisRecord {
  readonly stream: string
  readonly id: string
  readonly offset: number
  readonly fields: Readonly<Record<string, string>>
}
