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
  /** With `positioned`: the positions `commit` received last, per partition. */
  readonly committedPositions: ReadonlyMap<string, string>
  /** With `positioned`: how many ranges `resolvePositions` had to resolve without a starting position. */
  readonly positionScans: () => number
}

/**
 * The position an in-memory source with `positioned` gives offset `offset`:
 * `0-0` before the first record, else the id of the record before it, the
 * record at offset `o` having the id `${3o + 7}-0` (ids that are not
 * offsets, as a Redis stream's are timestamps).
 *
 * **Example**
 * ```ts
 * InMemoryDirectSource.positionOf(2) // "10-0"
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export const positionOf = (offset: number): string => offset === 0 ? "0-0" : `${3 * (offset - 1) + 7}-0`

const offsetAfter = (position: string): number => position === "0-0" ? 0 : (Number(position.split("-")[0]) - 7) / 3 + 1

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
  /**
   * Read by position, as a Redis stream is (default false): the source resolves
   * positions (`positionOf`), checks those the stream passes, and `read`
   * starts from the range's `fromPosition`, failing when it disagrees with the offsets.
   */
  readonly positioned?: boolean
}): InMemoryDirectSource<R> => {
  const name = options.name ?? "memory"
  const logs = new Map<string, Log<R>>(options.partitions.map((p) => [p, { base: 0, records: [] }]))
  const committed = new Map<string, number>()
  let down = false
  let reads = 0
  let scans = 0
  const committedPositions = new Map<string, string>()
  const downError = () => new DirectSourceError({ source: name, message: `${name} is down; bring it back up` })
  const ends = (end: (log: Log<R>) => number) =>
    Effect.suspend(() =>
      down
        ? Effect.fail(downError())
        : Effect.succeed(new Map([...logs].map(([partition, log]) => [partition, end(log)])))
    )
  const logOf = (partition: string): Log<R> => {
    let log = logs.get(partition)
    if (log === undefined) logs.set(partition, log = { base: 0, records: [] })
    return log
  }
  const readNow = (range: OffsetRange): Array<R> => {
    reads++
    if (options.positioned === true && (range.fromPosition === undefined || offsetAfter(range.fromPosition) !== range.fromOffset)) {
      throw new Error(`${name}: ${range.partition} read from position ${range.fromPosition} for offset ${range.fromOffset}`)
    }
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
    commit: (offsets, positions) =>
      Effect.suspend(() => {
        if (down) return Effect.fail(downError())
        for (const [partition, offset] of offsets) committed.set(partition, offset)
        for (const [partition, position] of positions ?? []) committedPositions.set(partition, position)
        return Effect.void
      }),
    ...(options.positioned === true ?
      {
        resolvePositions: (ranges: ReadonlyArray<OffsetRange>) =>
          Effect.suspend(() => {
            if (down) return Effect.fail(downError())
            const wrong = ranges.find((r) => r.fromPosition !== undefined && r.fromPosition !== positionOf(r.fromOffset))
            if (wrong !== undefined) {
              return Effect.fail(
                new DirectSourceError({
                  source: name,
                  message: `${wrong.partition}: position ${wrong.fromPosition} is not offset ${wrong.fromOffset}'s`
                })
              )
            }
            scans += ranges.filter((r) => r.fromPosition === undefined).length
            return Effect.succeed(
              ranges.map((r) => ({ ...r, fromPosition: positionOf(r.fromOffset), untilPosition: positionOf(r.untilOffset) }))
            )
          })
      } :
      {}),
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
    readCount: () => reads,
    committedPositions,
    positionScans: () => scans
  }
}
