// The executor's side of a direct stream over JetStream: reads exactly the
// sequences [from, until) of one stream through an ephemeral pull consumer
// starting at `from` (no acknowledgements, in memory on the server), pulled
// in batches of at most `fetchBatch` messages and deleted after the read.
// Sequences of the range that no longer exist (deleted messages) are gaps:
// the read stops at the first message at or past `until - 1`, or at the
// stream's last message (its `pending` count is 0), so a gap never makes it
// wait. A range whose start is before the stream's first sequence (purged,
// expired by limits) or whose end is past its last one (the stream was
// recreated) fails with DirectOffsetOutOfRangeError, found from the stream's
// info only when the messages delivered show a hole at either end.
import { AckPolicy, type Consumer, DeliverPolicy, type JsMsg } from "@nats-io/jetstream"
import { nanos } from "@nats-io/transport-node"
import { DirectSource, type OffsetRange as OffsetRangeModule } from "@tspark/streaming"
import type { NatsRecord } from "../NatsRecord.js"
import type { ValueFormat } from "../NatsOptions.js"
import { backoff, cached, type Connected, type ConnectionEnv, describe, isStreamNotFound, pause } from "./connection.js"

type OffsetRange = OffsetRangeModule.OffsetRange

/** What a reader needs, as plain data: it travels with the tasks. */
export interface ReaderEnv {
  readonly source: string
  readonly connection: ConnectionEnv
  readonly format: ValueFormat
  readonly fetchBatch: number
}

// The server removes a consumer left behind (its reader's executor died) after this long without pulls.
const ABANDONED_CONSUMER_MS = 60_000
// JetStream refuses pull requests that expire sooner.
const MIN_EXPIRES_MS = 1000

const decoder = (format: ValueFormat): (message: JsMsg) => unknown =>
  format === "string" ? (m) => m.string() : format === "json" ? (m) => m.json() : (m) => m.data

/** A failure that another try cannot mend. */
class Final extends Error {
  constructor(readonly error: DirectSource.DirectSourceError | DirectSource.DirectOffsetOutOfRangeError) {
    super(error.message)
  }
}

const streamGone = (env: ReaderEnv, stream: string) =>
  new Final(
    new DirectSource.DirectSourceError({
      source: env.source,
      message: `JetStream stream "${stream}" no longer exists on ${env.connection.servers.join(", ")}: recreate it, ` +
        "or remove it from the streams option (and start from a new checkpoint)"
    })
  )

/** Fails the read when the stream no longer holds the range's start or end; otherwise the missing sequences are gaps. */
const checkEnds = async (connected: Connected, env: ReaderEnv, range: OffsetRange): Promise<void> => {
  const info = await connected.jsm.streams.info(range.partition)
  const { first_seq, last_seq, messages } = info.state
  const earliest = messages === 0 ? last_seq + 1 : first_seq
  const latest = last_seq + 1
  if (range.fromOffset < earliest || range.untilOffset > latest) {
    throw new Final(
      new DirectSource.DirectOffsetOutOfRangeError({
        source: env.source,
        partition: range.partition,
        offset: range.fromOffset,
        earliest,
        latest
      })
    )
  }
}

/** Where a message leaves the read: going on or done, either one after the stream's ends are checked. */
type Step = "more" | "done" | "check, more" | "check, done"

/** Reads the messages of one consumer into records, stopping exactly at `until` (see the module comment). */
class RangeRead {
  readonly records: Array<NatsRecord<unknown>> = []
  /** The sequence after the last message kept. */
  next: number
  private first = true
  private readonly decode: (message: JsMsg) => unknown

  constructor(private readonly env: ReaderEnv, private readonly range: OffsetRange) {
    this.next = range.fromOffset
    this.decode = decoder(env.format)
  }

  /** Takes one message (synchronously: no promise per message); a step asking for a check is rare. */
  take(message: JsMsg): Step {
    const { fromOffset, partition, untilOffset } = this.range
    const { pending, streamSequence, timestampNanos } = message.info
    // A hole before the first message: a gap, or the range's start purged.
    const check = this.first && streamSequence > fromOffset
    this.first = false
    if (streamSequence >= untilOffset) return check ? "check, done" : "done"
    let value: unknown
    try {
      value = this.decode(message)
    } catch (error) {
      throw new Final(
        new DirectSource.DirectSourceError({
          source: this.env.source,
          message: `message ${streamSequence} of stream "${partition}" cannot be decoded as ${this.env.format} ` +
            `(${error instanceof Error ? error.message : String(error)}); set the format option to "string" or "bytes"`,
          cause: error
        })
      )
    }
    this.records.push({
      stream: partition,
      subject: message.subject,
      sequence: streamSequence,
      timestampMs: Math.floor(timestampNanos / 1e6),
      value
    })
    this.next = streamSequence + 1
    if (streamSequence === untilOffset - 1) return check ? "check, done" : "done"
    // The stream's last message, before `until`: the rest of the range is a gap, unless the stream was reset.
    if (pending === 0) return "check, done"
    return check ? "check, more" : "more"
  }
}

/** One pull of at most `count` messages; whether the read is done, and how many messages came. */
const pull = async (
  connected: Connected,
  consumer: Consumer,
  read: RangeRead,
  env: ReaderEnv,
  range: OffsetRange,
  count: number
): Promise<{ readonly received: number; readonly done: boolean }> => {
  const messages = await consumer.fetch({ max_messages: count, expires: Math.max(MIN_EXPIRES_MS, env.connection.requestTimeoutMs) })
  let received = 0
  try {
    for await (const message of messages) {
      received++
      const step = read.take(message)
      if (step === "more") continue
      if (step !== "done") await checkEnds(connected, env, range)
      if (step !== "check, more") return { received, done: true }
    }
    return { received, done: false }
  } finally {
    messages.stop()
  }
}

const readOnce = async (env: ReaderEnv, range: OffsetRange): Promise<Array<NatsRecord<unknown>>> => {
  const connected = await cached(env.connection)
  const stream = range.partition
  let info
  try {
    info = await connected.jsm.consumers.add(stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: range.fromOffset,
      mem_storage: true,
      num_replicas: 1,
      inactive_threshold: nanos(ABANDONED_CONSUMER_MS)
    })
  } catch (error) {
    if (isStreamNotFound(error)) throw streamGone(env, stream)
    throw error
  }
  const consumer = connected.js.consumers.getConsumerFromInfo(info)
  try {
    if (info.num_pending === 0) {
      // Nothing at or after `from`: the range was deleted, or purged.
      await checkEnds(connected, env, range)
      return []
    }
    const read = new RangeRead(env, range)
    for (;;) {
      const count = Math.min(range.untilOffset - read.next, env.fetchBatch)
      const { done, received } = await pull(connected, consumer, read, env, range, count)
      if (done) return read.records
      if (received === 0) throw new Error(`no message of ${stream} arrived within ${env.connection.requestTimeoutMs} ms`)
    }
  } finally {
    // Best effort: a consumer the server does not hear about is removed after ABANDONED_CONSUMER_MS.
    await consumer.delete().catch(() => undefined)
  }
}

/** Reads `range`, trying again (after a pause, doubling) when the server fails; what cannot mend fails at once. */
export const readRange = async (env: ReaderEnv, range: OffsetRange): Promise<Array<NatsRecord<unknown>>> => {
  const { attempts } = env.connection
  for (let attempt = 1;; attempt++) {
    try {
      return await readOnce(env, range)
    } catch (error) {
      if (error instanceof Final) throw error.error
      if (attempt >= attempts) {
        throw new DirectSource.DirectSourceError({
          source: env.source,
          message: `reading ${range.partition} [${range.fromOffset}, ${range.untilOffset}) failed after ${attempts} tries: ` +
            describe(error, env.connection.servers),
          cause: error
        })
      }
      await pause(backoff(env.connection, attempt))
    }
  }
}
