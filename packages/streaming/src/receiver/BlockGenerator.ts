/**
 * Turns single records into blocks: records go into a buffer, a timer cuts
 * the buffer into a block every block interval, blocks wait in a bounded
 * queue, and a pusher fiber hands each to a listener (the supervisor, which
 * stores it and reports it to the driver).
 *
 * Mirrors `org.apache.spark.streaming.receiver.BlockGenerator`.
 *
 * @since 0.1.0
 */
import type { BlockId } from "@tspark/core"
import type { RateControlError, RateLimiter } from "@tspark/rate-control"
import type { Effect, Scope } from "effect"
import * as internal from "../internal/receiverBlockGenerator.js"
import type { BlockGeneratorStoppedError } from "./ReceiverError.js"

/**
 * The life of a generator: `Initialized` until `start`; `Active` while it
 * takes data; a graceful `stop` goes through `StoppedAddingData` (adds are
 * refused), `StoppedGeneratingBlocks` (the last block is cut) and `StoppedAll`
 * (every queued block has been pushed).
 *
 * Mirrors `BlockGenerator.GeneratorState`.
 *
 * **Example**
 * ```ts
 * const done: BlockGenerator.State = "StoppedAll"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type State = "Initialized" | "Active" | "StoppedAddingData" | "StoppedGeneratingBlocks" | "StoppedAll"

/**
 * What a generator calls: `onAddData` for every record added (under the
 * generator's control, before the next cut, as Spark's lock), `onGenerateBlock`
 * when a block is cut, `onPushBlock` to hand a block on (the pusher waits for
 * it: a slow push fills the queue and then holds the adders), `onError` when a
 * callback or a push fails (the pusher goes on with the next block).
 *
 * `onPushLineBlock` takes a block of lines added as bytes (`addLines`) in
 * their serialized form, a `LineBlock` of `lineCount` lines. Without it (or
 * with `onAddData`, which sees each record) such lines are decoded when added
 * and pushed as records.
 *
 * Mirrors `org.apache.spark.streaming.receiver.BlockGeneratorListener`.
 *
 * **Example**
 * ```ts
 * const listener: BlockGenerator.BlockGeneratorListener<string> = {
 *   onPushBlock: (id, records) => Effect.log(`${id.name}: ${records.length} records`),
 *   onError: (message) => console.error(message)
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockGeneratorListener<T> {
  readonly onAddData?: (data: T, metadata: unknown) => void
  readonly onGenerateBlock?: (blockId: BlockId.BlockId) => void
  readonly onPushBlock: (blockId: BlockId.BlockId, records: ReadonlyArray<T>) => Effect.Effect<void, unknown>
  readonly onPushLineBlock?: (blockId: BlockId.BlockId, block: Buffer, lineCount: number) => Effect.Effect<void, unknown>
  readonly onError: (message: string, error: unknown) => void
}

/**
 * How to build a generator: its stream, the block interval
 * (`spark.streaming.blockInterval`), the queue size
 * (`spark.streaming.blockQueueSize`, default 10), a rate limiter (none: no
 * limit) and where block ids come from (default: a random 52-bit base counted
 * up, so ids do not repeat across restarts or executors).
 *
 * Mirrors the constructor parameters of `BlockGenerator`.
 *
 * **Example**
 * ```ts
 * const options: BlockGenerator.BlockGeneratorOptions = { streamId: 0, blockIntervalMs: 200, blockQueueSize: 10 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockGeneratorOptions {
  readonly streamId: number
  readonly blockIntervalMs: number
  readonly blockQueueSize?: number
  readonly rateLimiter?: RateLimiter.RateLimiter
  readonly nextBlockId?: () => BlockId.BlockId
}

/**
 * A running generator.
 *
 * - `addData(record)`: waits for the rate limiter (and, while the queue is
 *   full, for room), then buffers the record; fails with
 *   `BlockGeneratorStoppedError` unless `Active`.
 * - `tryAddData(record, metadata)`: the synchronous fast path; buffers the
 *   record and returns `true` when that needs no waiting, else does nothing.
 * - `addLines(bytes, lineCount, metadata)` / `tryAddLines`: for a generator of
 *   strings, `lineCount` lines given as UTF-8 bytes of whole lines (each ended
 *   by `\n`; `LineBlock.countLines` counts them), rate-limited as that many
 *   records. They stay bytes until a task reads the block (see
 *   `onPushLineBlock`).
 * - `stop`: graceful; returns when every record added has been pushed.
 *
 * Mirrors `org.apache.spark.streaming.receiver.BlockGenerator`.
 *
 * **Example**
 * ```ts
 * yield* generator.start
 * yield* generator.addData("a")
 * yield* generator.stop // "a" has been pushed
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BlockGenerator<T> {
  readonly streamId: number
  readonly start: Effect.Effect<void>
  readonly stop: Effect.Effect<void>
  readonly addData: (record: T) => Effect.Effect<void, BlockGeneratorStoppedError>
  readonly addDataWithCallback: (record: T, metadata: unknown) => Effect.Effect<void, BlockGeneratorStoppedError>
  readonly addMultipleDataWithCallback: (
    records: ReadonlyArray<T>,
    metadata: unknown
  ) => Effect.Effect<void, BlockGeneratorStoppedError>
  readonly tryAddData: (record: T, metadata: unknown) => boolean
  /** `tryAddData` for several records at once: all are buffered (one rate-limiter step), or none. */
  readonly tryAddMultipleData: (records: ReadonlyArray<T>, metadata: unknown) => boolean
  readonly addLines: (
    bytes: Uint8Array,
    lineCount: number,
    metadata: unknown
  ) => Effect.Effect<void, BlockGeneratorStoppedError>
  /** `tryAddData` for `lineCount` lines given as bytes: all are buffered (one rate-limiter step), or none. */
  readonly tryAddLines: (bytes: Uint8Array, lineCount: number, metadata: unknown) => boolean
  readonly updateRate: (elementsPerSecond: number) => Effect.Effect<void, RateControlError.InvalidRateError>
  /** The rate limit in force, records/s (`Infinity` when unlimited). */
  readonly currentLimit: () => number
  readonly state: () => State
  readonly isActive: () => boolean
  readonly isStopped: () => boolean
}

/**
 * Builds a generator whose fibers live in the current scope (closing it
 * interrupts them; call `stop` first to push what is buffered). Time goes
 * through Effect's `Clock`: blocks are cut at multiples of the block interval.
 *
 * Mirrors `new BlockGenerator(listener, receiverId, conf)`.
 *
 * **Example**
 * ```ts
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const generator = yield* BlockGenerator.make(listener, { streamId: 0, blockIntervalMs: 200 })
 *   yield* generator.start
 *   yield* generator.addData(1)
 *   yield* generator.stop
 * }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: <T>(
  listener: BlockGeneratorListener<T>,
  options: BlockGeneratorOptions
) => Effect.Effect<BlockGenerator<T>, never, Scope.Scope> = internal.make
