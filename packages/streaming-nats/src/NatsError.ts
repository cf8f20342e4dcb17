/**
 * The typed errors of the JetStream connector. Failures while the stream
 * runs (a server that is down, a range purged under a batch) are the
 * direct stream's own errors (`DirectSourceError`,
 * `DirectOffsetOutOfRangeError` of `@tspark/streaming`); the errors here
 * are the ones `NatsUtils.createDirectStream` fails with before anything
 * runs.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * An option of `NatsUtils.createDirectStream` is missing or has a value the
 * connector cannot use; `option` names it and the message says what to set.
 *
 * Mirrors the `IllegalArgumentException`s Spark's Kafka connector throws for
 * bad `kafkaParams`.
 *
 * **Example**
 * ```ts
 * const error = new NatsError.NatsConfigError({ option: "streams", message: "streams is empty; list at least one JetStream stream" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class NatsConfigError extends Data.TaggedError("NatsConfigError")<{
  readonly option: string
  readonly message: string
}> {}

/**
 * A stream named in `streams` does not exist on the server. Create it (for
 * example `nats stream add <name> --subjects "<subject>"`), or remove it
 * from `streams`.
 *
 * Mirrors Kafka's `UnknownTopicOrPartitionException` as Spark's connector
 * reports it for a topic that does not exist.
 *
 * **Example**
 * ```ts
 * const error = new NatsError.NatsStreamNotFoundError({ stream: "orders-0", servers: ["127.0.0.1:4222"] })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class NatsStreamNotFoundError extends Data.TaggedError("NatsStreamNotFoundError")<{
  readonly stream: string
  readonly servers: ReadonlyArray<string>
}> {
  override get message(): string {
    return `JetStream stream "${this.stream}" does not exist on ${this.servers.join(", ")}: create it ` +
      `(e.g. nats stream add ${this.stream} --subjects "${this.stream}.>") or remove it from the streams option`
  }
}
