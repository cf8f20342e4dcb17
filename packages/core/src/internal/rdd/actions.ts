// The bodies of RDD's actions (RDD keeps thin methods): each runs a job whose
// per-partition function is a plain loop (an engine function, or a function
// with an explicit environment so that it ships), then combines the
// partition results on the driver.
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { RDD, RDDError } from "../../rdd/RDD.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import { InvalidArgumentError, UnsupportedOperationError } from "../../SparkError.js"
import { compareKeys, type Ordering } from "../../util/Ordering.js"
import { engineFunction } from "../closure/engineFunctions.js"
import { withEnv } from "../closure/shipping.js"

/** Zero values are copied per use so a mutable zero (an array) is never shared between partitions. */
export const cloneZero = <A>(zero: A): () => A => typeof zero === "object" && zero !== null ? () => structuredClone(zero) : () => zero

export const collect = <T>(self: RDD<T>): Effect.Effect<Array<T>, RDDError> =>
  Effect.map(
    self.runJob(engineFunction<Record<string, never>, (it: Iterator<T>) => Array<T>>("toArray", {})),
    (parts) => ([] as Array<T>).concat(...parts)
  )

export const count = <T>(self: RDD<T>): Effect.Effect<number, RDDError> =>
  Effect.map(
    self.runJob(engineFunction<Record<string, never>, (it: Iterator<T>) => number>("count", {})),
    (counts) => counts.reduce((a, b) => a + b, 0)
  )

/** Scans one partition first, then more (up to 4x as many each round) until it has `n`, as Spark's `take`. */
export const take = <T>(self: RDD<T>, n: number): Effect.Effect<Array<T>, RDDError> =>
  Effect.gen(function*() {
    if (!Number.isInteger(n) || n < 0) {
      return yield* new InvalidArgumentError({ method: "take", message: `n must be a non-negative integer, got ${n}` })
    }
    const out: Array<T> = []
    const total = self.numPartitions
    let scanned = 0
    while (out.length < n && scanned < total) {
      let count = 1
      if (scanned > 0) {
        count = out.length === 0 ? scanned * 4 : Math.ceil((1.5 * n * scanned) / out.length) - scanned
        count = Math.min(Math.max(count, 1), scanned * 4)
      }
      const parts = Array.from({ length: Math.min(count, total - scanned) }, (_, i) => scanned + i)
      const left = n - out.length
      const results = yield* self.runJob(
        withEnv({ left }, ({ left }) => (it: Iterator<T>) => {
          const taken: Array<T> = []
          for (let r = it.next(); !r.done && taken.length < left; r = it.next()) taken.push(r.value)
          return taken
        }),
        parts
      )
      for (const result of results) for (const x of result) if (out.length < n) out.push(x)
      scanned += parts.length
    }
    return out
  })

/** Spark's "empty collection" failure of an action that needs an element, with a hint. */
export const emptyCollection = (method: string, hint: string): UnsupportedOperationError =>
  new UnsupportedOperationError({ method, message: `empty collection: ${method}() on an empty RDD; ${hint}` })

export const first = <T>(self: RDD<T>): Effect.Effect<T, RDDError | UnsupportedOperationError> =>
  Effect.flatMap(
    take(self, 1),
    (xs) => xs.length > 0 ? Effect.succeed(xs[0]!) : Effect.fail(emptyCollection("first", "check isEmpty() first"))
  )

export const takeOrdered = <T>(self: RDD<T>, n: number, ordering: Ordering<T> = compareKeys): Effect.Effect<Array<T>, RDDError> => {
  if (!Number.isInteger(n) || n < 0) {
    return Effect.fail(new InvalidArgumentError({ method: "takeOrdered", message: `n must be a non-negative integer, got ${n}` }))
  }
  return Effect.map(
    self.runJob(engineFunction<{ n: number; ordering: Ordering<T> }, (it: Iterator<T>) => Array<T>>("takeOrdered", { n, ordering })),
    (parts) => ([] as Array<T>).concat(...parts).sort(ordering).slice(0, n)
  )
}

export const top = <T>(self: RDD<T>, n: number, ordering: Ordering<T> = compareKeys): Effect.Effect<Array<T>, RDDError> =>
  takeOrdered(self, n, withEnv({ ordering }, ({ ordering }) => (a: T, b: T) => ordering(b, a)))

export const reduce = <T>(
  self: RDD<T>,
  f: (a: T, b: T) => T,
  method = "reduce",
  hint = "use fold() with a zero value"
): Effect.Effect<T, RDDError | UnsupportedOperationError> =>
  Effect.flatMap(
    self.runJob(withEnv({ f }, ({ f }) => (it: Iterator<T>) => {
      let r = it.next()
      if (r.done) return { empty: true as const }
      let acc = r.value
      for (r = it.next(); !r.done; r = it.next()) acc = f(acc, r.value)
      return { empty: false as const, value: acc }
    })),
    (parts) => {
      const values = parts.flatMap((p) => (p.empty ? [] : [p.value]))
      return values.length === 0 ? Effect.fail(emptyCollection(method, hint)) : Effect.succeed(values.reduce(f))
    }
  )

/** `reduce` with Scala's `Ordering.max` (the first of equals wins), as Spark's `max`. */
export const max = <T>(self: RDD<T>, ordering: Ordering<T> = compareKeys): Effect.Effect<T, RDDError | UnsupportedOperationError> =>
  reduce(self, withEnv({ ordering }, ({ ordering }) => (a: T, b: T) => ordering(a, b) >= 0 ? a : b), "max", "check isEmpty() first")

/** `reduce` with Scala's `Ordering.min`, as Spark's `min`. */
export const min = <T>(self: RDD<T>, ordering: Ordering<T> = compareKeys): Effect.Effect<T, RDDError | UnsupportedOperationError> =>
  reduce(self, withEnv({ ordering }, ({ ordering }) => (a: T, b: T) => ordering(a, b) <= 0 ? a : b), "min", "check isEmpty() first")

export const fold = <T>(self: RDD<T>, zero: T, f: (a: T, b: T) => T): Effect.Effect<T, RDDError> =>
  Effect.map(
    self.runJob(withEnv({ zero, f }, ({ zero, f }) => (it: Iterator<T>) => {
      let acc = typeof zero === "object" && zero !== null ? structuredClone(zero) : zero
      for (let r = it.next(); !r.done; r = it.next()) acc = f(acc, r.value)
      return acc
    })),
    (parts) => parts.reduce(f, cloneZero(zero)())
  )

export const aggregate = <T, U>(
  self: RDD<T>,
  zero: U,
  seqOp: (acc: U, value: T) => U,
  combOp: (a: U, b: U) => U
): Effect.Effect<U, RDDError> =>
  Effect.map(
    self.runJob(withEnv({ zero, seqOp }, ({ zero, seqOp }) => (it: Iterator<T>) => {
      let acc = typeof zero === "object" && zero !== null ? structuredClone(zero) : zero
      for (let r = it.next(); !r.done; r = it.next()) acc = seqOp(acc, r.value)
      return acc
    })),
    (parts) => parts.reduce(combOp, cloneZero(zero)())
  )

export const foreach = <T>(self: RDD<T>, f: (value: T) => void): Effect.Effect<void, RDDError> =>
  Effect.asVoid(self.runJob(withEnv({ f }, ({ f }) => (it: Iterator<T>) => {
    for (let r = it.next(); !r.done; r = it.next()) f(r.value)
  })))

export const foreachPartition = <T>(
  self: RDD<T>,
  f: (iterator: IterableIterator<T>, ctx: TaskContext) => void | PromiseLike<void>
): Effect.Effect<void, RDDError> =>
  Effect.asVoid(
    self.runJob(engineFunction<{ f: typeof f }, (it: Iterator<T>, ctx: TaskContext) => void | PromiseLike<void>>("foreachPartition", { f }))
  )

export const isEmpty = <T>(self: RDD<T>): Effect.Effect<boolean, RDDError> => {
  if (self.numPartitions === 0) return Effect.succeed(true)
  return Effect.map(take(self, 1), (xs) => xs.length === 0)
}

/** Fails when the directory already exists, as Spark does. */
export const saveAsTextFile = <T>(self: RDD<T>, directory: string): Effect.Effect<void, RDDError> =>
  Effect.gen(function*() {
    if (fs.existsSync(directory)) {
      return yield* new InvalidArgumentError({
        method: "saveAsTextFile",
        message: `Output directory ${directory} already exists: remove it or choose another path`
      })
    }
    fs.mkdirSync(directory, { recursive: true })
    yield* self.runJob(
      engineFunction<{ directory: string }, (it: Iterator<T>, ctx: TaskContext) => void>("saveTextPartition", { directory })
    )
    fs.writeFileSync(path.join(directory, "_SUCCESS"), "")
  })
