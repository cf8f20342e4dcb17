/**
 * `@tspark/streaming-mqtt`: MQTT input streams for tspark streaming, as
 * Spark's MQTT connector (Apache Bahir's `spark-streaming-mqtt`), with
 * at-least-once delivery: QoS 1 messages are acknowledged only after the
 * block holding them is stored.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as MQTTUtils from "./MQTTUtils.js"
/** @since 0.1.0 */
export { MQTTReceiver } from "./MQTTReceiver.js"
/** @since 0.1.0 */
export * as MqttOptions from "./MqttOptions.js"
/** @since 0.1.0 */
export { MqttConfigError, MqttReceiverError } from "./MqttError.js"

/**
 * The package version.
 *
 * @since 0.1.0
 */
export const version = "0.1.0"
