// The driver's side of a Redis direct stream (Spark's DirectKafkaInputDStream's consumer): the
// streams' counters once per batch, positions for the planned ranges, and the group's position set
// on commit. Every call goes through one connection that retries with backoff; a failure becomes the
// DirectSourceError that fails the batch.
import { DirectSource, type OffsetRange } from "@tspark/streaming"
import { Effect } from "effect"
import { RedisStreamNotFoundError } from "../RedisError.js"
import { Connection, describe, type RedisConnection } from "./connection.js"
import type { ResolvedOptions } from "./options.js"
import { Anchors, positionOf, walk } from "./positions.js"
import * as Scripts from "./scripts.js"

export interface StreamInfo {
  readonly added: number
  readonly length: number
  readonly lastId: string
}

type InfoReply = Array<[number, number?, number?, string?]>

export class RedisStreamDriver {
  readonly name: string
  readonly connection: Connection
  private readonly anchors = new Anchors()
  /** The counters latestOffsets read last (the batch being planned). */
  private snapshot = new Map<string, StreamInfo>()
  /** Whether earliestOffsets may use the snapshot (once, right after latestOffsets). */
  private snapshotFresh = false

  constructor(readonly options: ResolvedOptions) {
    this.name = `redis:${options.streams.join(",")}`
    this.connection = new Connection(options)
  }

  private call<A>(what: string, f: (client: RedisConnection) => Promise<A>): Effect.Effect<A, DirectSource.DirectSourceError> {
    return Effect.tryPromise({
      try: () => this.connection.run(f),
      catch: (error) =>
        error instanceof DirectSource.DirectSourceError ? error : new DirectSource.DirectSourceError({
          source: this.name,
          message: `${what} at ${this.options.url} failed after ${this.options.retries} retries: ${describe(error)}`,
          cause: error
        })
    })
  }

  /** Each stream's counters; a missing key (or another type) is reported as `found`. */
  readonly info: Effect.Effect<Map<string, StreamInfo | { readonly found: string }>, DirectSource.DirectSourceError> = Effect
    .suspend(() =>
      this.call("reading the streams' counters (XINFO STREAM)", async (client) => {
        const replies = await Scripts.run<InfoReply>(client, Scripts.streamInfo, this.options.streams, [])
        const infos = new Map<string, StreamInfo | { readonly found: string }>()
        this.options.streams.forEach((stream, i) => {
          const [exists, added, length, lastId] = replies[i] ?? [0]
          if (exists !== 1) infos.set(stream, { found: exists === 0 ? "none" : "another type" })
          else if (typeof added !== "number") {
            throw new DirectSource.DirectSourceError({
              source: this.name,
              message: `${this.options.url} does not report entries-added for ${stream}; upgrade Redis to 7.0 or later`
            })
          } else infos.set(stream, { added, length: length ?? 0, lastId: lastId ?? "0-0" })
        })
        return infos
      })
    )

  /** Fails with RedisStreamNotFoundError for the first stream key that is not a stream. */
  readonly checkStreams: Effect.Effect<void, RedisStreamNotFoundError | DirectSource.DirectSourceError> = Effect.flatMap(
    this.info,
    (infos) => {
      for (const [stream, info] of infos) {
        if ("found" in info) return Effect.fail(new RedisStreamNotFoundError({ url: this.options.url, stream, found: info.found }))
      }
      return Effect.void
    }
  )

  private readonly counters = Effect.flatMap(this.info, (infos) =>
    Effect.gen({ self: this }, function*() {
      const snapshot = new Map<string, StreamInfo>()
      for (const [stream, info] of infos) {
        if ("found" in info) {
          yield* Effect.logWarning(`${this.name}: stream key ${stream} is missing (${info.found}); its partition is not read`)
          continue
        }
        snapshot.set(stream, info)
        this.anchors.dropBefore(stream, info.added - info.length)
        this.anchors.add(stream, info.added - info.length, "0-0")
        this.anchors.add(stream, info.added, info.lastId)
      }
      return snapshot
    }))

  readonly latestOffsets: Effect.Effect<ReadonlyMap<string, number>, DirectSource.DirectSourceError> = Effect.map(
    this.counters,
    (snapshot) => {
      this.snapshot = snapshot
      this.snapshotFresh = true
      return new Map([...snapshot].map(([stream, info]) => [stream, info.added]))
    }
  )

  readonly earliestOffsets: Effect.Effect<ReadonlyMap<string, number>, DirectSource.DirectSourceError> = Effect.suspend(() => {
    const snapshot = this.snapshotFresh ? Effect.succeed(this.snapshot) : this.counters
    this.snapshotFresh = false
    return Effect.map(snapshot, (infos) => new Map([...infos].map(([stream, info]) => [stream, info.added - info.length])))
  })

  resolvePositions(
    ranges: ReadonlyArray<OffsetRange.OffsetRange>
  ): Effect.Effect<Array<OffsetRange.OffsetRange>, DirectSource.DirectSourceError> {
    const chunk = this.options.scanChunkSize
    return this.call(
      "resolving entry ids of offsets (XRANGE in a script)",
      (client) =>
        Promise.all(ranges.map(async (range): Promise<OffsetRange.OffsetRange> => {
          const from = range.fromPosition ?? await positionOf(client, this.anchors, range.partition, range.fromOffset, chunk)
          const end = this.snapshot.get(range.partition)
          const until = range.count === 0
            ? from
            : end !== undefined && end.added === range.untilOffset
            ? end.lastId
            : (await walk(client, range.partition, "f", from, range.count, chunk)).id
          this.anchors.add(range.partition, range.fromOffset, from)
          this.anchors.add(range.partition, range.untilOffset, until)
          return { ...range, fromPosition: from, untilPosition: until }
        }))
    )
  }

  commit(
    offsets: ReadonlyMap<string, number>,
    positions: ReadonlyMap<string, string> | undefined
  ): Effect.Effect<void, DirectSource.DirectSourceError> {
    return Effect.gen({ self: this }, function*() {
      const missing = [...offsets.keys()].filter((stream) => positions?.get(stream) === undefined)
      if (missing.length > 0) {
        yield* Effect.logWarning(`${this.name}: no entry id for ${missing.join(", ")}; their group position is set at a later commit`)
      }
      const known = [...offsets].filter(([stream]) => positions?.get(stream) !== undefined)
      yield* this.call(
        `setting group ${this.options.group}'s position (XGROUP SETID)`,
        (client) =>
          Promise.all(
            known.map(([stream, offset]) =>
              Scripts.run(client, Scripts.setGroupPosition, [stream], [this.options.group, positions!.get(stream)!, String(offset)])
            )
          )
      )
    }).pipe(Effect.asVoid)
  }

  /** The group's position in each stream where it has one: entries-read (the next offset) and last-delivered-id. */
  readonly groupPositions: Effect.Effect<Map<string, { readonly offset: number; readonly id: string }>, DirectSource.DirectSourceError> =
    Effect.suspend(() =>
      this.call(`reading group ${this.options.group}'s positions (XINFO GROUPS)`, async (client) => {
        const replies = await Scripts.run<Array<[number, string?, number?]>>(
          client,
          Scripts.groupPositions,
          this.options.streams,
          [this.options.group]
        )
        const positions = new Map<string, { readonly offset: number; readonly id: string }>()
        this.options.streams.forEach((stream, i) => {
          const [found, id, read] = replies[i] ?? [0]
          if (found !== 1 || id === undefined || read === undefined || read < 0) return
          positions.set(stream, { offset: read, id })
          this.anchors.add(stream, read, id)
        })
        return positions
      })
    )
}
