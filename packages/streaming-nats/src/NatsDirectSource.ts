/**
 * The `DirectSource` over JetStream streams, on the driver: each stream is
 * a partition, its offsets are stream sequence numbers (the latest offset
 * is `last_seq + 1`, the earliest the first sequence still stored), ranges
 * are read on the executors by `NatsRangeReader`, and commits go to a
 * JetStream key-value bucket.
 *
 * Why a key-value bucket and not the acknowledgements of a durable pull
 * consumer: JetStream moves a consumer's ack floor only over messages that
 * consumer delivered, so recording "everything before N is processed" with
 * acks would make the server deliver every message a second time (to the
 * committing consumer, besides the executors reading the ranges), or make
 * the executors read through that consumer and lose exact, replayable
 * ranges. A key per `<application>.<stream>` holding the next sequence is
 * one small write per stream per batch, stored by JetStream itself (file
 * storage, kept across server restarts), and readable by any tool
 * (`nats kv get tspark_offsets <application>.<stream>`).
 *
 * Mirrors Spark's `ConsumerStrategy` (`Subscribe`) and `commitAsync` (to Kafka's
 * `__consumer_offsets`), for JetStream.
 *
 * @since 0.1.0
 */
import { type KV, Kvm } from "@nats-io/kv"
import { Closure } from "@tspark/core"
import { DirectSource, type OffsetRange } from "@tspark/streaming"
import { Effect, type Scope } from "effect"
import { backoff, closeCached, type Connected, describe, isStreamNotFound, open, pause } from "./internal/connection.js"
import type { ValidatedOptions } from "./internal/options.js"
import type { ReaderEnv } from "./internal/rangeReader.js"
import { NatsConfigError, NatsStreamNotFoundError } from "./NatsError.js"
import { type NatsDirectStreamOptions, validate } from "./NatsOptions.js"
import type { NatsRecord } from "./NatsRecord.js"

/** The module executors import to read ranges, and its export. */
export const READER_MODULE = "@tspark/streaming-nats"
const READER_EXPORT = "natsRangeReader"

/**
 * A direct source over JetStream streams, with its commits' reading side and its options.
 *
 * Mirrors a `ConsumerStrategy`'s consumer, for JetStream.
 *
 * **Example**
 * ```ts
 * const source = yield* NatsDirectSource.make<string>({ servers: "127.0.0.1:4222", streams: ["orders-0"], application: "counts" })
 * const { offsets } = yield* source.committedOffsets
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface NatsDirectSource<V> extends DirectSource.DirectSource<NatsRecord<V>> {
  /** The options after checking, defaults filled in. */
  readonly options: ValidatedOptions
  /**
   * Per stream, the next sequence committed by `options.application` (streams never committed are absent):
   * where the stream starts a stream it has no offset for (asked once, before its first batch).
   */
  readonly committedOffsets: Effect.Effect<{ readonly offsets: ReadonlyMap<string, number> }, DirectSource.DirectSourceError>
}

const sourceName = (options: ValidatedOptions) => `nats:${options.streams.join(",")}`

const offsetKey = (options: ValidatedOptions, stream: string) => `${options.application}.${stream}`

/**
 * Runs `attempt` with the connection's tries: a failure is logged and tried
 * again after a pause (real time, doubling: it waits for a server, not for
 * the batch clock, so a stream on the test clock does not stall); the last
 * one fails with `DirectSourceError`. A failure `final` recognizes fails at
 * once with the error it makes.
 */
const withTries = <A>(
  options: ValidatedOptions,
  what: string,
  attempt: () => Promise<A>,
  final: (error: unknown) => DirectSource.DirectSourceError | undefined = () => undefined
): Effect.Effect<A, DirectSource.DirectSourceError> =>
  Effect.gen(function*() {
    const env = options.connection
    const source = sourceName(options)
    for (let tried = 1;; tried++) {
      const result = yield* Effect.result(Effect.tryPromise({ try: attempt, catch: (error) => error }))
      if (result._tag === "Success") return result.success
      const error = result.failure
      const refused = final(error)
      if (refused !== undefined) return yield* refused
      const reason = describe(error, env.servers)
      if (tried >= env.attempts) {
        return yield* new DirectSource.DirectSourceError({
          source,
          message: `${what} failed after ${env.attempts} tries: ${reason}`,
          cause: error
        })
      }
      yield* Effect.logWarning(`${source}: ${what} failed (try ${tried} of ${env.attempts}), trying again: ${reason}`)
      yield* Effect.promise(() => pause(backoff(env, tried)))
    }
  })

/** A request to the server, with the connection's tries; a stream that does not exist fails at once. */
const request = <A>(
  connected: Connected,
  options: ValidatedOptions,
  what: string,
  run: (connected: Connected) => Promise<A>
): Effect.Effect<A, DirectSource.DirectSourceError> =>
  withTries(options, what, () => run(connected), (error) =>
    isStreamNotFound(error)
      ? new DirectSource.DirectSourceError({
        source: sourceName(options),
        message: `${what}: JetStream answered "stream not found" on ${options.connection.servers.join(", ")}; ` +
          "recreate the stream, or remove it from the streams option",
        cause: error
      })
      : undefined)

/** Opens the driver's connection with the connection's tries; it closes with the scope. */
const connectDriver = (options: ValidatedOptions): Effect.Effect<Connected, DirectSource.DirectSourceError, Scope.Scope> =>
  Effect.acquireRelease(
    withTries(options, "connecting", () => open(options.connection, `tspark-nats-driver-${options.application}`)),
    (connected) => Effect.promise(() => connected.nc.close().catch(() => undefined))
  )

/** Each stream's state, through `stream info`: a stream that does not exist fails the whole request. */
const streamStates = (connected: Connected, options: ValidatedOptions, what: string) =>
  Effect.forEach(
    options.streams,
    (stream) =>
      Effect.map(
        request(connected, options, `${what} of "${stream}"`, (c) => c.jsm.streams.info(stream)),
        (info) => [stream, info.state] as const
      ),
    { concurrency: "unbounded" }
  )

/**
 * Checks `options`, connects to the servers, checks that every stream
 * exists and opens (or creates) the offsets bucket; the connection closes
 * with the scope, and so do the connections readers keep in this process.
 * Fails with `NatsConfigError` for a bad option, `NatsStreamNotFoundError`
 * for a stream that does not exist, `DirectSourceError` when the server
 * cannot be reached.
 *
 * Mirrors `ConsumerStrategies.Subscribe(topics, kafkaParams).onStart`.
 *
 * **Example**
 * ```ts
 * const source = yield* NatsDirectSource.make<string>({ servers: "127.0.0.1:4222", streams: ["orders-0", "orders-1"], application: "counts" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <V = string>(
  options: NatsDirectStreamOptions
): Effect.Effect<NatsDirectSource<V>, NatsConfigError | NatsStreamNotFoundError | DirectSource.DirectSourceError, Scope.Scope> =>
  Effect.gen(function*() {
    const checked = validate(options)
    if (checked instanceof NatsConfigError) return yield* checked
    const name = sourceName(checked)
    // Released after the driver's connection: the readers of this process (local[N] executors) close too.
    yield* Effect.addFinalizer(() => Effect.promise(() => closeCached(checked.connection)))
    const connected = yield* connectDriver(checked)
    for (const stream of checked.streams) {
      const found = yield* Effect.result(Effect.tryPromise({ try: () => connected.jsm.streams.info(stream), catch: (error) => error }))
      if (found._tag === "Success") continue
      if (isStreamNotFound(found.failure)) return yield* new NatsStreamNotFoundError({ stream, servers: checked.connection.servers })
      return yield* new DirectSource.DirectSourceError({
        source: name,
        message: `checking stream "${stream}" failed: ${describe(found.failure, checked.connection.servers)}`,
        cause: found.failure
      })
    }
    const bucket: KV = yield* request(
      connected,
      checked,
      `opening the offsets bucket "${checked.offsetsBucket}"`,
      (c) => new Kvm(c.js).create(checked.offsetsBucket, { history: 1 })
    )
    const env: ReaderEnv = { source: name, connection: checked.connection, format: checked.format, fetchBatch: checked.fetchBatch }
    const read = Closure.fromModule<[OffsetRange.OffsetRange], Iterable<NatsRecord<V>>>(
      READER_MODULE,
      READER_EXPORT,
      env
    )
    const source: NatsDirectSource<V> = {
      name,
      options: checked,
      latestOffsets: Effect.map(
        streamStates(connected, checked, "reading the last sequence"),
        (states) => new Map(states.map(([stream, state]) => [stream, state.last_seq + 1]))
      ),
      earliestOffsets: Effect.map(
        streamStates(connected, checked, "reading the first sequence"),
        (states) => new Map(states.map(([stream, state]) => [stream, state.messages === 0 ? state.last_seq + 1 : state.first_seq]))
      ),
      read,
      commit: (offsets) =>
        Effect.asVoid(Effect.forEach(
          [...offsets],
          ([stream, offset]) =>
            request(connected, checked, `committing ${stream} at ${offset}`, () => bucket.put(offsetKey(checked, stream), String(offset))),
          { concurrency: "unbounded" }
        )),
      committedOffsets: Effect.map(
        Effect.forEach(
          checked.streams,
          (stream) =>
            Effect.map(
              request(connected, checked, `reading the committed offset of ${stream}`, () => bucket.get(offsetKey(checked, stream))),
              (entry) => {
                const offset = entry === null || entry.operation !== "PUT" ? Number.NaN : Number(entry.string())
                return [stream, offset] as const
              }
            ),
          { concurrency: "unbounded" }
        ),
        (entries) => ({ offsets: new Map(entries.filter(([, offset]) => Number.isSafeInteger(offset) && offset >= 1)) })
      ).pipe(Effect.tap(({ offsets }) =>
        offsets.size === 0 ? Effect.void : Effect.logInfo(
          `${sourceName(checked)}: ${checked.application} committed ` +
            [...offsets].map(([stream, offset]) => `${stream}@${offset}`).join(", ")
        )
      ))
    }
    return source
  })
