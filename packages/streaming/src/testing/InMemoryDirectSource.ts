/**
 * An in-memory `DirectSource`: partitions of records appended by the test,
 * offsets counted from 0, a retention that drops old records, commits
 * recorded, and a switch that makes the source "down". For tests, and as the
 * smallest complete example of what a connector implements.
 *
 * Mirrors what Spark's `DirectKafkaStreamSuite` gets from its embedded Kafka
 * (`KafkaTestUtils`): a log to produce to and read from.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { DirectOffsetOutOfRangeError, type DirectSource, DirectSourceError } from "../dstream/DirectSource.js"
import type { OffsetRange } from "../dstream/OffsetRange.js"

/**
 * An in-memory source of `R` records.
 *
 * **Example**
 * ```ts
 * const source = InMemoryDirectSource.make<string>({ partitions: ["p-0", "p-1"] })
 * source.append("p-0", "a", "b")
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export interface InMemoryDirectSource<R> extends DirectSource<R> {
  /** Appends records to `partition` (created when new). */
  readonly append: (partition: string, ...records: ReadonlyArray<R>) => void
  /** Drops the records of `partition` before `offset` (Kafka's retention). */
  readonly truncate: (partition: string, offset: number) => void
  /** Makes every offsets request and commit fail with `DirectSourceError` (`down: true`) or work again. */
  readonly setDown: (down: boolean) => void
  /** Removes `partition` (its offsets are no longer reported). */
  readonly removePartition: (partition: string) => void
  /** What `commit` received last, per partition. */
  readonly committed: ReadonlyMap<string, number>
  /** How many ranges `read` served (records read through tasks, not on the driver). */
  readonly readCount: () => number
}

interface Log<R> {
  /** The offset of `records[0]`. */
  base: number
  records: Array<R>
}

/**
 * An empty in-memory source with the given partitions.
 *
 * **Example**
 * ```ts
 * const source = InMemoryDirectSource.make<number>({ name: "numbers", partitions: ["p-0"] })
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export const make = <R>(options: {
  readonly name?: string
  readonly partitions: ReadonlyArray<string>
  /** Serve `read` as a promise settled on a later turn of the event loop, as a network client does (default false). */
  readonly asynchronousReads?: boolean
}): InMemoryDirectSource<R> => {
  const name = options.name ?? "memory"
  const logs = new Map<string, Log<R>>(options.partitions.map((p) => [p, { base: 0, records: [] }]))
  const committed = new Map<string, number>()
  let down = false
  let reads = 0
  const ends = (end: (log: Log<R>) => number) =>
    Effect.suspend(() =>
      down
        ? Effect.fail(new DirectSourceError({ source: name, message: `${name} is down; bring it back up` }))
        : Effect.succeed(new Map([...logs].map(([partition, log]) => [partition, end(log)])))
    )
  const logOf = (partition: string): Log<R> => {
    let log = logs.get(partition)
    if (log === undefined) logs.set(partition, log = { base: 0, records: [] })
    return log
  }
  const readNow = (range: OffsetRange): Array<R> => {
    reads++
    const log = logs.get(range.partition)
    const end = log === undefined ? 0 : log.base + log.records.length
    if (log === undefined || range.fromOffset < log.base || range.untilOffset > end) {
      // A task's way to fail: the scheduler reports the thrown error as the task's failure.
      throw new DirectOffsetOutOfRangeError({
        source: name,
        partition: range.partition,
        offset: range.fromOffset,
        earliest: log?.base,
        latest: end
      })
    }
    return log.records.slice(range.fromOffset - log.base, range.untilOffset - log.base)
  }
  return {
    name,
    latestOffsets: ends((log) => log.base + log.records.length),
    earliestOffsets: ends((log) => log.base),
    read: (range: OffsetRange) => {
      if (options.asynchronousReads !== true) return readNow(range)
      return new Promise<Iterable<R>>((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(readNow(range))
          } catch (error) {
            reject(error)
          }
        })
      )
    },
    commit: (offsets) =>
      Effect.suspend(() => {
        if (down) return Effect.fail(new DirectSourceError({ source: name, message: `${name} is down; bring it back up` }))
        for (const [partition, offset] of offsets) committed.set(partition, offset)
        return Effect.void
      }),
    append: (partition, ...records) => {
      const log = logOf(partition)
      for (const record of records) log.records.push(record)
    },
    truncate: (partition, offset) => {
      const log = logOf(partition)
      const drop = Math.min(Math.max(offset - log.base, 0), log.records.length)
      log.records = log.records.slice(drop)
      log.base += drop
    },
    setDown: (value) => {
      down = value
    },
    removePartition: (partition) => {
      logs.delete(partition)
    },
    committed,
    readCount: () => reads
  }
}
