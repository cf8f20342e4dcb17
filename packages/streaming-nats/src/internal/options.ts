// Checks the connector's options one by one: the first problem is a
// NatsConfigError naming the option and what to set.
import type { DirectSource } from "@tspark/streaming"
import { NatsConfigError } from "../NatsError.js"
import type { NatsDirectStreamOptions, ValueFormat } from "../NatsOptions.js"
import type { ConnectionEnv } from "./connection.js"

export interface ValidatedOptions {
  readonly connection: ConnectionEnv
  readonly streams: ReadonlyArray<string>
  readonly application: string
  readonly offsetsBucket: string
  readonly offsetReset: DirectSource.OffsetReset
  readonly startingOffsets: ReadonlyMap<string, number>
  readonly format: ValueFormat
  readonly fetchBatch: number
}

// JetStream names: no whitespace, `.`, `*`, `>`, path separators (nats-server's `isValidName` plus the file-store limits).
const STREAM_NAME = /^[^\s.*>/\\]+$/
// A key token of a JetStream key-value bucket.
const KEY_TOKEN = /^[A-Za-z0-9_-]+$/
const BUCKET_NAME = /^[A-Za-z0-9_-]+$/

const fail = (option: string, message: string) => new NatsConfigError({ option, message })

const shown = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

const positiveInteger = (
  options: Readonly<Record<string, unknown>>,
  option: string,
  fallback: number,
  unit: string
): number | NatsConfigError => {
  const value = options[option]
  if (value === undefined) return fallback
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    return fail(option, `${option} is ${shown(value)}; set it to a whole number of ${unit} > 0 (default ${fallback})`)
  }
  return value
}

const optionalString = (options: Readonly<Record<string, unknown>>, option: string): string | undefined | NatsConfigError => {
  const value = options[option]
  if (value === undefined) return undefined
  if (typeof value !== "string" || value.length === 0) {
    return fail(option, `${option} is ${shown(value)}; set it to a non-empty string or leave it out`)
  }
  return value
}

const checkServers = (servers: unknown): ReadonlyArray<string> | NatsConfigError => {
  const list = typeof servers === "string" ? [servers] : servers
  if (!Array.isArray(list) || list.length === 0) {
    return fail("servers", `servers is ${shown(servers)}; set it to a server address ("127.0.0.1:4222") or a non-empty array of them`)
  }
  for (const server of list) {
    if (typeof server !== "string" || server.trim().length === 0 || /\s/.test(server.trim())) {
      return fail("servers", `servers holds ${shown(server)}; each server is "host:port" or "nats://host:port"`)
    }
  }
  return list.map((server: string) => server.trim())
}

const checkStreams = (streams: unknown): ReadonlyArray<string> | NatsConfigError => {
  if (!Array.isArray(streams) || streams.length === 0) {
    return fail("streams", `streams is ${shown(streams)}; list at least one JetStream stream (each one is a partition)`)
  }
  const seen = new Set<string>()
  for (const stream of streams) {
    if (typeof stream !== "string" || !STREAM_NAME.test(stream)) {
      return fail("streams", `streams holds ${shown(stream)}; a JetStream stream name has no spaces, ".", "*", ">", "/" or "\\"`)
    }
    if (seen.has(stream)) return fail("streams", `streams lists "${stream}" twice; list each stream once`)
    seen.add(stream)
  }
  return streams as ReadonlyArray<string>
}

const checkStartingOffsets = (
  value: unknown,
  streams: ReadonlyArray<string>
): ReadonlyMap<string, number> | NatsConfigError => {
  if (value === undefined) return new Map()
  if (!(value instanceof Map) && (typeof value !== "object" || value === null || Array.isArray(value))) {
    return fail("startingOffsets", `startingOffsets is ${shown(value)}; set it to a Map or an object from stream name to sequence`)
  }
  const entries: Array<[unknown, unknown]> = value instanceof Map ? [...value] : Object.entries(value)
  const offsets = new Map<string, number>()
  for (const [stream, offset] of entries) {
    if (typeof stream !== "string" || !streams.includes(stream)) {
      return fail("startingOffsets", `startingOffsets names ${shown(stream)}, which is not in streams (${streams.join(", ")})`)
    }
    if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 1) {
      return fail("startingOffsets", `startingOffsets of "${stream}" is ${shown(offset)}; set it to a stream sequence >= 1`)
    }
    offsets.set(stream, offset)
  }
  return offsets
}

const OFFSET_RESETS: ReadonlyArray<DirectSource.OffsetReset> = ["earliest", "latest", "fail"]
const FORMATS: ReadonlyArray<ValueFormat> = ["string", "json", "bytes"]

export const validate = (options: NatsDirectStreamOptions): ValidatedOptions | NatsConfigError => {
  if (typeof options !== "object" || options === null) {
    return fail("options", `the options are ${shown(options)}; pass an object with servers, streams and application`)
  }
  const raw = options as unknown as Readonly<Record<string, unknown>>
  const servers = checkServers(options.servers)
  if (servers instanceof NatsConfigError) return servers
  const streams = checkStreams(options.streams)
  if (streams instanceof NatsConfigError) return streams
  if (typeof options.application !== "string" || !KEY_TOKEN.test(options.application)) {
    return fail(
      "application",
      `application is ${shown(options.application)}; set it to a name of letters, digits, "-" and "_" ` +
        `(committed offsets are kept under <application>.<stream>)`
    )
  }
  const bucket = options.offsetsBucket ?? "tspark_offsets"
  if (typeof bucket !== "string" || !BUCKET_NAME.test(bucket)) {
    return fail("offsetsBucket", `offsetsBucket is ${shown(bucket)}; set it to a bucket name of letters, digits, "-" and "_"`)
  }
  const offsetReset = options.offsetReset ?? "latest"
  if (!OFFSET_RESETS.includes(offsetReset)) {
    return fail("offsetReset", `offsetReset is ${shown(offsetReset)}; set it to "earliest", "latest" or "fail"`)
  }
  const format = options.format ?? "string"
  if (!FORMATS.includes(format)) return fail("format", `format is ${shown(format)}; set it to "string", "json" or "bytes"`)
  const startingOffsets = checkStartingOffsets(options.startingOffsets, streams)
  if (startingOffsets instanceof NatsConfigError) return startingOffsets
  const requestTimeoutMs = positiveInteger(raw, "requestTimeoutMs", 5000, "milliseconds")
  if (requestTimeoutMs instanceof NatsConfigError) return requestTimeoutMs
  const attempts = positiveInteger(raw, "attempts", 3, "tries")
  if (attempts instanceof NatsConfigError) return attempts
  const retryBackoffMs = positiveInteger(raw, "retryBackoffMs", 200, "milliseconds")
  if (retryBackoffMs instanceof NatsConfigError) return retryBackoffMs
  const reconnectTimeWaitMs = positiveInteger(raw, "reconnectTimeWaitMs", 1000, "milliseconds")
  if (reconnectTimeWaitMs instanceof NatsConfigError) return reconnectTimeWaitMs
  const fetchBatch = positiveInteger(raw, "fetchBatch", 10_000, "messages")
  if (fetchBatch instanceof NatsConfigError) return fetchBatch
  const credentials: Record<string, string> = {}
  for (const option of ["user", "pass", "token"] as const) {
    const value = optionalString(raw, option)
    if (value instanceof NatsConfigError) return value
    if (value !== undefined) credentials[option] = value
  }
  if ((credentials["user"] === undefined) !== (credentials["pass"] === undefined)) {
    return fail(credentials["user"] === undefined ? "user" : "pass", "user and pass go together; set both, or neither")
  }
  if (credentials["token"] !== undefined && credentials["user"] !== undefined) {
    return fail("token", "token and user/pass are exclusive; set one of them")
  }
  return {
    connection: { servers, requestTimeoutMs, attempts, retryBackoffMs, reconnectTimeWaitMs, ...credentials },
    streams,
    application: options.application,
    offsetsBucket: bucket,
    offsetReset,
    startingOffsets,
    format,
    fetchBatch
  }
}
