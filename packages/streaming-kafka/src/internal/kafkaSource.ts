// The Kafka DirectSource the stream's driver asks for offsets and commits,
// and whose `read` is the executors' reader shipped by module name.
import { Closure } from "@tspark/core"
import { DirectSource, type OffsetRange as DirectOffsetRange } from "@tspark/streaming/dstream"
import { Effect } from "effect"
import type { ConsumerRecord } from "../ConsumerRecord.js"
import { KafkaTopicNotFoundError } from "../KafkaError.js"
import { brokerError } from "./clients.js"
import { DriverClient, type Selection } from "./driverClient.js"
import type { ReaderEnv } from "./rangeReader.js"

export const PACKAGE = "@tspark/streaming-kafka"
export const READER_EXPORT = "kafkaRangeReader"

export interface KafkaSource {
  readonly source: DirectSource.DirectSource<ConsumerRecord<unknown, unknown>>
  readonly client: DriverClient
}

/** The executors' read function: the package's `kafkaRangeReader(env)`, imported where the task runs. */
export const shippedReader = (
  env: ReaderEnv
): (range: DirectOffsetRange.OffsetRange) => Promise<Array<ConsumerRecord<unknown, unknown>>> =>
  Closure.fromModule<[DirectOffsetRange.OffsetRange], Array<ConsumerRecord<unknown, unknown>>>(PACKAGE, READER_EXPORT, env)

/**
 * The source: the group's committed offsets are the stream's `committedOffsets`
 * (Spark's consumer starts at them in `ConsumerStrategy.onStart`), and once
 * they are read the committer starts joining the group in the background.
 */
export const makeKafkaSource = (env: ReaderEnv, selection: Selection): KafkaSource => {
  const { settings } = env
  const client = new DriverClient(settings, selection)
  const name = `kafka:${selection.topics.join(",")}`
  const attempt = <A>(operation: string, f: () => Promise<A>) =>
    Effect.tryPromise({
      try: f,
      catch: (error) => {
        const cause = error instanceof KafkaTopicNotFoundError ? error : brokerError(settings, operation, error)
        return new DirectSource.DirectSourceError({ source: name, message: cause.message, cause })
      }
    })
  const source: DirectSource.DirectSource<ConsumerRecord<unknown, unknown>> = {
    name,
    latestOffsets: attempt("listing the latest offsets", () => client.offsets("latest")),
    earliestOffsets: attempt("listing the earliest offsets", () => client.offsets("earliest")),
    committedOffsets: attempt(`reading the committed offsets of group ${settings.groupId}`, async () => {
      const offsets = await client.committed()
      client.prepareCommits()
      return { offsets }
    }),
    read: shippedReader(env),
    commit: (offsets) => attempt(`committing offsets of group ${settings.groupId}`, () => client.commit(offsets))
  }
  return { source, client }
}
