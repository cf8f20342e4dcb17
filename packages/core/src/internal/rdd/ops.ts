// Every RDD kind the engine knows, as ops (see op.ts). Each op computes one
// partition with plain iterator loops over its parents' partitions.
import type { NarrowDependency, NarrowSpec, ShuffleDependency } from "../../rdd/Dependency.js"
import type { Partition } from "../../rdd/Partition.js"
import type { Partitioner } from "../../rdd/Partitioner.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import * as ShuffleManager from "../../shuffle/ShuffleManager.js"
import * as BlockId from "../../storage/BlockId.js"
import { KeyMap } from "../../util/KeyMap.js"
import { SeededRandom, seedFor } from "../util/random.js"
import * as Files from "./checkpointFiles.js"
import {
  ArrayIterator,
  emptyIterator,
  FilterIterator,
  FlatMapIterator,
  fromIterable,
  iterable,
  MapIterator
} from "./iterators.js"
import { firstParent, type OpRDD, type RDDOp } from "./op.js"
import { type FileSplit, readSplit } from "./textFile.js"

const sameAsParent = (rdd: OpRDD) => firstParent(rdd).partitions
const parentPartitioner = (rdd: OpRDD) => firstParent(rdd).partitioner
// An op whose partitions are its own objects (carrying a seed, a start index...)
// must hand its parent the parent's partition of the same index, not its own.
const parentSplit = (rdd: OpRDD, split: Partition, parent = 0): Partition =>
  rdd.dependencies[parent]!.rdd.partitions[split.index]!
const parentLocations = (rdd: OpRDD, split: Partition) => firstParent(rdd).preferredLocations(parentSplit(rdd, split))
const indexed = (count: number): Array<Partition> => Array.from({ length: count }, (_, index) => ({ index }))

// ---------------------------------------------------------------- sources

interface SlicePartition extends Partition {
  readonly values: ReadonlyArray<unknown>
}

export const parallelCollection = (
  slices: ReadonlyArray<ReadonlyArray<unknown>>,
  locations: ReadonlyArray<ReadonlyArray<string>> | undefined
): RDDOp => ({
  factory: "parallelCollection",
  args: [slices, locations],
  kind: "ParallelCollectionRDD",
  params: { slices, locations },
  getPartitions: () => slices.map((values, index): SlicePartition => ({ index, values })),
  compute: (_rdd, split) => new ArrayIterator((split as SlicePartition).values),
  preferredLocations: (_rdd, split) => locations?.[split.index] ?? []
})

interface RangePartition extends Partition {
  readonly start: number
  readonly count: number
}

export const range = (start: number, end: number, step: number, numSlices: number): RDDOp => ({
  factory: "range",
  args: [start, end, step, numSlices],
  kind: "RangeRDD",
  params: { start, end, step, numSlices },
  getPartitions: () => {
    const total = Math.max(0, Math.ceil((end - start) / step))
    return indexed(numSlices).map(({ index }): RangePartition => {
      const from = Math.floor((index * total) / numSlices)
      const to = Math.floor(((index + 1) * total) / numSlices)
      return { index, start: start + from * step, count: to - from }
    })
  },
  compute: (_rdd, split) => {
    const { count, start: first } = split as RangePartition
    let i = 0
    return {
      next: () => (i < count ? { done: false, value: first + step * i++ } : { done: true, value: undefined })
    }
  }
})

export const textFile = (path: string, splits: ReadonlyArray<FileSplit>): RDDOp => ({
  factory: "textFile",
  args: [path, splits],
  kind: "HadoopRDD",
  params: { path, splits },
  getPartitions: () => splits,
  compute: (_rdd, split) => new ArrayIterator(readSplit(path, split as FileSplit))
})

export const empty: RDDOp = {
  factory: "empty",
  args: [],
  kind: "EmptyRDD",
  params: {},
  getPartitions: () => [],
  compute: () => emptyIterator()
}

// ---------------------------------------------------------------- narrow

export const map = (f: (a: unknown) => unknown, preservesPartitioning = false): RDDOp => ({
  factory: "map",
  args: [f, preservesPartitioning],
  kind: "MapPartitionsRDD",
  params: { fn: "map", f, preservesPartitioning },
  getPartitions: sameAsParent,
  partitioner: preservesPartitioning ? parentPartitioner : () => undefined,
  preferredLocations: parentLocations,
  compute: (rdd, split, ctx) => new MapIterator(firstParent(rdd).iterator(split, ctx), f)
})

export const filter = (f: (a: unknown) => boolean): RDDOp => ({
  factory: "filter",
  args: [f],
  kind: "MapPartitionsRDD",
  params: { fn: "filter", f, preservesPartitioning: true },
  getPartitions: sameAsParent,
  partitioner: parentPartitioner,
  preferredLocations: parentLocations,
  compute: (rdd, split, ctx) => new FilterIterator(firstParent(rdd).iterator(split, ctx), f)
})

export const flatMap = (f: (a: unknown) => Iterable<unknown>, preservesPartitioning = false): RDDOp => ({
  factory: "flatMap",
  args: [f, preservesPartitioning],
  kind: "MapPartitionsRDD",
  params: { fn: "flatMap", f, preservesPartitioning },
  getPartitions: sameAsParent,
  partitioner: preservesPartitioning ? parentPartitioner : () => undefined,
  preferredLocations: parentLocations,
  compute: (rdd, split, ctx) => new FlatMapIterator(firstParent(rdd).iterator(split, ctx), f)
})

export type PartitionFunction = (
  iterator: IterableIterator<unknown>,
  partitionIndex: number,
  ctx: TaskContext
) => Iterable<unknown> | Iterator<unknown>

export const mapPartitions = (f: PartitionFunction, preservesPartitioning: boolean): RDDOp => ({
  factory: "mapPartitions",
  args: [f, preservesPartitioning],
  kind: "MapPartitionsRDD",
  params: { fn: "mapPartitions", f, preservesPartitioning },
  getPartitions: sameAsParent,
  partitioner: preservesPartitioning ? parentPartitioner : () => undefined,
  preferredLocations: parentLocations,
  compute: (rdd, split, ctx) => {
    const out = f(iterable(firstParent(rdd).iterator(split, ctx)), split.index, ctx)
    return Symbol.iterator in out ? fromIterable(out as Iterable<unknown>) : out as Iterator<unknown>
  }
})

interface SampledPartition extends Partition {
  readonly seed: number
}

export const sample = (withReplacement: boolean, fraction: number, seed: number): RDDOp => ({
  factory: "sample",
  args: [withReplacement, fraction, seed],
  kind: "PartitionwiseSampledRDD",
  params: { withReplacement, fraction, seed },
  getPartitions: (rdd) =>
    firstParent(rdd).partitions.map((p): SampledPartition => ({ index: p.index, seed: seedFor(seed, p.index) })),
  partitioner: parentPartitioner,
  preferredLocations: parentLocations,
  compute: (rdd, split, ctx) => {
    const random = new SeededRandom((split as SampledPartition).seed)
    const parent = firstParent(rdd).iterator(parentSplit(rdd, split), ctx)
    if (!withReplacement) return new FilterIterator(parent, () => random.nextDouble() < fraction)
    return new FlatMapIterator(parent, (x) => {
      const copies = random.nextPoisson(fraction)
      return copies === 0 ? [] : new Array(copies).fill(x)
    })
  }
})

interface ZipWithIndexPartition extends Partition {
  readonly startIndex: number
}

export const zippedWithIndex = (startIndices: ReadonlyArray<number>): RDDOp => ({
  factory: "zippedWithIndex",
  args: [startIndices],
  kind: "ZippedWithIndexRDD",
  params: { startIndices },
  getPartitions: (rdd) =>
    firstParent(rdd).partitions.map((p): ZipWithIndexPartition => ({ index: p.index, startIndex: startIndices[p.index]! })),
  preferredLocations: parentLocations,
  compute: (rdd, split, ctx) => {
    let i = (split as ZipWithIndexPartition).startIndex
    return new MapIterator(firstParent(rdd).iterator(parentSplit(rdd, split), ctx), (x) => [x, i++])
  }
})

// ---------------------------------------------------------------- several parents

interface UnionPartition extends Partition {
  readonly parentIndex: number
  readonly parentSplit: Partition
}

export const union: RDDOp = {
  factory: "union",
  args: [],
  kind: "UnionRDD",
  params: {},
  getPartitions: (rdd) => {
    const out: Array<UnionPartition> = []
    rdd.dependencies.forEach((dep, parentIndex) => {
      for (const parentSplit of dep.rdd.partitions) out.push({ index: out.length, parentIndex, parentSplit })
    })
    return out
  },
  preferredLocations: (rdd, split) => {
    const { parentIndex, parentSplit } = split as UnionPartition
    return rdd.dependencies[parentIndex]!.rdd.preferredLocations(parentSplit)
  },
  compute: (rdd, split, ctx) => {
    const { parentIndex, parentSplit } = split as UnionPartition
    return rdd.dependencies[parentIndex]!.rdd.iterator(parentSplit, ctx)
  }
}

interface CartesianPartition extends Partition {
  readonly left: Partition
  readonly right: Partition
}

export const cartesian: RDDOp = {
  factory: "cartesian",
  args: [],
  kind: "CartesianRDD",
  params: {},
  getPartitions: (rdd) => {
    const [left, right] = rdd.dependencies.map((d) => d.rdd.partitions) as [ReadonlyArray<Partition>, ReadonlyArray<Partition>]
    const out: Array<CartesianPartition> = []
    for (const l of left) for (const r of right) out.push({ index: out.length, left: l, right: r })
    return out
  },
  preferredLocations: (rdd, split) => {
    const { left, right } = split as CartesianPartition
    return [...new Set([...rdd.dependencies[0]!.rdd.preferredLocations(left), ...rdd.dependencies[1]!.rdd.preferredLocations(right)])]
  },
  compute: (rdd, split, ctx) => {
    const { left, right } = split as CartesianPartition
    const rights: Array<unknown> = []
    const rightIt = rdd.dependencies[1]!.rdd.iterator(right, ctx)
    for (let r = rightIt.next(); !r.done; r = rightIt.next()) rights.push(r.value)
    return new FlatMapIterator(rdd.dependencies[0]!.rdd.iterator(left, ctx), (x) => rights.map((y) => [x, y]))
  }
}

export class ZipLengthMismatch extends Error {
  override readonly name = "ZipLengthMismatch"
}

export const zip: RDDOp = {
  factory: "zip",
  args: [],
  kind: "ZippedPartitionsRDD2",
  params: {},
  getPartitions: (rdd) => rdd.dependencies[0]!.rdd.partitions.map((p) => ({ index: p.index })),
  preferredLocations: (rdd, split) => rdd.dependencies[0]!.rdd.preferredLocations(parentSplit(rdd, split, 0)),
  compute: (rdd, split, ctx) => {
    const left = rdd.dependencies[0]!.rdd.iterator(parentSplit(rdd, split, 0), ctx)
    const right = rdd.dependencies[1]!.rdd.iterator(parentSplit(rdd, split, 1), ctx)
    return {
      next: () => {
        const l = left.next()
        const r = right.next()
        if (l.done && r.done) return { done: true, value: undefined }
        if (l.done || r.done) {
          throw new ZipLengthMismatch(
            `zip: partition ${split.index} has a different number of elements on each side; ` +
              "zip needs both RDDs to have the same number of elements in every partition"
          )
        }
        return { done: false, value: [l.value, r.value] }
      }
    }
  }
}

interface CoalescedPartition extends Partition {
  readonly parents: ReadonlyArray<Partition>
}

/** Groups parent partitions into `n` contiguous runs (a narrow dependency). */
export const coalesceGroups = (parentCount: number, n: number): Array<Array<number>> => {
  const count = Math.min(n, parentCount)
  return Array.from({ length: count }, (_, i) => {
    const from = Math.floor((i * parentCount) / count)
    const to = Math.floor(((i + 1) * parentCount) / count)
    return Array.from({ length: to - from }, (_, j) => from + j)
  })
}

export const coalesced = (groups: ReadonlyArray<ReadonlyArray<number>>): RDDOp => ({
  factory: "coalesced",
  args: [groups],
  kind: "CoalescedRDD",
  params: { groups },
  getPartitions: (rdd) => {
    const parentPartitions = firstParent(rdd).partitions
    return groups.map((group, index): CoalescedPartition => ({ index, parents: group.map((p) => parentPartitions[p]!) }))
  },
  preferredLocations: (rdd, split) => {
    const counts = new Map<string, number>()
    for (const p of (split as CoalescedPartition).parents) {
      for (const host of firstParent(rdd).preferredLocations(p)) counts.set(host, (counts.get(host) ?? 0) + 1)
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([host]) => host)
  },
  compute: (rdd, split, ctx) => {
    const parent = firstParent(rdd)
    const parents = (split as CoalescedPartition).parents
    let i = 0
    let current: Iterator<unknown> | undefined
    return {
      next: () => {
        for (;;) {
          if (current === undefined) {
            if (i >= parents.length) return { done: true, value: undefined }
            current = parent.iterator(parents[i++]!, ctx)
          }
          const r = current.next()
          if (!r.done) return r
          current = undefined
        }
      }
    }
  }
})

export const narrow = <R extends { readonly id: number }>(rdd: R, spec: NarrowSpec): NarrowDependency<R> => ({
  _tag: "Narrow",
  rdd,
  spec
})

// ---------------------------------------------------------------- shuffles

export const shuffled = (partitioner: Partitioner): RDDOp => ({
  factory: "shuffled",
  args: [partitioner],
  kind: "ShuffledRDD",
  params: { partitioner },
  getPartitions: () => indexed(partitioner.numPartitions),
  partitioner: () => partitioner,
  compute: (rdd, split, ctx) =>
    new ArrayIterator(ShuffleManager.read(rdd.dependencies[0] as ShuffleDependency, split.index, ctx))
})

/**
 * Groups the values of every parent by key: `[key, [values of parent 0, values of parent 1, ...]]`.
 * Parents already partitioned like the result are read narrowly; the others through a shuffle.
 */
export const coGrouped = (partitioner: Partitioner): RDDOp => ({
  factory: "coGrouped",
  args: [partitioner],
  kind: "CoGroupedRDD",
  params: { partitioner },
  getPartitions: () => indexed(partitioner.numPartitions),
  partitioner: () => partitioner,
  compute: (rdd, split, ctx) => {
    const width = rdd.dependencies.length
    const groups = new KeyMap<unknown, Array<Array<unknown>>>()
    const add = (parent: number, key: unknown, value: unknown) => {
      let group = groups.get(key)
      if (group === undefined) {
        group = Array.from({ length: width }, () => [])
        groups.set(key, group)
      }
      group[parent]!.push(value)
    }
    rdd.dependencies.forEach((dep, parent) => {
      if (dep._tag === "Shuffle") {
        for (const [key, value] of ShuffleManager.read(dep, split.index, ctx)) add(parent, key, value)
      } else {
        const it = dep.rdd.iterator(dep.rdd.partitions[split.index]!, ctx) as Iterator<readonly [unknown, unknown]>
        for (let r = it.next(); !r.done; r = it.next()) add(parent, r.value[0], r.value[1])
      }
    })
    const out: Array<[unknown, Array<Array<unknown>>]> = []
    groups.forEach((group, key) => out.push([key, group]))
    return new ArrayIterator(out)
  }
})

// ---------------------------------------------------------------- checkpoints

export const reliableCheckpoint = (
  directory: string,
  numPartitions: number,
  partitioner: Partitioner | undefined
): RDDOp => ({
  factory: "reliableCheckpoint",
  args: [directory, numPartitions, partitioner],
  kind: "ReliableCheckpointRDD",
  params: { directory, numPartitions, partitioner },
  getPartitions: () => indexed(numPartitions),
  partitioner: () => partitioner,
  compute: (_rdd, split) => new ArrayIterator(Files.readPartition(directory, split.index))
})

export class LocalCheckpointBlockLost extends Error {
  override readonly name = "LocalCheckpointBlockLost"
}

export const localCheckpoint = (
  originalRddId: number,
  numPartitions: number,
  partitioner: Partitioner | undefined
): RDDOp => ({
  factory: "localCheckpoint",
  args: [originalRddId, numPartitions, partitioner],
  kind: "LocalCheckpointRDD",
  params: { originalRddId, numPartitions, partitioner },
  getPartitions: () => indexed(numPartitions),
  partitioner: () => partitioner,
  compute: (_rdd, split, ctx) => {
    const values = ctx.env.blockManager.getValues(BlockId.rdd(originalRddId, split.index))
    if (values === undefined) {
      throw new LocalCheckpointBlockLost(
        `Checkpoint block rdd_${originalRddId}_${split.index} not found: it was probably lost with its executor. ` +
          "localCheckpoint() trades fault tolerance for speed; use checkpoint() with sc.setCheckpointDir() " +
          "when the lineage must survive the loss of an executor."
      )
    }
    return new ArrayIterator(values)
  }
})

/**
 * Every op factory by name: an executor rebuilds an RDD of a plan as
 * `factories[op.factory](...op.args)`.
 */
export const factories: Readonly<Record<string, (...args: Array<any>) => RDDOp>> = {
  parallelCollection,
  range,
  textFile,
  empty: () => empty,
  map,
  filter,
  flatMap,
  mapPartitions,
  sample,
  zippedWithIndex,
  union: () => union,
  cartesian: () => cartesian,
  zip: () => zip,
  coalesced,
  shuffled,
  coGrouped,
  reliableCheckpoint,
  localCheckpoint
}
