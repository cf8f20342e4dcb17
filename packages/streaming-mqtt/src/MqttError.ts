/**
 * The typed errors of the MQTT connector.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * An option of `MQTTUtils.createStream` (or of a receiver built by hand) is
 * invalid: `option` names it (`brokerUrl`, `topics`, `qos`, `clientId`, ...,
 * or a `spark.streaming.*` key read from the configuration) and the message
 * says what to change.
 *
 * Mirrors the `IllegalArgumentException`s of Bahir's `MQTTUtils` and Paho's
 * `MqttConnectOptions`.
 *
 * **Example**
 * ```ts
 * import { MQTTUtils } from "@tspark/streaming-mqtt"
 * import { Effect } from "effect"
 *
 * const stream = MQTTUtils.createStream(ssc, "mqtt://localhost:1883", "sensors/#").pipe(
 *   Effect.catchTag("MqttConfigError", (e) => Effect.die(`fix option ${e.option}: ${e.message}`))
 * )
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class MqttConfigError extends Data.TaggedError("MqttConfigError")<{
  readonly option: string
  readonly message: string
}> {}

/**
 * The receiver could not talk to the broker: the connection was refused or
 * lost, the broker refused the session (CONNACK) or a subscription (SUBACK),
 * or storing a block failed. The receiver reports it (listeners hear
 * `onReceiverError`, the log a warning) and restarts after a backoff;
 * messages not acknowledged yet are delivered again by the broker.
 *
 * **Example**
 * ```ts
 * const error = new MqttReceiverError({ brokerUrl: "mqtt://localhost:1883", message: "connection refused" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class MqttReceiverError extends Data.TaggedError("MqttReceiverError")<{
  readonly brokerUrl: string
  readonly message: string
  readonly cause?: unknown
}> {}
