/**
 * Redis Streams word count benchmark: 1M small entries pre-filled (pipelined
 * XADD) over two stream keys of a redis-server of its own, then, in the same
 * run:
 *   - plain: node-redis reading both streams with XRANGE COUNT 1000 in a
 *     loop (the two streams concurrently on one connection, pipelined),
 *     counting the words into a Map; run twice, the faster run counts;
 *   - the connector's reader alone (no engine): the source's positions for
 *     one range per stream, both read concurrently by `redisRangeReader`
 *     (records built, as the stream's tasks get them), words counted into a
 *     Map: what reading costs beside the plain loop;
 *   - the direct stream's word count (map -> reduceByKey -> collect per
 *     batch, group position set after output) on `local[2]` and on
 *     `local-cluster[2,1,1024]` (2 worker-thread executors), each twice:
 *     batches clamped to 100k entries per stream (maxRatePerPartition), so
 *     that 1M entries take 5 batches whose ranges but the last need position
 *     scans (a walk over the range's entries in Redis), and unclamped (one
 *     batch takes the whole backlog, positions need no scan).
 * On the real clock with 100 ms batches, shorter than a batch's processing, so
 * batches queue and the figure is the engine's (planning with the scans,
 * reading, counting, committing), not the interval's. The time runs from
 * processing start of the first batch with entries (as the Kafka benchmark's;
 * the wait for the first batch boundary is not the engine's) until every
 * entry is counted. Clamped runs also print the rate after the first batch (its
 * executors' first task loads the reader's module and connects; the JIT is
 * cold): the later batches' entries over the time from the first batch's end
 * to the last one's. Prints each rate and its ratio to the plain loop.
 *
 *   npm run bench -w @tspark/streaming-redis
 *   # ENTRIES=1000000 MASTERS=local[2],local-cluster[2,1,1024] LIMITS=100000,0 (entries per stream per batch, 0: none)
 */
import { createClient } from "@redis/client"
import { SparkContext } from "@tspark/core"
import { DirectInputDStream, OffsetRange, StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import { RedisDirectSource, RedisRangeReader, RedisUtils } from "../src/index.js"
import { makeRedisServer } from "../test/utils/redisServer.js"

const ENTRIES = Number(process.env["ENTRIES"] ?? 1_000_000)
const MASTERS = (process.env["MASTERS"] ?? "local[2],local-cluster[2,1,1024]").split(/,(?![^[]*\])/)
const STREAMS = ["bench-a", "bench-b"]
const WORDS = 1000
const BATCH_MS = 100
const LIMITS = (process.env["LIMITS"] ?? "100000,0").split(",").map(Number)

/** Pipelined XADDs: the commands in Redis' protocol, written by redis-cli --pipe (Redis' mass insertion). */
const fill = (port: number) => {
  const perStream = ENTRIES / STREAMS.length
  const commands: Array<string> = []
  const arg = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`
  for (const stream of STREAMS) {
    for (let j = 0; j < perStream; j++) commands.push(`*5\r\n${arg("XADD")}${arg(stream)}${arg("*")}${arg("w")}${arg(`word${j % WORDS}`)}`)
  }
  const result = spawnSync("redis-cli", ["-p", String(port), "--pipe"], { input: commands.join(""), maxBuffer: 1 << 26 })
  if (result.status !== 0) throw new Error(`redis-cli --pipe failed: ${result.stderr.toString()}${result.stdout.toString()}`)
}

const plainLoop = async (url: string) => {
  const client = await createClient({ url, RESP: 2 }).connect()
  const counts = new Map<string, number>()
  const start = performance.now()
  await Promise.all(STREAMS.map(async (stream) => {
    let from = "-"
    for (;;) {
      const chunk = await client.sendCommand<Array<[string, Array<string>]>>(["XRANGE", stream, from, "+", "COUNT", "1000"])
      if (chunk.length === 0) break
      for (const [, fields] of chunk) {
        const word = fields[1]!
        counts.set(word, (counts.get(word) ?? 0) + 1)
      }
      from = `(${chunk[chunk.length - 1]![0]}`
    }
  }))
  const seconds = (performance.now() - start) / 1000
  client.destroy()
  return { seconds, total: [...counts.values()].reduce((a, b) => a + b, 0) }
}

const readerOnly = (url: string) =>
  Effect.scoped(Effect.gen(function*() {
    const source = yield* RedisDirectSource.make({ url, streams: STREAMS, group: "bench-reader" })
    const latest = yield* source.latestOffsets
    const ranges = yield* source.resolvePositions!([...latest].map(([stream, until]) => OffsetRange.make(stream, 0, until)))
    const start = performance.now()
    const counts = new Map<string, number>()
    yield* Effect.promise(() =>
      Promise.all(ranges.map(async (range) => {
        for (const record of await source.read(range)) {
          const word = record.fields["w"]!
          counts.set(word, (counts.get(word) ?? 0) + 1)
        }
      }))
    )
    return { seconds: (performance.now() - start) / 1000, total: [...counts.values()].reduce((a, b) => a + b, 0) }
  }))

const directStream = (url: string, master: string, perStreamPerBatch: number) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({
      master,
      appName: "redis bench",
      conf: perStreamPerBatch > 0 ? { "spark.streaming.kafka.maxRatePerPartition": String((perStreamPerBatch * 1000) / BATCH_MS) } : {}
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
    const stream = yield* RedisUtils.createDirectStream(ssc, {
      url,
      streams: STREAMS,
      group: `bench-${master}-${perStreamPerBatch}`,
      offsetReset: "earliest"
    })
    let total = 0
    let start = 0
    let batches = 0
    /** Each non-empty batch's entries and the end of its output. */
    const ends: Array<readonly [number, number]> = []
    let done: () => void = () => undefined
    const allCounted = new Promise<void>((resolve) => (done = resolve))
    stream.foreachRDD((rdd) =>
      Effect.gen(function*() {
        const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
        const outputStart = Date.now()
        const pairs = yield* rdd.map((r) => [r.fields["w"]!, 1] as const).reduceByKey((a, b) => a + b).collect()
        const entries = ranges.reduce((n, r) => n + r.count, 0)
        for (const [, n] of pairs) total += n
        if (entries > 0) {
          batches++
          ends.push([entries, Date.now()])
          if (process.env["VERBOSE"]) {
            console.log(
              `  batch of ${entries} entries: output started ${Math.round(outputStart - start)} ms after start, ` +
                `took ${Math.round(Date.now() - outputStart)} ms`
            )
          }
        }
        if (total >= ENTRIES) done()
        DirectInputDStream.commitAsync(stream, ranges)
      })
    )
    yield* ssc.addStreamingListener({
      onBatchStarted: (info) => {
        if (start === 0 && info.numRecords > 0) start = info.processingStartTime ?? Date.now()
      }
    })
    yield* ssc.start()
    yield* Effect.promise(() => allCounted)
    const seconds = (Date.now() - start) / 1000
    yield* ssc.stop()
    // After the first batch (executors warm, connections made): the later batches' entries over their time.
    const steady = ends.length < 2
      ? undefined
      : ends.slice(1).reduce((n, [e]) => n + e, 0) / ((ends.at(-1)![1] - ends[0]![1]) / 1000)
    return { seconds, total, batches, steady }
  }))

const program = Effect.scoped(Effect.gen(function*() {
  const server = yield* makeRedisServer()
  const fillStart = performance.now()
  fill(server.port)
  console.log(`filled ${ENTRIES} entries over ${STREAMS.length} streams in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`)
  // Twice, the faster counts: the first run also warms the client up.
  const plainRuns = [yield* Effect.promise(() => plainLoop(server.url)), yield* Effect.promise(() => plainLoop(server.url))]
  const plain = plainRuns[0]!.seconds < plainRuns[1]!.seconds ? plainRuns[0]! : plainRuns[1]!
  const plainRate = ENTRIES / plain.seconds
  console.log(`plain node-redis XRANGE loop: ${plain.total} entries, ${plain.seconds.toFixed(2)} s, ${Math.round(plainRate)} entries/s`)
  const reader = yield* readerOnly(server.url)
  const readerRate = ENTRIES / reader.seconds
  console.log(
    `reader alone (redisRangeReader, no engine): ${reader.total} entries, ${reader.seconds.toFixed(2)} s, ` +
      `${Math.round(readerRate)} entries/s, ${(readerRate / plainRate).toFixed(2)} of the plain loop`
  )
  for (const master of MASTERS) {
    for (const limit of LIMITS) {
      const run = yield* directStream(server.url, master, limit)
      const rate = ENTRIES / run.seconds
      const clamp = limit > 0 ? `${limit} per stream per batch` : "unclamped"
      const steady = run.steady === undefined
        ? ""
        : `; after the first batch ${Math.round(run.steady)} entries/s, ${(run.steady / plainRate).toFixed(2)} of the plain loop`
      console.log(
        `direct stream word count on ${master}, ${clamp}: ${run.total} entries in ${run.batches} batches, ` +
          `${run.seconds.toFixed(2)} s, ${Math.round(rate)} entries/s, ${(rate / plainRate).toFixed(2)} of the plain loop${steady}`
      )
    }
  }
  RedisRangeReader.closeReaders()
}))

Effect.runPromise(program).catch((error) => {
  console.error(error)
  process.exit(1)
})
