// Argument checks shared by RDD transformations. An invalid argument does not
// throw when the RDD is built (building is pure): the RDD carries the error
// and its first action fails with it.
import type { Partitioner } from "../../rdd/Partitioner.js"
import { InvalidArgumentError, PartitionerMismatchError } from "../../SparkError.js"

export const positive = (method: string, name: string, value: number): InvalidArgumentError | undefined =>
  Number.isInteger(value) && value > 0
    ? undefined
    : new InvalidArgumentError({ method, message: `${name} must be a positive integer, got ${value}` })

export const invalidPartitioner = (method: string, partitioner: Partitioner): PartitionerMismatchError | undefined =>
  Number.isInteger(partitioner.numPartitions) && partitioner.numPartitions > 0
    ? undefined
    : new PartitionerMismatchError({
      message: `${method}: the partitioner has ${partitioner.numPartitions} partitions; ` +
        "a partitioner needs a positive whole number of partitions (e.g. new HashPartitioner(4))"
    })
