// The actions of every RDD, the second of the public `RDD` class's layers
// (RDDBase → RDDActions → RDDPairMethods → RDD). Thin methods, so chains read
// as in Spark; the bodies are in actions.ts.
import type { Effect } from "effect"
import type { RDDError } from "../../rdd/RDD.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import { compareKeys, type Ordering } from "../../util/Ordering.js"
import * as actions from "./actions.js"
import { RDDBase } from "./rddBase.js"

export abstract class RDDActions<T> extends RDDBase<T> {
  // ------------------------------------------------------------ actions

  /** Runs `func` on every partition (or the given ones) and returns the results in partition order. */
  runJob<U>(func: (iterator: Iterator<T>, ctx: TaskContext) => U, partitions?: ReadonlyArray<number>): Effect.Effect<Array<U>, RDDError> {
    return this.context.runJob(this.self, func, partitions)
  }

  /** All elements, in partition order. */
  collect(): Effect.Effect<Array<T>, RDDError> {
    return actions.collect(this.self)
  }

  /** The number of elements. */
  count(): Effect.Effect<number, RDDError> {
    return actions.count(this.self)
  }

  /** The first `n` elements, scanning more partitions each round until it has `n`, as Spark's `take`. */
  take(n: number): Effect.Effect<Array<T>, RDDError> {
    return actions.take(this.self, n)
  }

  /** The first element; fails when the RDD is empty. */
  first(): Effect.Effect<T, RDDError> {
    return actions.first(this.self)
  }

  /** The `n` smallest elements by `ordering`, in order. */
  takeOrdered(n: number, ordering: Ordering<T> = compareKeys): Effect.Effect<Array<T>, RDDError> {
    return actions.takeOrdered(this.self, n, ordering)
  }

  /** The `n` largest elements by `ordering`, largest first. */
  top(n: number, ordering: Ordering<T> = compareKeys): Effect.Effect<Array<T>, RDDError> {
    return actions.top(this.self, n, ordering)
  }

  /** Reduces the elements with an associative, commutative `f`; fails when empty. */
  reduce(f: (a: T, b: T) => T): Effect.Effect<T, RDDError> {
    return actions.reduce(this.self, f)
  }

  /** Folds the elements from `zero` within each partition, then the partition results. */
  fold(zero: T, f: (a: T, b: T) => T): Effect.Effect<T, RDDError> {
    return actions.fold(this.self, zero, f)
  }

  /** Aggregates with `seqOp` within partitions and `combOp` across them. */
  aggregate<U>(zero: U, seqOp: (acc: U, value: T) => U, combOp: (a: U, b: U) => U): Effect.Effect<U, RDDError> {
    return actions.aggregate(this.self, zero, seqOp, combOp)
  }

  /** Runs `f` on every element (on the executors). */
  foreach(f: (value: T) => void): Effect.Effect<void, RDDError> {
    return actions.foreach(this.self, f)
  }

  /**
   * Runs `f` on every partition's iterator (on the executors). When `f`
   * returns a promise, its task runs until it settles and fails when it
   * rejects, so a partition can be written to a database asynchronously.
   * Read the iterator before the first `await`, and use `ctx` (not
   * `TaskContext.get()`) after it.
   */
  foreachPartition(f: (iterator: IterableIterator<T>, ctx: TaskContext) => void | PromiseLike<void>): Effect.Effect<void, RDDError> {
    return actions.foreachPartition(this.self, f)
  }

  /** Whether the RDD has no elements. */
  isEmpty(): Effect.Effect<boolean, RDDError> {
    return actions.isEmpty(this.self)
  }

  /**
   * Writes each partition as a text file `part-NNNNN` (one element per line,
   * `String(element)`) in a new directory, then an empty `_SUCCESS` marker.
   * Fails when the directory already exists, as Spark does.
   */
  saveAsTextFile(directory: string): Effect.Effect<void, RDDError> {
    return actions.saveAsTextFile(this.self, directory)
  }
}
