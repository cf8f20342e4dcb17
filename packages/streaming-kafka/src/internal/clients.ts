// The kafkajs client built from checked settings, with its log lines sent to
// Effect's logger (kafkajs prints to the console by default), and the
// conversions every part shares: a kafkajs message to a ConsumerRecord, a
// client failure to a KafkaBrokerError.
import { Effect } from "effect"
import { Kafka, type KafkaMessage, type LogEntry, logLevel } from "kafkajs"
import type { ConsumerRecord } from "../ConsumerRecord.js"
import { KafkaBrokerError } from "../KafkaError.js"
import type { Encoding, KafkaSettings } from "./kafkaParams.js"

const logEntry = (entry: LogEntry): void => {
  const { message, ...extra } = entry.log
  const line = `kafkajs ${entry.namespace}: ${message}${extra.error === undefined ? "" : ` (${String(extra.error)})`}`
  const log = entry.level <= logLevel.ERROR ? Effect.logError(line) : Effect.logWarning(line)
  Effect.runFork(log)
}

/** The client's retries: `retries`, exponential backoff from `retry.backoff.ms` (kafkajs consumers default to 5 retries otherwise). */
export const retryOf = (settings: KafkaSettings) => ({
  retries: settings.retries,
  initialRetryTime: settings.retryBackoffMs,
  maxRetryTime: Math.max(settings.retryBackoffMs, 30_000)
})

/** A kafkajs client: retries with exponential backoff from `retry.backoff.ms`, warnings and errors to Effect's logger. */
export const makeKafka = (settings: KafkaSettings, role: string): Kafka =>
  new Kafka({
    clientId: `${settings.clientId}-${role}`,
    brokers: [...settings.brokers],
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    retry: retryOf(settings),
    logLevel: logLevel.WARN,
    logCreator: () => logEntry
  })

export const brokersText = (settings: KafkaSettings): string => settings.brokers.join(",")

const decode = (bytes: Buffer | null, encoding: Encoding): string | Buffer | null =>
  bytes === null ? null : encoding === "buffer" ? bytes : bytes.toString("utf8")

/** A kafkajs message as the plain record the stream carries. */
export const toRecord = (
  topic: string,
  partition: number,
  message: KafkaMessage,
  settings: Pick<KafkaSettings, "keyEncoding" | "valueEncoding">
): ConsumerRecord<unknown, unknown> => ({
  topic,
  partition,
  offset: Number(message.offset),
  key: decode(message.key, settings.keyEncoding),
  value: decode(message.value, settings.valueEncoding),
  timestamp: Number(message.timestamp)
})

const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  const cause = (error as { cause?: unknown }).cause
  return cause instanceof Error && cause.message !== error.message ? `${error.message} (${cause.message})` : error.message
}

/** A client failure after its retries, naming the brokers and what was asked. */
export const brokerError = (settings: KafkaSettings, operation: string, error: unknown): KafkaBrokerError =>
  new KafkaBrokerError({
    brokers: brokersText(settings),
    operation,
    message: `Kafka at ${brokersText(settings)}: ${operation} failed after ${settings.retries} retries: ${describe(error)}; ` +
      "check that the brokers are up and reachable (the stream tries again at the next batch)",
    cause: error
  })
