// The executor side: reads exact offset ranges with kafkajs.
//
// kafkajs has no `assign()`: every consumer belongs to a group and is given
// partitions by the group's coordinator. Spark's KafkaRDD assigns a
// partition to a cached consumer and polls from an offset; the closest
// robust equivalent with kafkajs's public API is one long-lived consumer per
// executor (and per stream configuration) that:
// - joins a group of its own (the application's group.id plus a unique
//   suffix), so it is that group's only member and is given every partition
//   of the stream's topics, and it never commits (autoCommit off), so the
//   group never holds offsets and never disturbs the application's group;
// - keeps every partition paused, except while a range of it is being read:
//   a read seeks the partition to the range's first offset and resumes it;
//   the fetched batches are filtered to `[fromOffset, untilOffset)`, and once
//   the batch reaching `untilOffset - 1` arrives the partition is paused again
//   and the read resolves with the records;
// - re-seeks the ranges in flight when the group is joined again (a
//   rebalance after a broker outage resets fetch positions), and on a crash
//   fails the reads in flight and is dropped: the next read builds a new one.
// Ranges of one partition are read one after the other (a partition has one
// fetch position). Joining the group costs one coordinator round (about 3 s
// on librdkafka's mock cluster, its initial rebalance delay) once per
// executor; after that a read costs one fetch round trip per
// `max.partition.fetch.bytes` of records.
import { DirectSource, type OffsetRange as DirectOffsetRange } from "@tspark/streaming/dstream"
import { Effect } from "effect"
import type { Batch, Consumer } from "kafkajs"
import { randomUUID } from "node:crypto"
import type { ConsumerRecord } from "../ConsumerRecord.js"
import { parsePartitionName } from "../OffsetRange.js"
import { brokersText, makeKafka, retryOf, toRecord } from "./clients.js"
import type { KafkaSettings } from "./kafkaParams.js"

/** What a reader is built from: plain data, shipped to executors as a `Closure.fromModule` environment. */
export interface ReaderEnv {
  readonly settings: KafkaSettings
  readonly topics: ReadonlyArray<string>
  /** How long one range may take before its read fails (`spark.streaming.kafka.consumer.poll.ms`). */
  readonly readTimeoutMs: number
}

interface Pending {
  readonly range: DirectOffsetRange.OffsetRange
  readonly topic: string
  readonly partition: number
  /** The next offset expected (records before it were taken or skipped). */
  next: number
  readonly records: Array<ConsumerRecord<unknown, unknown>>
  readonly resolve: (records: Array<ConsumerRecord<unknown, unknown>>) => void
  readonly reject: (error: unknown) => void
  readonly timer: ReturnType<typeof setTimeout>
}

export class RangeReader {
  private readonly consumer: Consumer
  private readonly ready: Promise<void>
  private readonly pending = new Map<string, Pending>()
  /** Per partition, the read queued last (reads of one partition run in turn). */
  private readonly tails = new Map<string, Promise<unknown>>()
  private closed = false

  constructor(readonly env: ReaderEnv, private readonly onDropped: (reader: RangeReader) => void) {
    const { settings } = env
    this.consumer = makeKafka(settings, "reader").consumer({
      groupId: `${settings.groupId}.tspark-reader.${process.pid}.${randomUUID()}`,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxWaitTimeInMs: settings.fetchMaxWaitMs,
      maxBytesPerPartition: settings.maxPartitionFetchBytes,
      maxBytes: settings.fetchMaxBytes,
      allowAutoTopicCreation: false,
      retry: retryOf(settings)
    })
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => this.onJoin(event.payload.memberAssignment))
    this.consumer.on(this.consumer.events.CRASH, (event) => this.drop(event.payload.error))
    this.ready = this.start()
    this.ready.catch((error: unknown) => this.drop(error))
  }

  private async start(): Promise<void> {
    let onJoined: () => void = () => undefined
    const joined = new Promise<void>((resolve) => (onJoined = resolve))
    const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => onJoined())
    try {
      await this.consumer.connect()
      await this.consumer.subscribe({ topics: [...this.env.topics], fromBeginning: false })
      await this.consumer.run({ autoCommit: false, eachBatch: ({ batch }) => Promise.resolve(this.onBatch(batch)) })
      await joined
    } finally {
      off()
    }
  }

  /** Reads `range` (after the reads of its partition queued before it). */
  read(range: DirectOffsetRange.OffsetRange): Promise<Array<ConsumerRecord<unknown, unknown>>> {
    const previous = this.tails.get(range.partition) ?? Promise.resolve()
    const next = previous.then(() => this.readNow(range), () => this.readNow(range))
    const tail = next.catch(() => undefined)
    this.tails.set(range.partition, tail)
    void tail.then(() => {
      if (this.tails.get(range.partition) === tail) this.tails.delete(range.partition)
    })
    return next
  }

  private async readNow(range: DirectOffsetRange.OffsetRange): Promise<Array<ConsumerRecord<unknown, unknown>>> {
    const where = parsePartitionName(range.partition)
    if (where === undefined) throw this.error(range, `the partition name is not topic-partition`)
    if (!this.env.topics.includes(where.topic)) throw this.error(range, `topic ${where.topic} is not one this reader subscribed to`)
    if (range.count <= 0) return []
    await this.ready.catch((error: unknown) => {
      throw this.error(range, `the consumer could not join (${error instanceof Error ? error.message : String(error)})`, error)
    })
    if (this.closed) throw this.error(range, "the reader was closed")
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(range.partition)
        reject(this.error(range, `no records arrived for ${this.env.readTimeoutMs} ms (spark.streaming.kafka.consumer.poll.ms)`))
        this.drop(new Error("a read timed out"))
      }, this.env.readTimeoutMs)
      this.pending.set(range.partition, { range, ...where, next: range.fromOffset, records: [], resolve, reject, timer })
      this.consumer.seek({ topic: where.topic, partition: where.partition, offset: String(range.fromOffset) })
      this.consumer.resume([{ topic: where.topic, partitions: [where.partition] }])
    })
  }

  // A batch of one partition: the records of the range in flight, if any; the partition pauses once it is done.
  private onBatch(batch: Batch): void {
    const pending = this.pending.get(`${batch.topic}-${batch.partition}`)
    if (pending === undefined) {
      this.consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }])
      return
    }
    const until = pending.range.untilOffset
    for (const message of batch.messages) {
      const offset = Number(message.offset)
      if (offset < pending.next || offset >= until) continue
      pending.records.push(toRecord(batch.topic, batch.partition, message, this.env.settings))
      pending.next = offset + 1
    }
    // Offsets missing inside the range (compaction, transaction markers) are simply not there.
    if (batch.messages.length > 0 && Number(batch.lastOffset()) >= until - 1) {
      this.consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }])
      this.pending.delete(pending.range.partition)
      clearTimeout(pending.timer)
      pending.resolve(pending.records)
    }
  }

  // (Re)joined the group: pause every partition but those being read, and seek those again.
  private onJoin(assignment: Record<string, Array<number>>): void {
    for (const [topic, partitions] of Object.entries(assignment)) {
      const idle = partitions.filter((p) => !this.pending.has(`${topic}-${p}`))
      if (idle.length > 0) this.consumer.pause([{ topic, partitions: idle }])
    }
    for (const pending of this.pending.values()) {
      this.consumer.seek({ topic: pending.topic, partition: pending.partition, offset: String(pending.next) })
    }
  }

  private error(range: DirectOffsetRange.OffsetRange, why: string, cause?: unknown): DirectSource.DirectSourceError {
    return new DirectSource.DirectSourceError({
      source: `kafka:${this.env.topics.join(",")}`,
      message: `reading ${range.partition} [${range.fromOffset}, ${range.untilOffset}) from ${
        brokersText(this.env.settings)
      } failed: ${why}`,
      cause
    })
  }

  /** Fails the reads in flight and closes the consumer; the cache forgets this reader. */
  private drop(cause: unknown): void {
    if (this.closed) return
    this.closed = true
    this.onDropped(this)
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer)
      pending.reject(this.error(pending.range, `the consumer failed (${cause instanceof Error ? cause.message : String(cause)})`, cause))
    }
    this.pending.clear()
    Effect.runFork(Effect.logWarning(`kafka reader for ${this.env.topics.join(",")} dropped: ${String(cause)}`))
    this.consumer.disconnect().catch(() => undefined)
  }

  /** Closes the consumer (reads in flight fail). */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.onDropped(this)
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer)
      pending.reject(this.error(pending.range, "the reader was closed"))
    }
    this.pending.clear()
    await this.ready.catch(() => undefined)
    await this.consumer.disconnect().catch(() => undefined)
  }
}
