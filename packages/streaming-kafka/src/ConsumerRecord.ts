/**
 * A record read from Kafka, as a plain object (it travels between executors
 * as data).
 *
 * Mirrors `org.apache.kafka.clients.consumer.ConsumerRecord`.
 *
 * @since 0.1.0
 */

/**
 * One Kafka record: where it is (`topic`, `partition`, `offset`), its `key`
 * and `value` (UTF-8 strings by default; Buffers with `key.deserializer` /
 * `value.deserializer` set to `"buffer"`; `null` for a null key or a
 * tombstone), and its `timestamp` in ms since the epoch.
 *
 * Mirrors `ConsumerRecord[K, V]` (without headers, leader epoch and sizes).
 *
 * **Example**
 * ```ts
 * const words = stream.flatMap((record: ConsumerRecord.ConsumerRecord) => (record.value ?? "").split(" "))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ConsumerRecord<K = string, V = string> {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly key: K | null
  readonly value: V | null
  readonly timestamp: number
}
