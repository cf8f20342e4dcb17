/**
 * Shuffle: the map side writes one block per reduce partition through the
 * BlockManager (combining values by key first when the aggregator allows), and
 * the reduce side fetches its block from every map output, wherever it lives.
 *
 * Mirrors `org.apache.spark.shuffle.ShuffleManager` (its writer and reader).
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import type { ShuffleDependency } from "../rdd/Dependency.js"
import type { MapStatus } from "../scheduler/MapOutputTracker.js"
import type { TaskContext } from "../scheduler/TaskContext.js"
import * as BlockId from "../storage/BlockId.js"
import type { BlockManagerId } from "../storage/BlockManagerMaster.js"
import * as StorageLevel from "../storage/StorageLevel.js"
import { drain } from "../internal/rdd/iterators.js"
import { InvalidArgumentError } from "../SparkError.js"
import { deserialize as deserializeArray } from "../internal/storage/serializer.js"
import { estimateArray } from "../internal/storage/sizeEstimator.js"
import { KeyMap } from "../util/KeyMap.js"

/**
 * A reduce task could not read a map output: the block or the executor that
 * held it is gone. The scheduler resubmits the map stage that made it.
 *
 * Mirrors `org.apache.spark.shuffle.FetchFailedException`.
 *
 * @category errors
 * @since 0.1.0
 */
export class FetchFailedError extends Data.TaggedError("FetchFailedError")<{
  readonly shuffleId: number
  readonly mapId: number
  readonly reduceId: number
  readonly location: BlockManagerId | undefined
  readonly message: string
}> {}

/** The storage level of shuffle blocks: in memory, spilled to disk under pressure. */
const SHUFFLE_LEVEL = StorageLevel.MEMORY_AND_DISK

/**
 * Runs the map side of a shuffle over one partition's records and returns the
 * map status to report to the driver.
 *
 * @category constructors
 * @since 0.1.0
 */
export const write = (
  dep: ShuffleDependency,
  mapId: number,
  records: Iterator<readonly [unknown, unknown]>,
  ctx: TaskContext
): MapStatus => {
  const partitioner = dep.partitioner
  const numPartitions = partitioner.numPartitions
  const buckets: Array<Array<readonly [unknown, unknown]>> = []
  for (let i = 0; i < numPartitions; i++) buckets.push([])
  // A user's getPartition may return anything: say which partitioner and key, not "cannot read push of undefined".
  const bucketOf = (key: unknown): Array<readonly [unknown, unknown]> => {
    const bucket = buckets[partitioner.getPartition(key)]
    if (bucket !== undefined) return bucket
    throw new InvalidArgumentError({
      method: "getPartition",
      message: `${partitionerName(partitioner)}.getPartition(${String(key)}) returned ` +
        `${String(partitioner.getPartition(key))}: it must return a whole number from 0 to numPartitions - 1 (${numPartitions - 1})`
    })
  }
  const aggregator = dep.aggregator
  if (aggregator !== undefined && dep.mapSideCombine) {
    // Combine first, then partition each distinct key once: hashing per key
    // rather than per record is what keeps a word count near a plain loop.
    const { createCombiner, mergeValue } = aggregator
    const combined = new KeyMap<unknown, unknown>()
    drain(records, (record) => combined.combine(record[0], record[1], createCombiner, mergeValue))
    combined.forEach((value, key) => bucketOf(key).push([key, value]))
  } else {
    drain(records, (record) => {
      bucketOf(record[0]).push(record)
    })
  }
  const blockManager = ctx.env.blockManager
  const sizes = new Array<number>(numPartitions)
  // Shuffle write metrics: records and stored bytes per block, the time storing them, and what went to disk for want of memory.
  const metrics = ctx.taskMetrics
  const now = ctx.env.nowMs
  const start = now?.() ?? 0
  for (let reduceId = 0; reduceId < numPartitions; reduceId++) {
    const bucket = buckets[reduceId]!
    sizes[reduceId] = bucket.length
    if (bucket.length === 0) continue
    const blockId = BlockId.shuffle(dep.shuffleId, mapId, reduceId)
    blockManager.putValues(blockId, bucket, SHUFFLE_LEVEL)
    const stored = blockManager.getStatus(blockId)
    metrics.shuffleRecordsWritten += bucket.length
    if (stored === undefined) continue
    metrics.shuffleBytesWritten += stored.memSize + stored.diskSize
    if (stored.memSize === 0 && stored.diskSize > 0) {
      metrics.diskBytesSpilled += stored.diskSize
      metrics.memoryBytesSpilled += estimateArray(bucket)
    }
  }
  if (now !== undefined) metrics.shuffleWriteTime += Math.max(0, now() - start)
  return { location: blockManager.id, mapId, sizes }
}

/**
 * Fetches every map output of one reduce partition; throws `FetchFailedError`
 * (caught at the task boundary) when an output is lost.
 */
const fetch = (
  dep: ShuffleDependency,
  reduceId: number,
  ctx: TaskContext,
  each: (records: ReadonlyArray<readonly [unknown, unknown]>) => void
): void => {
  const outputs = ctx.env.mapOutputTracker.getMapSizes(dep.shuffleId, reduceId)
  if (outputs === undefined) {
    throw new FetchFailedError({
      shuffleId: dep.shuffleId,
      mapId: -1,
      reduceId,
      location: undefined,
      message: `no map outputs registered for shuffle ${dep.shuffleId}`
    })
  }
  const blockManager = ctx.env.blockManager
  for (const output of outputs) {
    if (output.location === undefined) {
      throw new FetchFailedError({
        shuffleId: dep.shuffleId,
        mapId: output.mapId,
        reduceId,
        location: undefined,
        message: `map output ${output.mapId} of shuffle ${dep.shuffleId} is missing`
      })
    }
    if (output.size === 0) continue
    const blockId = BlockId.shuffle(dep.shuffleId, output.mapId, reduceId)
    const local = output.location.executorId === blockManager.id.executorId
    let records: ReadonlyArray<readonly [unknown, unknown]> | undefined
    let bytes: number
    if (local) {
      records = blockManager.getLocalValues<readonly [unknown, unknown]>(blockId)
      const stored = blockManager.getStatus(blockId)
      bytes = stored === undefined ? 0 : stored.memSize + stored.diskSize
    } else {
      const fetched = blockManager.getRemoteBytes(blockId)
      bytes = fetched?.byteLength ?? 0
      records = fetched === undefined ? undefined : deserializeArray<Array<readonly [unknown, unknown]>>(fetched)
    }
    if (records === undefined) {
      throw new FetchFailedError({
        shuffleId: dep.shuffleId,
        mapId: output.mapId,
        reduceId,
        location: output.location,
        message: `failed to fetch ${blockId.name} from executor ${output.location.executorId}`
      })
    }
    ctx.taskMetrics.incShuffleBlockRead(!local, bytes, records.length)
    each(records)
  }
}

/**
 * Runs the reduce side of a shuffle for one partition: fetches, combines by key
 * when there is an aggregator, and sorts by key when there is an ordering.
 *
 * @category constructors
 * @since 0.1.0
 */
export const read = (dep: ShuffleDependency, reduceId: number, ctx: TaskContext): Array<readonly [unknown, unknown]> => {
  let result: Array<readonly [unknown, unknown]>
  const aggregator = dep.aggregator
  if (aggregator === undefined) {
    result = []
    fetch(dep, reduceId, ctx, (records) => {
      for (let i = 0; i < records.length; i++) result.push(records[i]!)
    })
  } else {
    const combined = new KeyMap<unknown, unknown>()
    const { createCombiner, mergeCombiners, mergeValue } = aggregator
    const merge = dep.mapSideCombine ? mergeCombiners : mergeValue
    const create = dep.mapSideCombine ? (c: unknown) => c : createCombiner
    fetch(dep, reduceId, ctx, (records) => {
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!
        combined.combine(record[0], record[1], create, merge)
      }
    })
    result = []
    combined.forEach((value, key) => result.push([key, value]))
  }
  if (dep.keyOrdering !== undefined) {
    const ordering = dep.keyOrdering
    result.sort((a, b) => ordering(a[0], b[0]))
  }
  return result
}

const partitionerName = (partitioner: object): string => {
  const name = (partitioner.constructor as { readonly name?: string } | undefined)?.name
  return name === undefined || name === "" || name === "Object" ? "the partitioner's" : name
}
