import { Partitioner, type RDD as RDDModule } from "@tspark/core"
import { DStream } from "../dstream/DStream.js"
import type { Time } from "../Time.js"

type RDD<T> = RDDModule.RDD<T>

/** A stream of one parent whose batch RDD is `f` of the parent's (none when the parent has none). */
export const derive = <T, U>(parent: DStream<T>, name: string, f: (rdd: RDD<T>, time: Time) => RDD<U>): DStream<U> =>
  new DStream<U>(parent.context, {
    name,
    dependencies: [parent as DStream<unknown>],
    compute: (time) => {
      const rdd = parent.getOrCompute(time)
      return rdd === undefined ? undefined : f(rdd, time)
    }
  })

/** The partitioner of a partition spec: a count, a partitioner, or the default parallelism. */
export const resolvePartitioner = (spec: RDDModule.PartitionSpec, defaultParallelism: number): Partitioner.Partitioner =>
  typeof spec === "number"
    ? new Partitioner.HashPartitioner(Math.max(1, spec))
    : spec ?? new Partitioner.HashPartitioner(defaultParallelism)
