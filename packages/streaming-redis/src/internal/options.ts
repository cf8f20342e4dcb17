// Checking a direct stream's options: each problem names its option and what to set.
import type { DirectSource } from "@tspark/streaming"
import { RedisOptionsError } from "../RedisError.js"
import type { RedisDirectStreamOptions } from "../RedisOptions.js"
import type { ConnectionSettings } from "./connection.js"

export interface ResolvedOptions extends ConnectionSettings {
  readonly streams: ReadonlyArray<string>
  readonly group: string
  readonly offsetReset: DirectSource.OffsetReset
  readonly startingOffsets: ReadonlyMap<string, number>
  readonly readChunkSize: number
  readonly scanChunkSize: number
}

const fail = (option: string, message: string) => new RedisOptionsError({ option, message })

const integer = (
  options: Record<string, unknown>,
  option: string,
  fallback: number,
  min: number
): number | RedisOptionsError => {
  const value = options[option]
  if (value === undefined) return fallback
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    return fail(option, `${option} is ${JSON.stringify(value)}; set it to an integer >= ${min}`)
  }
  return value
}

export const resolve = (input: RedisDirectStreamOptions): ResolvedOptions | RedisOptionsError => {
  if (typeof input !== "object" || input === null) {
    return fail("options", "createDirectStream needs an options object with streams and group")
  }
  const options = input as unknown as Record<string, unknown>
  const url = options["url"] ?? "redis://localhost:6379"
  if (typeof url !== "string" || !/^rediss?:\/\/[^/]/.test(url)) {
    return fail("url", `url is ${JSON.stringify(url)}; set it to redis://host:port (or rediss:// for TLS)`)
  }
  const streams = options["streams"]
  if (!Array.isArray(streams) || streams.length === 0) {
    return fail("streams", "streams must list at least one stream key, e.g. streams: [\"events\"]")
  }
  const bad = streams.find((s) => typeof s !== "string" || s.length === 0)
  if (bad !== undefined) return fail("streams", `streams holds ${JSON.stringify(bad)}; every stream key must be a non-empty string`)
  const repeated = streams.find((s, i) => streams.indexOf(s) !== i)
  if (repeated !== undefined) return fail("streams", `streams lists "${repeated}" twice; list each stream key once`)
  const group = options["group"]
  if (typeof group !== "string" || group.length === 0) {
    return fail("group", `group is ${JSON.stringify(group)}; set it to the consumer group name whose position records what was processed`)
  }
  const offsetReset = options["offsetReset"] ?? "latest"
  if (offsetReset !== "earliest" && offsetReset !== "latest" && offsetReset !== "fail") {
    return fail("offsetReset", `offsetReset is ${JSON.stringify(offsetReset)}; set it to "earliest", "latest" or "fail"`)
  }
  const starting = options["startingOffsets"] ?? new Map<string, number>()
  if (!(starting instanceof Map)) return fail("startingOffsets", "startingOffsets must be a Map from stream key to offset")
  for (const [stream, offset] of starting as Map<unknown, unknown>) {
    if (typeof stream !== "string" || !streams.includes(stream)) {
      return fail(
        "startingOffsets",
        `startingOffsets names ${JSON.stringify(stream)}, which is not in streams; add it to streams or remove it`
      )
    }
    if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
      return fail("startingOffsets", `startingOffsets gives ${stream} the offset ${JSON.stringify(offset)}; set an integer >= 0`)
    }
  }
  const readChunkSize = integer(options, "readChunkSize", 1_000, 1)
  if (readChunkSize instanceof RedisOptionsError) return readChunkSize
  const scanChunkSize = integer(options, "scanChunkSize", 10_000, 1)
  if (scanChunkSize instanceof RedisOptionsError) return scanChunkSize
  const connectTimeoutMs = integer(options, "connectTimeoutMs", 5_000, 1)
  if (connectTimeoutMs instanceof RedisOptionsError) return connectTimeoutMs
  const retries = integer(options, "retries", 4, 0)
  if (retries instanceof RedisOptionsError) return retries
  const retryBackoffMs = integer(options, "retryBackoffMs", 100, 1)
  if (retryBackoffMs instanceof RedisOptionsError) return retryBackoffMs
  return {
    url,
    streams: streams as ReadonlyArray<string>,
    group,
    offsetReset,
    startingOffsets: starting as ReadonlyMap<string, number>,
    readChunkSize,
    scanChunkSize,
    connectTimeoutMs,
    retries,
    retryBackoffMs
  }
}
