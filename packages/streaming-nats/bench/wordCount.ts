/**
 * Benchmark: messages/s of a direct-stream word count over JetStream, beside
 * the same client library (@nats-io/jetstream) reading the same messages in
 * a plain loop, in the same run.
 *
 * A private nats-server (-js, temporary store) gets BENCH_MESSAGES small
 * messages (default 1,000,000: three words each) spread over BENCH_STREAMS
 * streams (default 2), published before anything is timed. Then:
 *   - plain: per stream, concurrently, an ephemeral pull consumer from
 *     sequence 1, fetched in pulls of PLAIN_FETCH messages, each message's
 *     words counted into a Map: the fastest loop found with this client
 *     (ordered consumers and `consume` were slower here);
 *   - direct: `NatsUtils.createDirectStream` on each of BENCH_MASTERS
 *     (default local[2], then 2 worker-thread executors,
 *     local-cluster[2,1,1024]), each a new application reading from the
 *     start, both streams' ranges read on the executors; flatMap -> map -> reduceByKey ->
 *     collect per batch, offsets committed after output. Its rate is the
 *     messages over the processing time of the batches that read them (from
 *     the first batch's start to the last one's end), so that the idle wait
 *     for the first batch interval is not counted.
 * The plain loop runs before and after the direct streams, and the faster of
 * its two runs is the baseline. All counts are checked against each other.
 *
 *   npm run build && npm run bench -w @tspark/streaming-nats
 *   (or: npm run bench:nats at the root; BENCH_FETCH_BATCH sets the stream's fetchBatch)
 */
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream"
import { SparkContext } from "@tspark/core"
import { DirectInputDStream, StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { NatsRangeReader, NatsUtils } from "../src/index.js"
import { testClient } from "../test/utils/jetstream.js"
import { startNatsServer } from "../test/utils/natsServer.js"

const MESSAGES = Number(process.env["BENCH_MESSAGES"] ?? 1_000_000)
const STREAMS = Number(process.env["BENCH_STREAMS"] ?? 2)
const PLAIN_FETCH = 100_000
/** The direct stream's `fetchBatch` (its default, 10000, unless BENCH_FETCH_BATCH says). */
const FETCH_BATCH = process.env["BENCH_FETCH_BATCH"] === undefined ? undefined : Number(process.env["BENCH_FETCH_BATCH"])
const BATCH_MS = 500
/** The masters the direct stream runs on, one after the other (BENCH_MASTERS, separated by ";"). */
const MASTERS = (process.env["BENCH_MASTERS"] ?? "local[2];local-cluster[2,1,1024]").split(";")

const vocabulary = Array.from({ length: 1000 }, (_, i) => `w${i.toString(36)}`)
const payload = (i: number) => `${vocabulary[i % 1000]} ${vocabulary[(i * 7) % 1000]} ${vocabulary[(i * 13) % 997]}`

const streamNames = Array.from({ length: STREAMS }, (_, i) => `bench-${i}`)

/** Publishes every message without waiting for acknowledgements, then waits until JetStream stored them all. */
const prefill = async (client: Awaited<ReturnType<typeof testClient>>) => {
  await client.createStreams(streamNames)
  for (let i = 0; i < MESSAGES; i++) {
    client.nc.publish(`${streamNames[i % STREAMS]}.data`, payload(i))
    if (i % 10_000 === 9_999) await client.nc.flush()
  }
  await client.nc.flush()
  const deadline = Date.now() + 60_000
  for (;;) {
    let stored = 0
    for (const name of streamNames) stored += (await client.jsm.streams.info(name)).state.messages
    if (stored === MESSAGES) return
    if (Date.now() > deadline) throw new Error(`only ${stored} of ${MESSAGES} messages were stored within 60 s`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The plain loop: every stream read from sequence 1 to its end, concurrently, words counted into one Map. */
const plainLoop = async (jsm: JetStreamManager, js: JetStreamClient): Promise<Map<string, number>> => {
  const counts = new Map<string, number>()
  await Promise.all(streamNames.map(async (name) => {
    const last = (await jsm.streams.info(name)).state.last_seq
    const info = await jsm.consumers.add(name, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: 1,
      mem_storage: true
    })
    const consumer = js.consumers.getConsumerFromInfo(info)
    let read = 0
    while (read < last) {
      const messages = await consumer.fetch({ max_messages: Math.min(PLAIN_FETCH, last - read), expires: 5000 })
      for await (const message of messages) {
        read++
        for (const word of message.string().split(" ")) counts.set(word, (counts.get(word) ?? 0) + 1)
      }
    }
    await consumer.delete()
  }))
  return counts
}

/** The direct stream on `master`, on the real clock, until every message is counted (from the start: a new application). */
const directStream = (servers: string, master: string, application: string) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master, appName: "nats-bench" })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
    const stream = yield* NatsUtils.createDirectStream(ssc, {
      servers,
      streams: streamNames,
      application,
      offsetReset: "earliest",
      ...(FETCH_BATCH === undefined ? {} : { fetchBatch: FETCH_BATCH })
    })
    const counts = new Map<string, number>()
    let counted = 0
    stream.foreachRDD((rdd) =>
      Effect.gen(function*() {
        const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
        const batch = yield* rdd
          .flatMap((record) => record.value.split(" "))
          .map((word) => [word, 1] as const)
          .reduceByKey((a, b) => a + b)
          .collect()
        for (const [word, count] of batch) counts.set(word, (counts.get(word) ?? 0) + count)
        for (const range of ranges) counted += range.count
        DirectInputDStream.commitAsync(stream, ranges)
      })
    )
    let firstStart: number | undefined
    let lastEnd = 0
    let batches = 0
    yield* ssc.addStreamingListener({
      onBatchCompleted: (batch) => {
        if (batch.numRecords === 0 || batch.processingStartTime === undefined || batch.processingEndTime === undefined) return
        firstStart ??= batch.processingStartTime
        lastEnd = batch.processingEndTime
        batches++
      }
    })
    yield* ssc.start()
    const deadline = Date.now() + 120_000
    while (counted < MESSAGES) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`the direct stream counted ${counted} of ${MESSAGES} in 120 s`))
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
    }
    yield* ssc.waitForListeners()
    yield* ssc.stop()
    return { counts, ms: lastEnd - (firstStart ?? lastEnd), batches }
  }))

const sameCounts = (a: Map<string, number>, b: Map<string, number>) =>
  a.size === b.size && [...a].every(([word, count]) => b.get(word) === count)

const main = async () => {
  const server = await startNatsServer()
  const client = await testClient(server.address)
  try {
    const start = performance.now()
    await prefill(client)
    console.log(`prefilled ${MESSAGES} messages over ${STREAMS} streams in ${(performance.now() - start).toFixed(0)} ms`)
    // The plain loop runs before and after the direct stream; the faster run is the baseline (a cold first read
    // of the server's store, or a busy machine, does not flatter the direct stream).
    const timedPlain = async () => {
      const started = performance.now()
      const counts = await plainLoop(client.jsm, client.js)
      return { counts, ms: performance.now() - started }
    }
    const plainBefore = await timedPlain()
    const directs: Array<{ readonly master: string; readonly ms: number; readonly batches: number }> = []
    for (const [i, master] of MASTERS.entries()) {
      const direct = await Effect.runPromise(directStream(server.address, master, `bench-${i}`))
      if (!sameCounts(plainBefore.counts, direct.counts)) {
        throw new Error(`the direct stream's word counts on ${master} differ from the plain loop's`)
      }
      directs.push({ master, ms: direct.ms, batches: direct.batches })
    }
    const plainAfter = await timedPlain()
    if (!sameCounts(plainBefore.counts, plainAfter.counts)) throw new Error("the two plain loops' word counts differ")
    const plainMs = Math.min(plainBefore.ms, plainAfter.ms)
    console.log(`plain runs: ${plainBefore.ms.toFixed(0)} ms before, ${plainAfter.ms.toFixed(0)} ms after the direct streams`)
    const plainRate = MESSAGES / (plainMs / 1000)
    console.log(`plain client loop (fetch ${PLAIN_FETCH}/pull): ${plainRate.toFixed(0)} msg/s (${plainMs.toFixed(0)} ms)`)
    for (const direct of directs) {
      const rate = MESSAGES / (direct.ms / 1000)
      console.log(
        `direct stream word count on ${direct.master} (fetchBatch ${FETCH_BATCH ?? 10_000}/pull): ${rate.toFixed(0)} msg/s ` +
          `(${direct.ms.toFixed(0)} ms, ${direct.batches} batch(es)), ratio to plain ${(rate / plainRate).toFixed(2)}`
      )
    }
  } finally {
    await NatsRangeReader.closeReaders()
    await client.close()
    await server.close()
  }
}

await main()
