// Argument checks shared by RDD transformations. An invalid argument does not
// throw when the RDD is built (building is pure): the RDD carries the error
// and its first action fails with it.
import type { Partitioner } from "../../rdd/Partitioner.js"
import { InvalidArgumentError, PartitionerMismatchError } from "../../SparkError.js"

export const positive = (method: string, name: string, value: number): InvalidArgumentError | undefined =>
  Number.isInteger(value) && value > 0
    ? undefined
    : new InvalidArgumentError({ method, message: `${name} must be a positive integer, got ${value}` })

export const nonNegative = (method: string, name: string, value: number): InvalidArgumentError | undefined =>
  Number.isInteger(value) && value >= 0
    ? undefined
    : new InvalidArgumentError({ method, message: `${name} must be a non-negative integer, got ${value}` })

/** A partitioner needs a positive whole number of partitions and a `getPartition` function. */
export const invalidPartitioner = (
  method: string,
  partitioner: Partitioner
): InvalidArgumentError | PartitionerMismatchError | undefined => {
  if (typeof partitioner !== "object" || partitioner === null || typeof partitioner.getPartition !== "function") {
    return new InvalidArgumentError({
      method,
      message: "partitioner must be a Partitioner: an object with numPartitions and a getPartition(key) function " +
        `(e.g. new HashPartitioner(4)), got ${partitioner === null ? "null" : typeof partitioner}`
    })
  }
  return Number.isInteger(partitioner.numPartitions) && partitioner.numPartitions > 0
    ? undefined
    : new PartitionerMismatchError({
      message: `${method}: the partitioner has ${partitioner.numPartitions} partitions; ` +
        "a partitioner needs a positive whole number of partitions (e.g. new HashPartitioner(4))"
    })
}
