// Kafka parameters (the consumer configuration names Spark users pass in
// kafkaParams) checked and turned into the plain settings the driver client
// and the executors' readers are built from. A bad parameter is a
// KafkaConfigError naming the key and what to set.
import type { DirectSource } from "@tspark/streaming/dstream"
import { KafkaConfigError } from "../KafkaError.js"

/** How a key or value is decoded: UTF-8 text, or the raw bytes as a Buffer. */
export type Encoding = "string" | "buffer"

/** The checked settings: plain data, so that they travel to executors as a reader's environment. */
export interface KafkaSettings {
  readonly brokers: ReadonlyArray<string>
  readonly groupId: string
  readonly clientId: string
  readonly offsetReset: DirectSource.OffsetReset
  readonly keyEncoding: Encoding
  readonly valueEncoding: Encoding
  readonly requestTimeoutMs: number
  readonly connectionTimeoutMs: number
  readonly retries: number
  readonly retryBackoffMs: number
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly fetchMaxWaitMs: number
  readonly maxPartitionFetchBytes: number
  readonly fetchMaxBytes: number
}

export type KafkaParams = Readonly<Record<string, string | number | boolean>>

const numberKeys = {
  "request.timeout.ms": ["requestTimeoutMs", 30_000, 1],
  "socket.connection.setup.timeout.ms": ["connectionTimeoutMs", 10_000, 1],
  "retries": ["retries", 5, 0],
  "retry.backoff.ms": ["retryBackoffMs", 300, 1],
  "session.timeout.ms": ["sessionTimeoutMs", 30_000, 1],
  "heartbeat.interval.ms": ["heartbeatIntervalMs", 3_000, 1],
  "fetch.max.wait.ms": ["fetchMaxWaitMs", 100, 0],
  "max.partition.fetch.bytes": ["maxPartitionFetchBytes", 1_048_576, 1],
  "fetch.max.bytes": ["fetchMaxBytes", 52_428_800, 1]
} as const satisfies Record<string, readonly [keyof KafkaSettings, number, number]>

const otherKeys = [
  "bootstrap.servers",
  "group.id",
  "client.id",
  "auto.offset.reset",
  "enable.auto.commit",
  "key.deserializer",
  "value.deserializer"
] as const

/** Every parameter the connector reads (anything else is refused, so that a typo does not pass silently). */
export const supportedKeys: ReadonlyArray<string> = [...otherKeys, ...Object.keys(numberKeys)].sort()

const text = (params: KafkaParams, key: string): string | undefined => {
  const value = params[key]
  return value === undefined ? undefined : String(value).trim()
}

const encodingOf = (params: KafkaParams, key: string): Encoding | KafkaConfigError => {
  const raw = text(params, key)
  if (raw === undefined || raw === "string" || raw.endsWith("StringDeserializer")) return "string"
  if (raw === "buffer" || raw.endsWith("ByteArrayDeserializer")) return "buffer"
  return new KafkaConfigError({
    key,
    message: `${key} is "${raw}"; set it to "string" (or org.apache.kafka.common.serialization.StringDeserializer) ` +
      `for UTF-8 text, or "buffer" (ByteArrayDeserializer) for the raw bytes as a Buffer`
  })
}

const offsetResetOf = (params: KafkaParams): DirectSource.OffsetReset | KafkaConfigError => {
  const raw = text(params, "auto.offset.reset") ?? "latest"
  if (raw === "earliest" || raw === "latest") return raw
  if (raw === "none") return "fail"
  return new KafkaConfigError({
    key: "auto.offset.reset",
    message:
      `auto.offset.reset is "${raw}"; set it to earliest, latest or none (none fails a batch whose partition has no committed offset)`
  })
}

const brokersOf = (params: KafkaParams): ReadonlyArray<string> | KafkaConfigError => {
  const raw = text(params, "bootstrap.servers")
  const brokers = (raw ?? "").split(",").map((b) => b.trim()).filter((b) => b.length > 0)
  const bad = brokers.find((b) => !/^[^\s:]+:\d{1,5}$/.test(b))
  if (brokers.length === 0 || bad !== undefined) {
    return new KafkaConfigError({
      key: "bootstrap.servers",
      message: raw === undefined
        ? "bootstrap.servers is missing; set it to the cluster's brokers as host:port[,host:port]"
        : `bootstrap.servers is "${raw}"; set it to host:port[,host:port] (${
          bad === undefined ? "no broker given" : `"${bad}" is not host:port`
        })`
    })
  }
  return brokers
}

/** The settings of `params`, or the first problem found (unknown keys first, then each key in turn). */
export const parseKafkaParams = (params: KafkaParams): KafkaSettings | KafkaConfigError => {
  if (typeof params !== "object" || params === null) {
    return new KafkaConfigError({ key: "kafkaParams", message: "kafkaParams must be an object of Kafka consumer settings" })
  }
  const unknown = Object.keys(params).filter((key) => !supportedKeys.includes(key))
  if (unknown.length > 0) {
    return new KafkaConfigError({
      key: unknown[0]!,
      message: `unknown Kafka parameter ${unknown.join(", ")}; remove it (the connector reads ${supportedKeys.join(", ")})`
    })
  }
  const brokers = brokersOf(params)
  if (brokers instanceof KafkaConfigError) return brokers
  const groupId = text(params, "group.id")
  if (groupId === undefined || groupId === "") {
    return new KafkaConfigError({
      key: "group.id",
      message: "group.id is missing; set it to the consumer group the stream commits its offsets to"
    })
  }
  const autoCommit = text(params, "enable.auto.commit")
  if (autoCommit !== undefined && autoCommit !== "false") {
    return new KafkaConfigError({
      key: "enable.auto.commit",
      message: `enable.auto.commit is "${autoCommit}"; set it to false or leave it out: the stream commits with ` +
        "KafkaUtils.commitAsync after your output, never on its own"
    })
  }
  const offsetReset = offsetResetOf(params)
  if (offsetReset instanceof KafkaConfigError) return offsetReset
  const keyEncoding = encodingOf(params, "key.deserializer")
  if (keyEncoding instanceof KafkaConfigError) return keyEncoding
  const valueEncoding = encodingOf(params, "value.deserializer")
  if (valueEncoding instanceof KafkaConfigError) return valueEncoding
  const numbers: Record<string, number> = {}
  for (const [key, [field, fallback, min]] of Object.entries(numberKeys)) {
    const raw = text(params, key)
    const value = raw === undefined ? fallback : Number(raw)
    if (raw === "" || !Number.isInteger(value) || value < min) {
      return new KafkaConfigError({ key, message: `${key} is "${raw}"; set it to a whole number >= ${min}` })
    }
    numbers[field] = value
  }
  return {
    brokers,
    groupId,
    clientId: text(params, "client.id") ?? "tspark",
    offsetReset,
    keyEncoding,
    valueEncoding,
    ...(numbers as Pick<KafkaSettings, (typeof numberKeys)[keyof typeof numberKeys][0]>)
  }
}
