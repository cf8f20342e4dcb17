/**
 * The receiver behind `MQTTUtils`: subscribes to MQTT topics and stores the
 * messages it gets, acknowledging each QoS 1 message only once the block
 * holding it is stored.
 *
 * Mirrors Bahir's `org.apache.spark.streaming.mqtt.MQTTReceiver` (made
 * reliable, as Spark's `ReliableKafkaReceiver`).
 *
 * @since 0.1.0
 */
import { StorageLevel } from "@tspark/core"
import { Receiver } from "@tspark/streaming/receiver"
import { MqttReceiverError } from "./MqttError.js"
import type { MqttReceiverSettings } from "./MqttOptions.js"
import { openSession, type Session } from "./internal/session.js"

// Runtime state lives beside the receiver, not in its fields (its fields are what ships to the executor).
const sessions = new WeakMap<object, Session>()
const failures = new WeakMap<object, number>()

/**
 * Receives MQTT messages as records (`T`: the payload string, a
 * `[topic, payload]` pair or a `[topic, bytes]` pair, per `settings.format`).
 *
 * - `onStart` connects to `settings.brokerUrl` with `settings.clientId` and a
 *   persistent session (unless `cleanSession`), subscribes to the topics,
 *   and feeds every message into a block generator of its own
 *   (`spark.streaming.blockInterval`, `spark.streaming.blockQueueSize`, paced
 *   by `spark.streaming.receiver.maxRate` / `backpressure.initialRate`).
 * - Each block is stored with `store(records)`, which resolves once the block
 *   is stored (in the write-ahead log too when it is on) and the driver has
 *   it; only then are the block's QoS 1 messages acknowledged (PUBACK), in
 *   the order they arrived. A receiver that dies before that leaves them
 *   unacknowledged: the broker delivers them again to the session's next
 *   connection.
 * - At most `settings.maxInFlight` messages are held unacknowledged; beyond
 *   that the connection is not read until acknowledgements make room.
 * - A connection that fails or is lost, a refused CONNECT or SUBSCRIBE, or a
 *   failed store restarts the receiver (reported to listeners as
 *   `onReceiverError`, logged as a warning) after a backoff that doubles from
 *   `reconnectInitialDelayMs` to `reconnectMaxDelayMs` and starts over once
 *   a subscription succeeds.
 * - `onStop` lets the block being stored finish and acknowledges it, leaves
 *   the rest unacknowledged, and disconnects normally (the session stays).
 *
 * Ships to executors as plain data (`static module` names this package).
 * Build it with `MQTTUtils`, which checks the options.
 *
 * Mirrors Bahir's `MQTTReceiver` and `MQTTPairedReceiver`.
 *
 * **Example**
 * ```ts
 * import { MQTTReceiver, MqttOptions } from "@tspark/streaming-mqtt"
 *
 * const settings = MqttOptions.resolve({ brokerUrl: "mqtt://localhost:1883", topics: "a/b", appName: "app", conf: {} })
 * if (!(settings instanceof MqttConfigError)) ssc.receiverStream(new MQTTReceiver<string>(settings))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class MQTTReceiver<T> extends Receiver<T> {
  static readonly module: string = "@tspark/streaming-mqtt"

  readonly settings: MqttReceiverSettings

  constructor(settings: MqttReceiverSettings, storageLevel: StorageLevel.StorageLevel = StorageLevel.MEMORY_AND_DISK_SER_2) {
    super(storageLevel)
    this.settings = settings
  }

  async onStart(): Promise<void> {
    const settings = this.settings
    const session = await openSession<T>(settings, {
      streamId: this.streamId,
      store: (records) => this.storeRecords(records),
      restart: (message, error) => this.restart(message, wrap(settings.brokerUrl, message, error), this.nextDelay()),
      reportError: (message, error) => this.reportError(message, wrap(settings.brokerUrl, message, error)),
      subscribed: () => failures.set(this, 0)
    })
    sessions.set(this, session)
  }

  async onStop(): Promise<void> {
    const session = sessions.get(this)
    sessions.delete(this)
    await session?.close()
  }

  /** The next restart delay: doubles after each failure, capped; back to the first once subscribed. */
  private nextDelay(): number {
    const failed = failures.get(this) ?? 0
    failures.set(this, failed + 1)
    const { reconnectInitialDelayMs, reconnectMaxDelayMs } = this.settings
    return Math.min(reconnectMaxDelayMs, reconnectInitialDelayMs * 2 ** Math.min(failed, 30))
  }
}

const wrap = (brokerUrl: string, message: string, error: unknown): MqttReceiverError =>
  new MqttReceiverError({
    brokerUrl,
    message: error instanceof Error ? `${message}: ${error.message}` : message,
    ...(error === undefined ? {} : { cause: error })
  })
