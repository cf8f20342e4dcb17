/**
 * The `DirectSource` of Redis Streams: one partition per stream key, entry
 * ordinals as offsets, entry ids as positions, the consumer group's position
 * as the committed offset.
 *
 * @since 0.1.0
 */
import type { DirectSource } from "@tspark/streaming"
import { Effect, type Scope } from "effect"
import { RedisStreamDriver } from "./internal/driver.js"
import { resolve, type ResolvedOptions } from "./internal/options.js"
import { RedisOptionsError, type RedisStreamNotFoundError } from "./RedisError.js"
import type { RedisDirectStreamOptions } from "./RedisOptions.js"
import * as RedisRangeReader from "./RedisRangeReader.js"
import type { RedisRecord } from "./RedisRecord.js"

/**
 * A direct source over Redis stream keys, with the checked options.
 *
 * - offsets: a stream's `entries-added` numbers every entry ever added, so
 *   the latest offset is `entries-added` and the earliest is
 *   `entries-added - length`;
 * - positions (`resolvePositions`): the id of the entry before a range and of
 *   its last entry, found by a bounded scan in a Lua script;
 * - `read`: `XRANGE` between them on the executor (`RedisRangeReader`);
 * - `commit`: `XGROUP SETID <key> <group> <last id> ENTRIESREAD <offset>`;
 * - `committedOffsets`: the group's position in each stream where it has one
 *   (`entries-read` as the offset, `last-delivered-id` as its position),
 *   where the stream starts a stream key it has no offset for.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.ConsumerStrategy` (what a consumer reads and its committed offsets).
 *
 * **Example**
 * ```ts
 * const source = yield* RedisDirectSource.make({ url, streams: ["events"], group: "counts" })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RedisDirectSource extends DirectSource.DirectSource<RedisRecord> {
  readonly options: ResolvedOptions
  readonly committedOffsets: Effect.Effect<
    { readonly offsets: ReadonlyMap<string, number>; readonly positions: ReadonlyMap<string, string> },
    DirectSource.DirectSourceError
  >
}

/**
 * Checks the options, connects the driver's client (closed with the scope)
 * and checks that every stream key holds a stream.
 *
 * Mirrors `ConsumerStrategy.onStart` (the driver's consumer).
 *
 * **Example**
 * ```ts
 * const source = yield* RedisDirectSource.make({ url: "redis://localhost:6379", streams: ["a", "b"], group: "g" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  options: RedisDirectStreamOptions
): Effect.Effect<RedisDirectSource, RedisOptionsError | RedisStreamNotFoundError | DirectSource.DirectSourceError, Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = resolve(options)
    if (resolved instanceof RedisOptionsError) return yield* resolved
    const driver = yield* Effect.acquireRelease(
      Effect.sync(() => new RedisStreamDriver(resolved)),
      (d) => Effect.sync(() => d.connection.close())
    )
    yield* driver.checkStreams
    return {
      name: driver.name,
      options: resolved,
      latestOffsets: driver.latestOffsets,
      earliestOffsets: driver.earliestOffsets,
      resolvePositions: (ranges) => driver.resolvePositions(ranges),
      read: RedisRangeReader.make({
        name: driver.name,
        url: resolved.url,
        readChunkSize: resolved.readChunkSize,
        connectTimeoutMs: resolved.connectTimeoutMs,
        retries: resolved.retries,
        retryBackoffMs: resolved.retryBackoffMs
      }),
      commit: (offsets, positions) => driver.commit(offsets, positions),
      committedOffsets: Effect.tap(
        Effect.map(driver.groupPositions, (group) => ({
          offsets: new Map([...group].map(([stream, p]) => [stream, p.offset])),
          positions: new Map([...group].map(([stream, p]) => [stream, p.id]))
        })),
        ({ offsets }) =>
          offsets.size === 0 ? Effect.void : Effect.logInfo(
            `${driver.name}: group ${resolved.group} is at ` +
              [...offsets].map(([stream, offset]) => `${stream}@${offset}`).join(", ")
          )
      )
    }
  })
