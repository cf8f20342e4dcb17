/**
 * A word-count application over a Redis direct stream, as the tests run it:
 * each batch's words counted (a shuffle), the counts added to `counts`, the
 * batch's ranges kept, then the ranges committed (the group's position set)
 * after that output.
 */
import { SparkContext } from "@tspark/core"
import { DirectInputDStream, type DStream, type OffsetRange, StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { RedisUtils } from "../../src/index.js"
import type { RedisDirectStreamOptions } from "../../src/RedisOptions.js"
import type { RedisRecord } from "../../src/RedisRecord.js"

export interface WordCountApp {
  readonly ssc: StreamingContext.StreamingContext
  readonly stream: DStream.DStream<RedisRecord>
  readonly counts: Map<string, number>
  /** Each completed batch's ranges. */
  readonly batches: Array<ReadonlyArray<OffsetRange.OffsetRange>>
}

export const makeContext = (options: {
  readonly master?: string
  readonly conf?: Readonly<Record<string, string>>
  readonly checkpointDir?: string
}) =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({
      master: options.master ?? "local[2]",
      appName: "redis direct stream test",
      conf: options.conf ?? {}
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    if (options.checkpointDir !== undefined) yield* ssc.checkpoint(options.checkpointDir)
    return ssc
  })

export const wordCountApp = (
  streamOptions: RedisDirectStreamOptions,
  options: { readonly master?: string; readonly conf?: Readonly<Record<string, string>> } = {}
) =>
  Effect.gen(function*() {
    const ssc = yield* makeContext(options)
    const stream = yield* RedisUtils.createDirectStream(ssc, streamOptions)
    const counts = new Map<string, number>()
    const batches: Array<ReadonlyArray<OffsetRange.OffsetRange>> = []
    stream.foreachRDD((rdd) =>
      Effect.gen(function*() {
        const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
        const pairs = yield* rdd.map((r) => [r.fields["w"] ?? "", 1] as const).reduceByKey((a, b) => a + b).collect()
        for (const [word, n] of pairs) counts.set(word, (counts.get(word) ?? 0) + n)
        batches.push(ranges)
        DirectInputDStream.commitAsync(stream, ranges)
      })
    )
    return { ssc, stream, counts, batches } satisfies WordCountApp
  })

/** `n` entries `{ w: <prefix><i mod words> }`. */
export const wordEntries = (prefix: string, n: number, words: number, start = 0): Array<Record<string, string>> =>
  Array.from({ length: n }, (_, i) => ({ w: `${prefix}${(start + i) % words}` }))

/** The word count of entries made by `wordEntries`. */
export const expectedCounts = (into: Map<string, number>, prefix: string, n: number, words: number, start = 0) => {
  for (let i = 0; i < n; i++) {
    const word = `${prefix}${(start + i) % words}`
    into.set(word, (into.get(word) ?? 0) + 1)
  }
  return into
}

export const sorted = (m: ReadonlyMap<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/** A fresh temporary directory, removed when the scope closes. */
export const tempDir = (prefix: string) =>
  Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), prefix))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
  )
