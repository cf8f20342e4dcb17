// How the RDDs that group by key across parents (CoGroupedRDD, SubtractedRDD)
// read a parent's records for one output partition: narrowly from a parent
// already partitioned like the output, else from the parent's shuffle.
import type { Partition } from "../../rdd/Partition.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import * as ShuffleManager from "../../shuffle/ShuffleManager.js"
import { drain } from "./iterators.js"
import type { OpRDD } from "./op.js"

/** Calls `f` with each key-value record of dependency `d` of `rdd` for partition `split`. */
export const readPairs = (rdd: OpRDD, d: number, split: Partition, ctx: TaskContext, f: (key: unknown, value: unknown) => void): void => {
  const dep = rdd.dependencies[d]!
  if (dep._tag === "Shuffle") {
    const records = ShuffleManager.read(dep, split.index, ctx)
    for (let i = 0; i < records.length; i++) f(records[i]![0], records[i]![1])
    return
  }
  const it = dep.rdd.iterator(dep.rdd.partitions[split.index]!, ctx) as Iterator<readonly [unknown, unknown]>
  drain(it, (record) => f(record[0], record[1]))
}
