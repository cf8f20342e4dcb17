// What an executor does with a range: XRANGE from the position before its first entry to its last
// entry's id, in chunks, on one cached connection per executor (per server and settings).
import { DirectSource, type OffsetRange } from "@tspark/streaming"
import type { RedisRecord } from "../RedisRecord.js"
import { Connection, type ConnectionSettings, describe, type RedisConnection } from "./connection.js"
import * as Scripts from "./scripts.js"

export interface ReaderEnv extends ConnectionSettings {
  /** The source's name, for messages. */
  readonly name: string
  readonly readChunkSize: number
}

const connections = new Map<string, Connection>()
let exitHook = false

export const connectionFor = (env: ReaderEnv): Connection => {
  const key = JSON.stringify([env.url, env.connectTimeoutMs, env.retries, env.retryBackoffMs])
  let connection = connections.get(key)
  if (connection === undefined) {
    // Unreferenced: an executor's idle reader never keeps its process or thread alive.
    connection = new Connection(env, true)
    connections.set(key, connection)
    if (!exitHook) {
      exitHook = true
      process.once("exit", closeAll)
    }
  }
  return connection
}

export const closeAll = (): void => {
  for (const connection of connections.values()) connection.close()
  connections.clear()
}

type RawEntry = [string, Array<string>]

const toRecord = (stream: string, offset: number, [id, pairs]: RawEntry): RedisRecord => {
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[pairs[i]!] = pairs[i + 1]!
  return { stream, id, offset, fields }
}

/** Why a read came back short: the range's start was trimmed away (out of range), or entries were deleted inside it. */
const shortRead = async (env: ReaderEnv, client: RedisConnection, range: OffsetRange.OffsetRange): Promise<void> => {
  const [info] = await Scripts.run<Array<Array<number | string>>>(client, Scripts.streamInfo, [range.partition], [])
  if (info === undefined || info[0] !== 1) {
    throw new DirectSource.DirectSourceError({
      source: env.name,
      message: `stream key ${range.partition} no longer exists while reading ${range.fromOffset}..${range.untilOffset}`
    })
  }
  const added = Number(info[1])
  const earliest = added - Number(info[2])
  if (range.fromOffset < earliest) {
    throw new DirectSource.DirectOffsetOutOfRangeError({
      source: env.name,
      partition: range.partition,
      offset: range.fromOffset,
      earliest,
      latest: added
    })
  }
  // Entries deleted inside the range (XDEL) are gone: the range gives the ones that remain.
}

export const readRange = async (env: ReaderEnv, range: OffsetRange.OffsetRange): Promise<Array<RedisRecord>> => {
  const records: Array<RedisRecord> = []
  if (range.count === 0) return records
  if (range.fromPosition === undefined || range.untilPosition === undefined) {
    throw new DirectSource.DirectSourceError({
      source: env.name,
      message: `range ${range.partition} [${range.fromOffset}, ${range.untilOffset}) has no positions; ` +
        `read it through a stream made by RedisUtils.createDirectStream`
    })
  }
  const until = range.untilPosition
  try {
    await connectionFor(env).run(async (client) => {
      records.length = 0
      let from = range.fromPosition!
      while (records.length < range.count) {
        const count = Math.min(env.readChunkSize, range.count - records.length)
        const chunk = await client.sendCommand<Array<RawEntry>>([
          "XRANGE",
          range.partition,
          `(${from}`,
          until,
          "COUNT",
          String(count)
        ])
        for (const entry of chunk) records.push(toRecord(range.partition, range.fromOffset + records.length, entry))
        if (chunk.length < count) break
        from = chunk[chunk.length - 1]![0]
      }
      if (records.length < range.count) await shortRead(env, client, range)
    })
  } catch (error) {
    if (error instanceof DirectSource.DirectOffsetOutOfRangeError || error instanceof DirectSource.DirectSourceError) throw error
    throw new DirectSource.DirectSourceError({
      source: env.name,
      message: `reading ${range.partition} [${range.fromOffset}, ${range.untilOffset}) from ${env.url} failed: ${describe(error)}`,
      cause: error
    })
  }
  return records
}
