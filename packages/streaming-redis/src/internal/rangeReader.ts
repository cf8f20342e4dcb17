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

/**
 * A range's entries as the task iterates them: the replies are kept as Redis sent them and each
 * record is made when the task reaches it, so that a batch does not hold a second copy of its
 * entries as long-lived objects (which the garbage collector would have to promote and trace).
 */
class RangeRecords implements Iterable<RedisRecord> {
  constructor(
    readonly stream: string,
    readonly fromOffset: number,
    readonly chunks: ReadonlyArray<ReadonlyArray<RawEntry>>
  ) {}

  [Symbol.iterator](): Iterator<RedisRecord> {
    const { chunks, fromOffset, stream } = this
    let chunk = 0
    let index = 0
    let offset = fromOffset
    return {
      next: (): IteratorResult<RedisRecord> => {
        while (chunk < chunks.length && index >= chunks[chunk]!.length) {
          chunk++
          index = 0
        }
        if (chunk >= chunks.length) return { done: true, value: undefined }
        return { done: false, value: toRecord(stream, offset++, chunks[chunk]![index++]!) }
      }
    }
  }
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

export const readRange = async (env: ReaderEnv, range: OffsetRange.OffsetRange): Promise<Iterable<RedisRecord>> => {
  if (range.count === 0) return []
  if (range.fromPosition === undefined || range.untilPosition === undefined) {
    throw new DirectSource.DirectSourceError({
      source: env.name,
      message: `range ${range.partition} [${range.fromOffset}, ${range.untilOffset}) has no positions; ` +
        `read it through a stream made by RedisUtils.createDirectStream`
    })
  }
  const until = range.untilPosition
  const chunks: Array<Array<RawEntry>> = []
  try {
    await connectionFor(env).run(async (client) => {
      chunks.length = 0
      let read = 0
      let from = range.fromPosition!
      while (read < range.count) {
        const count = Math.min(env.readChunkSize, range.count - read)
        const chunk = await client.sendCommand<Array<RawEntry>>([
          "XRANGE",
          range.partition,
          `(${from}`,
          until,
          "COUNT",
          String(count)
        ])
        chunks.push(chunk)
        read += chunk.length
        if (chunk.length < count) break
        from = chunk[chunk.length - 1]![0]
      }
      if (read < range.count) await shortRead(env, client, range)
    })
  } catch (error) {
    if (error instanceof DirectSource.DirectOffsetOutOfRangeError || error instanceof DirectSource.DirectSourceError) throw error
    throw new DirectSource.DirectSourceError({
      source: env.name,
      message: `reading ${range.partition} [${range.fromOffset}, ${range.untilOffset}) from ${env.url} failed: ${describe(error)}`,
      cause: error
    })
  }
  return new RangeRecords(range.partition, range.fromOffset, chunks)
}
