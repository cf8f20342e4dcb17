/**
 * The options of an MQTT stream and their checks: what `MQTTUtils.createStream`
 * takes beside the broker URL and the topics, and the settings a receiver
 * ships to its executor (plain data).
 *
 * @since 0.1.0
 */
import { SparkConf, StorageLevel } from "@tspark/core"
import { createHash } from "node:crypto"
import { MqttConfigError } from "./MqttError.js"

/**
 * Options of an MQTT stream, all optional.
 *
 * - `clientId`: the MQTT client id. A persistent session is found again by
 *   it, so it must be stable across restarts and unique among the broker's
 *   clients; default `tspark-` and 16 hex digits of a hash of the
 *   application name, the broker URL and the topics.
 * - `cleanSession`: `false` (default) keeps a persistent session, so the broker
 *   keeps QoS 1 messages while the receiver is down and redelivers those it
 *   did not acknowledge; `true` starts afresh on every connection (messages
 *   published while the receiver is down are not received).
 * - `qos`: the subscription's QoS, `1` (default, at least once) or `0` (at most
 *   once, nothing is acknowledged); QoS 2 is not supported.
 * - `username`, `password`: credentials sent in CONNECT.
 * - `protocolVersion`: `5` (default, MQTT 5) or `4` (MQTT 3.1.1).
 * - `keepAliveSeconds` (default 60), `connectTimeoutMs` (default 30000).
 * - `sessionExpirySeconds`: MQTT 5's session expiry interval for a persistent
 *   session (default 4294967295: never expires, as an MQTT 3.1.1 persistent
 *   session).
 * - `maxInFlight`: the most messages the receiver holds unacknowledged (in
 *   the current block, the block queue and the block being stored); default
 *   65535. It is also sent to an MQTT 5 broker as Receive Maximum (capped at
 *   65535). When reached, the receiver stops reading the connection until
 *   acknowledgements make room.
 * - `reconnectInitialDelayMs` (default 500), `reconnectMaxDelayMs` (default
 *   30000): the backoff between attempts to reach the broker, doubling from
 *   the first to the second after each failure, back to the first once a
 *   subscription succeeds.
 *
 * Mirrors the parameters of Bahir's `MQTTUtils.createStream` (clientId,
 * username, password, cleanSession, qos, connectionTimeout, keepAliveInterval,
 * mqttVersion).
 *
 * **Example**
 * ```ts
 * const options: MqttOptions.MqttStreamOptions = { clientId: "sensor-counts", qos: 1, keepAliveSeconds: 30 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface MqttStreamOptions {
  readonly clientId?: string
  readonly cleanSession?: boolean
  readonly qos?: 0 | 1
  readonly username?: string
  readonly password?: string
  readonly protocolVersion?: 4 | 5
  readonly keepAliveSeconds?: number
  readonly connectTimeoutMs?: number
  readonly sessionExpirySeconds?: number
  readonly maxInFlight?: number
  readonly reconnectInitialDelayMs?: number
  readonly reconnectMaxDelayMs?: number
}

/**
 * What a record holds: the payload as a string (`payload`, Bahir's
 * `createStream`), a `[topic, payload]` pair (`pair`, `createPairedStream`) or
 * a `[topic, bytes]` pair (`pairBytes`, `createPairedByteArrayStream`).
 *
 * **Example**
 * ```ts
 * const format: MqttOptions.RecordFormat = "pair"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type RecordFormat = "payload" | "pair" | "pairBytes"

/**
 * Everything a receiver needs, checked and resolved: plain data, so the
 * receiver ships to executors as its fields. Built by `MQTTUtils`; the
 * `spark.streaming.*` settings are read from the streaming context's
 * configuration when the stream is made.
 *
 * **Example**
 * ```ts
 * const settings = yield* MqttOptions.resolve({ brokerUrl: "mqtt://localhost:1883", topics: "a/b", appName: "app", conf: {} })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface MqttReceiverSettings {
  readonly brokerUrl: string
  readonly topics: ReadonlyArray<string>
  readonly format: RecordFormat
  readonly clientId: string
  readonly cleanSession: boolean
  readonly qos: 0 | 1
  readonly username?: string
  readonly password?: string
  readonly protocolVersion: 4 | 5
  readonly keepAliveSeconds: number
  readonly connectTimeoutMs: number
  readonly sessionExpirySeconds: number
  readonly maxInFlight: number
  readonly reconnectInitialDelayMs: number
  readonly reconnectMaxDelayMs: number
  /** `spark.streaming.blockInterval`. */
  readonly blockIntervalMs: number
  /** `spark.streaming.blockQueueSize`. */
  readonly blockQueueSize: number
  /** The rate settings (`spark.streaming.receiver.maxRate`, `spark.streaming.backpressure.*`) for the rate limiter. */
  readonly rateConf: Readonly<Record<string, string>>
}

/**
 * What `resolve` takes: the broker URL, the topic(s), the record format, the
 * options, the application name (for the default client id) and the
 * streaming configuration entries.
 *
 * **Example**
 * ```ts
 * const input: MqttOptions.ResolveInput = { brokerUrl: "mqtt://localhost:1883", topics: ["a", "b/#"], appName: "app", conf: {} }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ResolveInput {
  readonly brokerUrl: unknown
  readonly topics: unknown
  readonly format?: RecordFormat
  readonly options?: MqttStreamOptions
  readonly storageLevel?: unknown
  readonly appName: string
  readonly conf: Readonly<Record<string, string>>
}

const PROTOCOLS = new Set(["mqtt:", "mqtts:", "tcp:", "ssl:", "tls:", "ws:", "wss:"])
const MAX_UINT16 = 65_535
const MAX_UINT32 = 4_294_967_295

const fail = (option: string, message: string) => new MqttConfigError({ option, message })

const checkBrokerUrl = (value: unknown): string | MqttConfigError => {
  const hint = `give a URL such as "mqtt://localhost:1883" (schemes: ${[...PROTOCOLS].join(" ")})`
  if (typeof value !== "string" || value.trim() === "") return fail("brokerUrl", `brokerUrl must be a non-empty string; ${hint}`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return fail("brokerUrl", `brokerUrl "${value}" is not a URL; ${hint}`)
  }
  if (!PROTOCOLS.has(url.protocol)) return fail("brokerUrl", `brokerUrl "${value}" has scheme "${url.protocol}"; ${hint}`)
  if (url.hostname === "") return fail("brokerUrl", `brokerUrl "${value}" names no host; ${hint}`)
  return value
}

/** A topic filter as MQTT defines it: `+` a whole level, `#` the whole last level, no NUL, at most 65535 bytes. */
const topicProblem = (topic: string): string | undefined => {
  if (topic.length === 0) return "is empty"
  if (Buffer.byteLength(topic, "utf8") > MAX_UINT16) return "is longer than 65535 bytes"
  if (topic.includes("\u0000")) return "contains a NUL character"
  const levels = topic.split("/")
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) return `uses "#" other than as its whole last level`
    if (level.includes("+") && level !== "+") return `uses "+" other than as a whole level`
  }
  return undefined
}

const checkTopics = (value: unknown): ReadonlyArray<string> | MqttConfigError => {
  const topics = typeof value === "string" ? [value] : value
  if (!Array.isArray(topics) || topics.length === 0) {
    return fail("topics", `topics must be a topic filter or a non-empty array of them, such as "sensors/+/temperature"`)
  }
  for (const topic of topics) {
    if (typeof topic !== "string") return fail("topics", `every topic must be a string, got ${typeof topic}`)
    const problem = topicProblem(topic)
    if (problem !== undefined) return fail("topics", `topic "${topic}" ${problem}: give a valid MQTT topic filter`)
  }
  if (new Set(topics).size !== topics.length) return fail("topics", `topics lists a topic twice: list each once`)
  return topics as ReadonlyArray<string>
}

const intIn = (option: string, value: unknown, dflt: number, min: number, max: number, what: string): number | MqttConfigError => {
  if (value === undefined) return dflt
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return fail(option, `${option} must be a whole number from ${min} to ${max} (${what}), got ${String(value)}`)
  }
  return value
}

const stringOpt = (option: string, value: unknown): string | undefined | MqttConfigError => {
  if (value === undefined) return undefined
  return typeof value === "string" ? value : fail(option, `${option} must be a string, got ${typeof value}`)
}

const defaultClientId = (appName: string, brokerUrl: string, topics: ReadonlyArray<string>): string =>
  "tspark-" + createHash("sha256").update(JSON.stringify([appName, brokerUrl, topics])).digest("hex").slice(0, 16)

const confTime = (conf: Readonly<Record<string, string>>, key: string, dflt: string): number | MqttConfigError => {
  const ms = SparkConf.getTimeAsMs(SparkConf.make(conf), key, dflt)
  if (typeof ms !== "number") return fail(key, ms.message)
  if (!(ms > 0)) return fail(key, `${key} must be a positive duration such as 200ms, got "${conf[key]}"`)
  return ms
}

const KNOWN_OPTIONS = new Set([
  "clientId",
  "cleanSession",
  "qos",
  "username",
  "password",
  "protocolVersion",
  "keepAliveSeconds",
  "connectTimeoutMs",
  "sessionExpirySeconds",
  "maxInFlight",
  "reconnectInitialDelayMs",
  "reconnectMaxDelayMs"
])

/**
 * Checks every option and resolves the defaults; the first invalid option
 * fails with `MqttConfigError` naming it. Checked: the broker URL (a URL with
 * an MQTT scheme and a host), the topics (valid MQTT topic filters, none
 * twice), the storage level, `qos` (0 or 1), `clientId` (a non-empty string of
 * at most 65535 bytes), `cleanSession` (a boolean), `protocolVersion` (4 or 5),
 * the numbers' ranges, unknown option names, and `spark.streaming.blockInterval`,
 * `spark.streaming.blockQueueSize` from the configuration.
 *
 * **Example**
 * ```ts
 * const settings = MqttOptions.resolve({ brokerUrl: "mqtt://localhost:1883", topics: "a", appName: "app", conf: {} })
 * if (settings instanceof MqttConfigError) console.error(settings.option, settings.message)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolve = (input: ResolveInput): MqttReceiverSettings | MqttConfigError => {
  const brokerUrl = checkBrokerUrl(input.brokerUrl)
  if (brokerUrl instanceof MqttConfigError) return brokerUrl
  const topics = checkTopics(input.topics)
  if (topics instanceof MqttConfigError) return topics
  if (input.storageLevel !== undefined) {
    const level = input.storageLevel as StorageLevel.StorageLevel
    if (typeof level !== "object" || level === null || typeof level.name !== "string" || !StorageLevel.isValid(level)) {
      return fail("storageLevel", `storageLevel must be a StorageLevel that stores (such as StorageLevel.MEMORY_AND_DISK_SER_2)`)
    }
  }
  const options = (input.options ?? {}) as Readonly<Record<string, unknown>>
  if (typeof options !== "object" || options === null) return fail("options", `options must be an object`)
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) return fail(key, `unknown option "${key}": the options are ${[...KNOWN_OPTIONS].join(", ")}`)
  }
  const qos = options["qos"] ?? 1
  if (qos !== 0 && qos !== 1) {
    return fail("qos", `qos must be 1 (at least once, the default) or 0 (at most once), got ${String(qos)}; QoS 2 is not supported`)
  }
  const cleanSession = options["cleanSession"] ?? false
  if (typeof cleanSession !== "boolean") return fail("cleanSession", `cleanSession must be true or false, got ${String(cleanSession)}`)
  const clientId = options["clientId"] ?? defaultClientId(input.appName, brokerUrl, topics)
  if (typeof clientId !== "string" || clientId.length === 0 || Buffer.byteLength(clientId, "utf8") > MAX_UINT16) {
    return fail(
      "clientId",
      `clientId must be a non-empty string of at most 65535 bytes, stable across restarts (a persistent session is found by it)`
    )
  }
  const protocolVersion = options["protocolVersion"] ?? 5
  if (protocolVersion !== 4 && protocolVersion !== 5) {
    return fail("protocolVersion", `protocolVersion must be 5 (MQTT 5) or 4 (MQTT 3.1.1), got ${String(protocolVersion)}`)
  }
  const username = stringOpt("username", options["username"])
  if (username instanceof MqttConfigError) return username
  const password = stringOpt("password", options["password"])
  if (password instanceof MqttConfigError) return password
  const keepAliveSeconds = intIn("keepAliveSeconds", options["keepAliveSeconds"], 60, 0, MAX_UINT16, "seconds, 0: none")
  if (keepAliveSeconds instanceof MqttConfigError) return keepAliveSeconds
  const connectTimeoutMs = intIn("connectTimeoutMs", options["connectTimeoutMs"], 30_000, 1, 3_600_000, "milliseconds")
  if (connectTimeoutMs instanceof MqttConfigError) return connectTimeoutMs
  const sessionExpirySeconds = intIn("sessionExpirySeconds", options["sessionExpirySeconds"], MAX_UINT32, 0, MAX_UINT32, "seconds")
  if (sessionExpirySeconds instanceof MqttConfigError) return sessionExpirySeconds
  const maxInFlight = intIn("maxInFlight", options["maxInFlight"], MAX_UINT16, 1, 10_000_000, "messages")
  if (maxInFlight instanceof MqttConfigError) return maxInFlight
  const reconnectInitialDelayMs = intIn("reconnectInitialDelayMs", options["reconnectInitialDelayMs"], 500, 1, 3_600_000, "milliseconds")
  if (reconnectInitialDelayMs instanceof MqttConfigError) return reconnectInitialDelayMs
  const reconnectMaxDelayMs = intIn(
    "reconnectMaxDelayMs",
    options["reconnectMaxDelayMs"],
    Math.max(30_000, reconnectInitialDelayMs),
    reconnectInitialDelayMs,
    3_600_000,
    "milliseconds, at least reconnectInitialDelayMs"
  )
  if (reconnectMaxDelayMs instanceof MqttConfigError) return reconnectMaxDelayMs
  const blockIntervalMs = confTime(input.conf, "spark.streaming.blockInterval", "200ms")
  if (blockIntervalMs instanceof MqttConfigError) return blockIntervalMs
  const blockQueueSize = intIn(
    "spark.streaming.blockQueueSize",
    toNumber(input.conf["spark.streaming.blockQueueSize"]),
    10,
    1,
    1_000_000,
    "blocks"
  )
  if (blockQueueSize instanceof MqttConfigError) return blockQueueSize
  const rateConf: Record<string, string> = {}
  for (const [key, value] of Object.entries(input.conf)) {
    if (key.startsWith("spark.streaming.receiver.") || key.startsWith("spark.streaming.backpressure.")) rateConf[key] = value
  }
  return {
    brokerUrl,
    topics,
    format: input.format ?? "payload",
    clientId,
    cleanSession,
    qos,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    protocolVersion,
    keepAliveSeconds,
    connectTimeoutMs,
    sessionExpirySeconds,
    maxInFlight,
    reconnectInitialDelayMs,
    reconnectMaxDelayMs,
    blockIntervalMs,
    blockQueueSize,
    rateConf
  }
}

const toNumber = (raw: string | undefined): number | undefined => raw === undefined ? undefined : Number(raw)
