/**
 * Input streams from an MQTT broker, as Spark's MQTT connector (Apache
 * Bahir's `MQTTUtils`): one receiver subscribed to one or more topics, QoS 1
 * messages acknowledged only after the block holding them is stored.
 *
 * Mirrors `org.apache.spark.streaming.mqtt.MQTTUtils`.
 *
 * @since 0.1.0
 */
import type { StorageLevel } from "@tspark/core"
import type { DStream, StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { MqttConfigError } from "./MqttError.js"
import * as MqttOptions from "./MqttOptions.js"
import { MQTTReceiver } from "./MQTTReceiver.js"

/**
 * One or more MQTT topic filters (`+` and `#` wildcards, `$share/group/...`
 * shared subscriptions).
 *
 * **Example**
 * ```ts
 * const topics: MQTTUtils.Topics = ["sensors/+/temperature", "alarms/#"]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Topics = string | ReadonlyArray<string>

const make = <T>(
  ssc: StreamingContext.StreamingContext,
  brokerUrl: string,
  topics: Topics,
  format: MqttOptions.RecordFormat,
  storageLevel: StorageLevel.StorageLevel | undefined,
  options: MqttOptions.MqttStreamOptions | undefined
): Effect.Effect<DStream.DStream<T>, MqttConfigError> =>
  Effect.suspend(() => {
    const conf = Object.fromEntries(ssc.sparkContext.conf.entries)
    const settings = MqttOptions.resolve({
      brokerUrl,
      topics,
      format,
      storageLevel,
      ...(options === undefined ? {} : { options }),
      appName: ssc.sparkContext.appName,
      conf
    })
    if (settings instanceof MqttConfigError) return Effect.fail(settings)
    return Effect.succeed(ssc.receiverStream(new MQTTReceiver<T>(settings, storageLevel)))
  })

/**
 * A stream of the payloads (UTF-8 strings) of the messages published to
 * `topics` at `brokerUrl`. The receiver holds a persistent session (unless
 * `cleanSession`), subscribes at QoS 1 (unless `qos: 0`) and acknowledges a
 * message only once the block holding it is stored (`storageLevel`, default
 * `MEMORY_AND_DISK_SER_2`): messages are received at least once, and those
 * published while the receiver is down are received when it is back. Fails
 * with `MqttConfigError` naming the invalid option.
 *
 * Mirrors `MQTTUtils.createStream(ssc, brokerUrl, topic, storageLevel, ...)`.
 *
 * **Example**
 * ```ts
 * import { MQTTUtils } from "@tspark/streaming-mqtt"
 *
 * const program = Effect.gen(function*() {
 *   const lines = yield* MQTTUtils.createStream(ssc, "mqtt://localhost:1883", "sensors/#", undefined, { clientId: "sensor-counts" })
 *   lines.flatMap((line) => line.split(" ")).map((w) => [w, 1] as const).reduceByKey((a, b) => a + b).print()
 *   yield* ssc.start()
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const createStream = (
  ssc: StreamingContext.StreamingContext,
  brokerUrl: string,
  topics: Topics,
  storageLevel?: StorageLevel.StorageLevel,
  options?: MqttOptions.MqttStreamOptions
): Effect.Effect<DStream.DStream<string>, MqttConfigError> => make<string>(ssc, brokerUrl, topics, "payload", storageLevel, options)

/**
 * A stream of `[topic, payload]` pairs (the payload as a UTF-8 string), as
 * `createStream` otherwise.
 *
 * Mirrors `MQTTUtils.createPairedStream`.
 *
 * **Example**
 * ```ts
 * const byTopic = yield* MQTTUtils.createPairedStream(ssc, "mqtt://localhost:1883", ["a/#", "b/#"])
 * byTopic.map(([topic]) => [topic, 1] as const).reduceByKey((a, b) => a + b).print()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const createPairedStream = (
  ssc: StreamingContext.StreamingContext,
  brokerUrl: string,
  topics: Topics,
  storageLevel?: StorageLevel.StorageLevel,
  options?: MqttOptions.MqttStreamOptions
): Effect.Effect<DStream.DStream<readonly [string, string]>, MqttConfigError> =>
  make<readonly [string, string]>(ssc, brokerUrl, topics, "pair", storageLevel, options)

/**
 * A stream of `[topic, bytes]` pairs: the payload as it arrived, a
 * `Uint8Array` (binary payloads), as `createStream` otherwise.
 *
 * Mirrors `MQTTUtils.createPairedByteArrayStream`.
 *
 * **Example**
 * ```ts
 * const raw = yield* MQTTUtils.createPairedByteArrayStream(ssc, "mqtt://localhost:1883", "images/+")
 * raw.map(([, bytes]) => bytes.byteLength).print()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const createPairedByteArrayStream = (
  ssc: StreamingContext.StreamingContext,
  brokerUrl: string,
  topics: Topics,
  storageLevel?: StorageLevel.StorageLevel,
  options?: MqttOptions.MqttStreamOptions
): Effect.Effect<DStream.DStream<readonly [string, Uint8Array]>, MqttConfigError> =>
  make<readonly [string, Uint8Array]>(ssc, brokerUrl, topics, "pairBytes", storageLevel, options)
