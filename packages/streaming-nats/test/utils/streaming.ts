// A SparkContext (local[2] unless told) and a StreamingContext of 1 s batches for the
// current scope (batches driven by the test clock), and a word count over a
// direct stream that commits its ranges after its output.
import { SparkContext } from "@tspark/core"
import { DirectInputDStream, type DStream, StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import type { NatsRecord } from "../../src/NatsRecord.js"

export const makeStreaming = (conf: Readonly<Record<string, string>> = {}, master = "local[2]") =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master, appName: "tspark-nats-test", conf })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    return ssc
  })

/** What a word count saw: the counts added up over batches, and every batch's ranges. */
export interface WordCounts {
  readonly counts: Map<string, number>
  readonly ranges: Array<ReadonlyArray<{ readonly partition: string; readonly fromOffset: number; readonly untilOffset: number }>>
}

/** Counts the words of `stream`'s records (reduceByKey), adds them to `into`, then commits the batch's ranges. */
export const wordCount = (stream: DStream.DStream<NatsRecord<string>>, into: WordCounts = { counts: new Map(), ranges: [] }) => {
  stream.foreachRDD((rdd) =>
    Effect.gen(function*() {
      const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
      const counts = yield* rdd
        .flatMap((record) => record.value.split(" "))
        .map((word) => [word, 1] as const)
        .reduceByKey((a, b) => a + b)
        .collect()
      for (const [word, count] of counts) into.counts.set(word, (into.counts.get(word) ?? 0) + count)
      into.ranges.push(ranges)
      DirectInputDStream.commitAsync(stream, ranges)
    })
  )
  return into
}

/** `count` messages for `stream`, numbered from `first`: a word unique to each, and two shared ones. */
export const messages = (stream: string, first: number, count: number): Array<string> =>
  Array.from({ length: count }, (_, i) => `${stream}_m${first + i} shared ${(first + i) % 2 === 0 ? "even" : "odd"}`)

/** The word counts `messages` make. */
export const expectedCounts = (batches: ReadonlyArray<ReadonlyArray<string>>): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const batch of batches) {
    for (const message of batch) for (const word of message.split(" ")) counts.set(word, (counts.get(word) ?? 0) + 1)
  }
  return counts
}
