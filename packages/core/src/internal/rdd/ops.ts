// The registry of RDD kinds: every op factory by the stable name an RDD's
// plan carries (`op.factory`). An executor rebuilds an RDD of a task plan as
// `factories[op.factory](...op.args)`. Each kind lives in its own module
// under rdd/, named as in Spark.
import { block, writeAheadLogBacked } from "../../rdd/BlockRDD.js"
import { cartesian } from "../../rdd/CartesianRDD.js"
import { coalesced } from "../../rdd/CoalescedRDD.js"
import { coGrouped } from "../../rdd/CoGroupedRDD.js"
import { dataSource } from "../../rdd/DataSourceRDD.js"
import { empty } from "../../rdd/EmptyRDD.js"
import { localCheckpoint } from "../../rdd/LocalCheckpointRDD.js"
import { filter, flatMap, map, mapPartitions } from "../../rdd/MapPartitionsRDD.js"
import { parallelCollection } from "../../rdd/ParallelCollectionRDD.js"
import { partitionerAwareUnion } from "../../rdd/PartitionerAwareUnionRDD.js"
import { sample } from "../../rdd/PartitionwiseSampledRDD.js"
import { range } from "../../rdd/RangeRDD.js"
import { reliableCheckpoint } from "../../rdd/ReliableCheckpointRDD.js"
import { shuffled } from "../../rdd/ShuffledRDD.js"
import { subtracted } from "../../rdd/SubtractedRDD.js"
import { textFile } from "../../rdd/TextFileRDD.js"
import { union } from "../../rdd/UnionRDD.js"
import { zip } from "../../rdd/ZippedPartitionsRDD.js"
import { zippedWithIndex } from "../../rdd/ZippedWithIndexRDD.js"
import type { RDDOp } from "./op.js"

export const factories: Readonly<Record<string, (...args: Array<never>) => RDDOp>> = {
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
  partitionerAwareUnion,
  cartesian: () => cartesian,
  zip: () => zip,
  coalesced,
  shuffled,
  coGrouped,
  subtracted,
  reliableCheckpoint,
  localCheckpoint,
  block,
  dataSource,
  writeAheadLogBackedBlock: writeAheadLogBacked
}
