/**
 * A record of a direct stream over JetStream: one stored message.
 *
 * @since 0.1.0
 */

/**
 * One JetStream message: the stream (the partition) it was read from, its
 * subject, its stream sequence (the offset), the time the server stored it
 * and its payload decoded as the stream's `format` says (`string` by default).
 *
 * Mirrors `org.apache.kafka.clients.consumer.ConsumerRecord` as Spark's
 * direct stream yields it.
 *
 * **Example**
 * ```ts
 * const record: NatsRecord.NatsRecord<string> = { stream: "orders-0", subject: "orders.eu", sequence: 42, timestampMs: 1_764_000_000_000, value: "..." }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface NatsRecord<V> {
  readonly stream: string
  readonly subject: string
  readonly sequence: number
  readonly timestampMs: number
  readonly value: V
}
