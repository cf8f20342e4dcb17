/**
 * Variables that tasks only add to and the driver reads: counters, sums,
 * collections. A task's updates are merged into the driver's value only when
 * the task succeeds.
 *
 * Mirrors `org.apache.spark.util.AccumulatorV2`, `LongAccumulator`,
 * `DoubleAccumulator` and `CollectionAccumulator`.
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import { registerReviver, serializeValue, shippedClass } from "./internal/closure/shipping.js"
import * as TaskContext from "./scheduler/TaskContext.js"

/**
 * How an accumulator adds inputs and merges partial values.
 *
 * @category models
 * @since 0.1.0
 */
export interface AccumulatorSpec<IN, OUT> {
  readonly zero: () => OUT
  readonly add: (acc: OUT, value: IN) => OUT
  readonly merge: (a: OUT, b: OUT) => OUT
}

/**
 * An accumulator.
 *
 * **Example**
 * ```ts
 * const blankLines = sc.longAccumulator("blank lines")
 * yield* lines.foreach((line) => { if (line === "") blankLines.add(1) })
 * blankLines.value // the count, merged from successful tasks
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class Accumulator<IN, OUT> {
  private current: OUT

  /** @internal */
  constructor(readonly id: number, readonly name: string | undefined, readonly spec: AccumulatorSpec<IN, OUT>) {
    this.current = spec.zero()
  }

  /** Adds a value: in a task, to the task's local copy; on the driver, directly. */
  add(value: IN): void {
    const ctx = TaskContext.get()
    if (ctx === undefined) {
      this.current = this.spec.add(this.current, value)
      return
    }
    const updates = ctx.accumulatorUpdates
    const local = updates.has(this.id) ? updates.get(this.id) as OUT : this.spec.zero()
    updates.set(this.id, this.spec.add(local, value))
  }

  /** The driver's value. */
  get value(): OUT {
    return this.current
  }

  /** Resets the driver's value to zero. */
  reset(): void {
    this.current = this.spec.zero()
  }

  /** @internal Merges a successful task's partial value. */
  mergePartial(partial: unknown): void {
    this.current = this.spec.merge(this.current, partial as OUT)
  }

  /** @internal Ships as its id and spec: tasks add to a local copy the driver merges. */
  toShipped(where: string): unknown {
    return shippedClass("Accumulator", { id: this.id, name: this.name, spec: serializeValue(this.spec, `${where} (accumulator spec)`) })
  }
}

registerReviver("Accumulator", (data) => {
  const { id, name, spec } = data as { id: number; name: string | undefined; spec: AccumulatorSpec<unknown, unknown> }
  return new Accumulator(id, name, spec)
})

/**
 * Sums numbers.
 *
 * @category constructors
 * @since 0.1.0
 */
export const sum: AccumulatorSpec<number, number> = { zero: () => 0, add: (a, b) => a + b, merge: (a, b) => a + b }

/**
 * Collects values into an array (order across tasks is not defined).
 *
 * @category constructors
 * @since 0.1.0
 */
export const collection = <A>(): AccumulatorSpec<A, Array<A>> => ({
  zero: () => [],
  add: (acc, value) => {
    acc.push(value)
    return acc
  },
  merge: (a, b) => a.concat(b)
})

/**
 * The driver's registry of accumulators: hands out ids and merges the
 * partial values of successful tasks. Holds accumulators weakly, so an
 * accumulator the program dropped is collected.
 *
 * Mirrors `org.apache.spark.util.AccumulatorContext`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const accumulators = yield* Accumulator.AccumulatorContext
 *   return accumulators.register(Accumulator.sum, "count")
 * }).pipe(Effect.provide(Accumulator.layer))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class AccumulatorContext extends Context.Service<AccumulatorContext, {
  /** Creates and registers an accumulator. */
  readonly register: <IN, OUT>(spec: AccumulatorSpec<IN, OUT>, name: string | undefined) => Accumulator<IN, OUT>
  /** Merges a successful task's partial values, by accumulator id. */
  readonly merge: (updates: ReadonlyMap<number, unknown>) => void
}>()("@tspark/core/Accumulator/AccumulatorContext") {}

/**
 * An accumulator registry for one context.
 *
 * Mirrors `org.apache.spark.util.AccumulatorContext`.
 *
 * **Example**
 * ```ts
 * const program = Effect.provide(useAccumulators, Accumulator.layer)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<AccumulatorContext> = Layer.sync(AccumulatorContext, () => {
  const accumulators = new Map<number, WeakRef<Accumulator<unknown, unknown>>>()
  let nextId = 0
  return AccumulatorContext.of({
    register: <IN, OUT>(spec: AccumulatorSpec<IN, OUT>, name: string | undefined) => {
      const accumulator = new Accumulator(nextId++, name, spec)
      accumulators.set(accumulator.id, new WeakRef(accumulator as Accumulator<unknown, unknown>))
      return accumulator
    },
    merge: (updates) => {
      for (const [id, partial] of updates) accumulators.get(id)?.deref()?.mergePartial(partial)
    }
  })
})
