// Random pipelines of RDD transformations, each step paired with the same
// operation on a plain array (the model). A pipeline is data (a list of step
// specs), so fast-check can shrink it; steps that do not apply to the current
// kind of records are skipped when the pipeline is interpreted.
//
// Every function given to an RDD is shippable (see src/Closure.ts): it
// captures nothing, or gets what it uses (helpers, step parameters) through
// `withEnv`, so the same pipelines run with `spark.tspark.local.shipTasks`.
// The helpers themselves capture nothing.
import { Effect } from "effect"
import fc from "fast-check"
import { withEnv } from "../../src/Closure.js"
import { HashPartitioner, Partitioner } from "../../src/rdd/Partitioner.js"
import type { RDD, RDDError } from "../../src/rdd/RDD.js"
import type { SparkContext } from "../../src/SparkContext.js"
import { compareKeys } from "../../src/util/Ordering.js"
import { canonical } from "../utils/spark.js"
import { nums, pairs, shufflePartitions, slices, textHash } from "./data.js"

/** What the records are: numbers, `[key, number]` pairs, or anything. */
export type Kind = "num" | "pair" | "any"
/**
 * What `collect` order is defined: exactly the model's, only the key sequence
 * (after `sortByKey`, equal keys may come in any order), or none.
 */
export type Order = "exact" | "keys" | "none"

export interface State {
  readonly kind: Kind
  readonly order: Order
  readonly rdd: RDD<unknown>
  readonly model: ReadonlyArray<unknown>
}

type Pair = readonly [unknown, number]
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a generated step may be a pair step or not: the driver calls pair methods on whatever the previous step built
type AnyRDD = RDD<any>

export type StepSpec =
  | { readonly _tag: "map" }
  | { readonly _tag: "filter"; readonly modulus: number }
  | { readonly _tag: "flatMap" }
  | { readonly _tag: "distinct"; readonly parts: number | undefined }
  | { readonly _tag: "union"; readonly nums: ReadonlyArray<number>; readonly pairs: ReadonlyArray<Pair>; readonly slices: number }
  | {
    readonly _tag: "intersection" | "subtract"
    readonly nums: ReadonlyArray<number>
    readonly pairs: ReadonlyArray<Pair>
    readonly slices: number
    readonly parts: number | undefined
  }
  | { readonly _tag: "reduceByKey" | "groupByKey" | "aggregateByKey" | "foldByKey" | "combineByKey"; readonly parts: number | undefined }
  | {
    readonly _tag: "join"
    readonly variant: "join" | "leftOuterJoin" | "rightOuterJoin" | "fullOuterJoin" | "cogroup"
    readonly pairs: ReadonlyArray<Pair>
    readonly slices: number
    readonly parts: number | undefined
  }
  | { readonly _tag: "sortByKey"; readonly ascending: boolean; readonly parts: number }
  | { readonly _tag: "sortBy"; readonly ascending: boolean; readonly parts: number }
  | { readonly _tag: "coalesce" | "repartition"; readonly parts: number }
  | { readonly _tag: "partitionBy"; readonly parts: number }
  | { readonly _tag: "glom" | "zip" | "zipWithIndex" | "mapValues" | "flatMapValues" | "keys" | "values" | "keyBy" }
  | { readonly _tag: "groupBy"; readonly parts: number | undefined }
  | { readonly _tag: "cartesian"; readonly nums: ReadonlyArray<number>; readonly slices: number }
  | { readonly _tag: "zipWithUniqueId" }
  | { readonly _tag: "subtractByKey"; readonly pairs: ReadonlyArray<Pair>; readonly slices: number; readonly parts: number | undefined }
  | { readonly _tag: "partitionByUser"; readonly parts: number; readonly subclass: boolean }
  | { readonly _tag: "repartitionAndSort"; readonly parts: number; readonly user: boolean }
  | { readonly _tag: "unionPartitioned"; readonly parts: number }
  | { readonly _tag: "sortByOrdering"; readonly parts: number }

const parts14 = fc.integer({ min: 1, max: 4 })
const other = { nums: nums(12), pairs: pairs(12), slices }

export const stepSpec: fc.Arbitrary<StepSpec> = fc.oneof(
  fc.constant({ _tag: "map" as const }),
  fc.record({ _tag: fc.constant("filter" as const), modulus: fc.integer({ min: 2, max: 4 }) }),
  fc.constant({ _tag: "flatMap" as const }),
  fc.record({ _tag: fc.constant("distinct" as const), parts: shufflePartitions }),
  fc.record({ _tag: fc.constant("union" as const), ...other }),
  fc.record({ _tag: fc.constantFrom("intersection" as const, "subtract" as const), ...other, parts: shufflePartitions }),
  fc.record({
    _tag: fc.constantFrom(
      "reduceByKey" as const,
      "groupByKey" as const,
      "aggregateByKey" as const,
      "foldByKey" as const,
      "combineByKey" as const
    ),
    parts: shufflePartitions
  }),
  fc.record({
    _tag: fc.constant("join" as const),
    variant: fc.constantFrom(
      "join" as const,
      "leftOuterJoin" as const,
      "rightOuterJoin" as const,
      "fullOuterJoin" as const,
      "cogroup" as const
    ),
    pairs: pairs(12),
    slices,
    parts: shufflePartitions
  }),
  fc.record({ _tag: fc.constantFrom("sortByKey" as const, "sortBy" as const), ascending: fc.boolean(), parts: parts14 }),
  fc.record({ _tag: fc.constantFrom("coalesce" as const, "repartition" as const, "partitionBy" as const), parts: parts14 }),
  fc.record({
    _tag: fc.constantFrom(
      "glom" as const,
      "zip" as const,
      "zipWithIndex" as const,
      "mapValues" as const,
      "flatMapValues" as const,
      "keys" as const,
      "values" as const,
      "keyBy" as const
    )
  }),
  fc.record({ _tag: fc.constant("groupBy" as const), parts: shufflePartitions }),
  fc.record({ _tag: fc.constant("cartesian" as const), nums: nums(4), slices: fc.integer({ min: 1, max: 2 }) }),
  fc.constant({ _tag: "zipWithUniqueId" as const }),
  fc.record({ _tag: fc.constant("subtractByKey" as const), pairs: pairs(12), slices, parts: shufflePartitions }),
  fc.record({ _tag: fc.constant("partitionByUser" as const), parts: parts14, subclass: fc.boolean() }),
  fc.record({ _tag: fc.constant("repartitionAndSort" as const), parts: parts14, user: fc.boolean() }),
  fc.record({ _tag: fc.constantFrom("unionPartitioned" as const, "sortByOrdering" as const), parts: parts14 })
)

/**
 * A user partitioner, as a subclass: places a key by a shipped function of it
 * (a field, so that the method uses only `this`).
 */
class PlacedBy extends Partitioner {
  constructor(readonly numPartitions: number, readonly place: (key: unknown) => number) {
    super()
  }
  getPartition(key: unknown) {
    return this.place(key) % this.numPartitions
  }
}

export interface Pipeline {
  readonly source: { readonly kind: "num"; readonly data: ReadonlyArray<number> } | {
    readonly kind: "pair"
    readonly data: ReadonlyArray<Pair>
  }
  readonly slices: number
  readonly steps: ReadonlyArray<StepSpec>
}

export const pipeline: fc.Arbitrary<Pipeline> = fc.record({
  source: fc.oneof(
    fc.record({ kind: fc.constant("num" as const), data: nums() }),
    fc.record({ kind: fc.constant("pair" as const), data: pairs() })
  ),
  slices,
  steps: fc.array(stepSpec, { minLength: 1, maxLength: 6 })
})

// ---------------------------------------------------------------- model helpers

/** A summary of a group of numbers: their sum and how many there are. */
export const summary = (values: ReadonlyArray<number>): number => values.reduce((a, b) => a + b, 0) + 1000 * values.length

const mod = (x: number, n: number) => ((x % n) + n) % n

/** Groups pairs by (structural) key, keys in first-seen order. */
export const groupModel = <V>(records: ReadonlyArray<readonly [unknown, V]>): Array<[unknown, Array<V>]> => {
  const groups = new Map<string, [unknown, Array<V>]>()
  for (const [k, v] of records) {
    const code = canonical(k)
    const group = groups.get(code)
    if (group === undefined) groups.set(code, [k, [v]])
    else group[1].push(v)
  }
  return [...groups.values()]
}

export const distinctModel = <A>(values: ReadonlyArray<A>): Array<A> => {
  const seen = new Map<string, A>()
  for (const v of values) if (!seen.has(canonical(v))) seen.set(canonical(v), v)
  return [...seen.values()]
}

const cogroupModel = (left: ReadonlyArray<Pair>, right: ReadonlyArray<Pair>) => {
  const keys = distinctModel([...left.map((p) => p[0]), ...right.map((p) => p[0])])
  const l = new Map(groupModel(left).map(([k, vs]) => [canonical(k), vs]))
  const r = new Map(groupModel(right).map(([k, vs]) => [canonical(k), vs]))
  return keys.map((k) => [k, l.get(canonical(k)) ?? [], r.get(canonical(k)) ?? []] as const)
}

const stableSort = <A>(values: ReadonlyArray<A>, ordering: (a: A, b: A) => number): Array<A> =>
  values.map((v, i) => [v, i] as const).sort((a, b) => ordering(a[0], b[0]) || a[1] - b[1]).map(([v]) => v)

const joinValue = (v: number | undefined, w: number | undefined) => (v ?? 2000) + 3 * (w ?? 1000)

/** The helpers the pipeline's RDD functions use, as a `withEnv` environment. */
const helpers = { canonical, textHash, mod, summary, joinValue }

// ---------------------------------------------------------------- interpretation

const ok = (state: State) => Effect.succeed(state)

/** Applies one step to the RDD and to the model; returns the state unchanged when it does not apply. */
export const applyStep = (
  sc: SparkContext,
  state: State,
  step: StepSpec
): Effect.Effect<State, RDDError> => {
  const { kind, order, model } = state
  const rdd = state.rdd as AnyRDD
  const size = model.length
  const keep = (next: AnyRDD, nextModel: ReadonlyArray<unknown>, nextOrder: Order = order, nextKind: Kind = kind) =>
    ok({ kind: nextKind, order: nextOrder, rdd: next, model: nextModel })
  const pairsModel = model as ReadonlyArray<Pair>
  switch (step._tag) {
    case "map":
      if (kind !== "num") return ok(state)
      return keep(rdd.map((x: number) => x * 2 + 1), (model as Array<number>).map((x) => x * 2 + 1))
    case "filter": {
      const f = withEnv(
        { ...helpers, modulus: step.modulus },
        ({ canonical, modulus, textHash }) => (x: unknown) => textHash(canonical(x)) % modulus !== 0
      )
      return keep(rdd.filter(f), model.filter(f))
    }
    case "flatMap": {
      if (kind !== "num" || size > 150) return ok(state)
      const f = withEnv(helpers, ({ mod }) => (x: number) => (mod(x, 2) === 0 ? [x, x + 1] : [x]))
      return keep(rdd.flatMap(f), (model as Array<number>).flatMap(f))
    }
    case "distinct":
      return keep(rdd.distinct(step.parts), distinctModel(model), "none")
    case "union": {
      if (kind === "any") return keep(rdd.union(rdd), [...model, ...model])
      const data = kind === "num" ? step.nums : step.pairs
      const otherRdd = sc.parallelize(data as ReadonlyArray<unknown>, step.slices)
      return keep(rdd.union(otherRdd), [...model, ...data], order === "exact" ? "exact" : "none")
    }
    case "intersection":
    case "subtract": {
      if (kind === "any") return ok(state)
      const data: ReadonlyArray<unknown> = kind === "num" ? step.nums : step.pairs
      const otherRdd = sc.parallelize(data, step.slices)
      const inOther = new Set(data.map(canonical))
      if (step._tag === "intersection") {
        return keep(
          rdd.intersection(otherRdd, step.parts),
          distinctModel(model).filter((x) => inOther.has(canonical(x))),
          "none"
        )
      }
      return keep(rdd.subtract(otherRdd, step.parts), model.filter((x) => !inOther.has(canonical(x))), "none")
    }
    case "reduceByKey":
      if (kind !== "pair") return ok(state)
      return keep(
        rdd.reduceByKey((a: number, b: number) => a + b, step.parts),
        groupModel(pairsModel).map(([k, vs]) => [k, vs.reduce((a, b) => a + b, 0)]),
        "none"
      )
    case "foldByKey":
      if (kind !== "pair") return ok(state)
      return keep(
        rdd.foldByKey(0, (a: number, b: number) => a + b, step.parts),
        groupModel(pairsModel).map(([k, vs]) => [k, vs.reduce((a, b) => a + b, 0)]),
        "none"
      )
    case "groupByKey":
      if (kind !== "pair") return ok(state)
      return keep(
        (rdd.groupByKey(step.parts) as AnyRDD).mapValues(summary),
        groupModel(pairsModel).map(([k, vs]) => [k, summary(vs)]),
        "none"
      )
    case "aggregateByKey":
      if (kind !== "pair") return ok(state)
      // A mutable zero: each partition and key must get its own copy.
      return keep(
        rdd.aggregateByKey(
          [] as Array<number>,
          (acc: Array<number>, v: number) => {
            acc.push(v)
            return acc
          },
          (a: Array<number>, b: Array<number>) => a.concat(b),
          step.parts
        ).mapValues(summary),
        groupModel(pairsModel).map(([k, vs]) => [k, summary(vs)]),
        "none"
      )
    case "combineByKey":
      if (kind !== "pair") return ok(state)
      return keep(
        rdd.combineByKey(
          (v: number) => [v],
          (c: Array<number>, v: number) => [...c, v],
          (a: Array<number>, b: Array<number>) => [...a, ...b],
          step.parts
        ).mapValues(summary),
        groupModel(pairsModel).map(([k, vs]) => [k, summary(vs)]),
        "none"
      )
    case "join": {
      if (kind !== "pair") return ok(state)
      const otherRdd = sc.parallelize(step.pairs, step.slices)
      const groups = cogroupModel(pairsModel, step.pairs)
      const out: Array<readonly [unknown, number]> = []
      let next: AnyRDD
      switch (step.variant) {
        case "cogroup":
          next = (rdd.cogroup(otherRdd, step.parts) as AnyRDD).mapValues(
            withEnv(helpers, ({ summary }) => ([a, b]: [Array<number>, Array<number>]) => summary(a) - 2 * summary(b))
          )
          for (const [k, a, b] of groups) out.push([k, summary(a) - 2 * summary(b)])
          break
        case "join":
          next = (rdd.join(otherRdd, step.parts) as AnyRDD).mapValues(
            withEnv(helpers, ({ joinValue }) => ([v, w]: [number, number]) => joinValue(v, w))
          )
          for (const [k, a, b] of groups) for (const v of a) for (const w of b) out.push([k, joinValue(v, w)])
          break
        case "leftOuterJoin":
          next = (rdd.leftOuterJoin(otherRdd, step.parts) as AnyRDD).mapValues(
            withEnv(helpers, ({ joinValue }) => ([v, w]: [number, number | undefined]) => joinValue(v, w))
          )
          for (const [k, a, b] of groups) {
            for (const v of a) {
              if (b.length === 0) out.push([k, joinValue(v, undefined)])
              for (const w of b) out.push([k, joinValue(v, w)])
            }
          }
          break
        case "rightOuterJoin":
          next = (rdd.rightOuterJoin(otherRdd, step.parts) as AnyRDD).mapValues(
            withEnv(helpers, ({ joinValue }) => ([v, w]: [number | undefined, number]) => joinValue(v, w))
          )
          for (const [k, a, b] of groups) {
            for (const w of b) {
              if (a.length === 0) out.push([k, joinValue(undefined, w)])
              for (const v of a) out.push([k, joinValue(v, w)])
            }
          }
          break
        case "fullOuterJoin":
          next = (rdd.fullOuterJoin(otherRdd, step.parts) as AnyRDD).mapValues(
            withEnv(helpers, ({ joinValue }) => ([v, w]: [number | undefined, number | undefined]) => joinValue(v, w))
          )
          for (const [k, a, b] of groups) {
            if (a.length === 0) { for (const w of b) out.push([k, joinValue(undefined, w)]) }
            else if (b.length === 0) { for (const v of a) out.push([k, joinValue(v, undefined)]) }
            else for (const v of a) for (const w of b) out.push([k, joinValue(v, w)])
          }
          break
      }
      return keep(next, out, "none")
    }
    case "sortByKey": {
      if (kind !== "pair") return ok(state)
      const ordering = (a: Pair, b: Pair) => step.ascending ? compareKeys(a[0], b[0]) : compareKeys(b[0], a[0])
      return Effect.map(
        rdd.sortByKey(step.ascending, step.parts) as Effect.Effect<AnyRDD, RDDError>,
        (sorted) => ({ kind, order: "keys" as const, rdd: sorted, model: stableSort(pairsModel, ordering) })
      )
    }
    case "sortBy": {
      // Sorting by the canonical string: equal strings are structurally equal records, so the order is exact.
      const f = kind === "num" ? (x: unknown) => x : canonical
      const ordering = (a: unknown, b: unknown) => step.ascending ? compareKeys(f(a), f(b)) : compareKeys(f(b), f(a))
      return Effect.map(
        rdd.sortBy(f, step.ascending, step.parts) as Effect.Effect<AnyRDD, RDDError>,
        (sorted) => ({ kind, order: "exact" as const, rdd: sorted, model: stableSort(model, ordering) })
      )
    }
    case "coalesce":
      return keep(rdd.coalesce(step.parts), model)
    case "repartition":
      return keep(rdd.repartition(step.parts), model, "none")
    case "partitionBy":
      if (kind !== "pair") return ok(state)
      return keep(rdd.partitionBy(new HashPartitioner(step.parts)), model, "none")
    case "glom":
      return keep(rdd.glom().flatMap((xs: Array<unknown>) => xs), model)
    case "zip": {
      const f = withEnv(helpers, ({ canonical }) => (x: unknown) => canonical(x).length)
      return keep(
        rdd.zip(rdd.map(f)),
        model.map((x) => [x, f(x)]),
        order === "exact" ? "exact" : "none",
        "pair"
      )
    }
    case "zipWithIndex":
      if (order !== "exact") return ok(state)
      return Effect.map(
        rdd.zipWithIndex() as Effect.Effect<AnyRDD, RDDError>,
        (zipped) => ({ kind: "pair" as const, order: "exact" as const, rdd: zipped, model: model.map((x, i) => [x, i]) })
      )
    case "mapValues":
      if (kind !== "pair") return ok(state)
      return keep(rdd.mapValues((v: number) => v * 2 - 1), pairsModel.map(([k, v]) => [k, v * 2 - 1]))
    case "flatMapValues": {
      if (kind !== "pair") return ok(state)
      const f = withEnv(helpers, ({ mod }) => (v: number) => (mod(v, 2) === 0 ? [v, v + 1] : mod(v, 3) === 0 ? [] : [v]))
      return keep(rdd.flatMapValues(f), pairsModel.flatMap(([k, v]) => f(v).map((u) => [k, u])))
    }
    case "keys":
      if (kind !== "pair") return ok(state)
      return keep(rdd.keys(), pairsModel.map(([k]) => k), order === "none" ? "none" : "exact", "any")
    case "values":
      if (kind !== "pair") return ok(state)
      return keep(rdd.values(), pairsModel.map(([, v]) => v), order === "exact" ? "exact" : "none", "num")
    case "keyBy":
      if (kind !== "num") return ok(state)
      return keep(
        rdd.keyBy(withEnv(helpers, ({ mod }) => (x: number) => mod(x, 3))),
        (model as Array<number>).map((x) => [mod(x, 3), x]),
        order,
        "pair"
      )
    case "groupBy":
      if (kind !== "num") return ok(state)
      return keep(
        rdd.groupBy(withEnv(helpers, ({ mod }) => (x: number) => mod(x, 4)), step.parts).mapValues(summary),
        groupModel((model as Array<number>).map((x) => [mod(x, 4), x] as const)).map(([k, vs]) => [k, summary(vs)]),
        "none",
        "pair"
      )
    case "zipWithUniqueId":
      // Ids are unique non-negative integers; the elements and their order are kept.
      return keep(
        rdd.zipWithUniqueId().filter(([, id]: [unknown, number]) => Number.isInteger(id) && id >= 0).keys(),
        model
      )
    case "subtractByKey": {
      if (kind !== "pair") return ok(state)
      const inOther = new Set(step.pairs.map(([k]) => canonical(k)))
      return keep(
        rdd.subtractByKey(sc.parallelize(step.pairs, step.slices), step.parts),
        pairsModel.filter(([k]) => !inOther.has(canonical(k))),
        "none"
      )
    }
    case "partitionByUser":
      if (kind !== "pair") return ok(state)
      return keep(rdd.partitionBy(userPartitioner(step.parts, step.subclass)), model, "none")
    case "repartitionAndSort": {
      if (kind !== "pair") return ok(state)
      const partitioner = step.user ? userPartitioner(step.parts, true) : new HashPartitioner(step.parts)
      return keep(rdd.repartitionAndSortWithinPartitions(partitioner), model, "none")
    }
    case "unionPartitioned": {
      if (kind !== "pair") return ok(state)
      // Both sides share a partitioner: a PartitionerAwareUnionRDD.
      const partitioned: AnyRDD = rdd.partitionBy(new HashPartitioner(step.parts))
      return keep(partitioned.union(partitioned.mapValues((v: number) => v + 1)), [
        ...model,
        ...pairsModel.map(([k, v]) => [k, v + 1])
      ], "none")
    }
    case "sortByOrdering": {
      if (kind !== "num") return ok(state)
      // Ascending by a descending ordering: the numbers from largest to smallest.
      return Effect.map(
        rdd.sortBy((x: number) => x, true, step.parts, (a: number, b: number) => b - a) as Effect.Effect<AnyRDD, RDDError>,
        (sorted) => ({ kind, order: "exact" as const, rdd: sorted, model: stableSort(model as Array<number>, (a, b) => b - a) })
      )
    }
    case "cartesian": {
      if (size > 30) return ok(state)
      const otherRdd = sc.parallelize(step.nums, step.slices)
      return keep(
        rdd.cartesian(otherRdd),
        model.flatMap((x) => step.nums.map((y) => [x, y])),
        "none",
        "pair"
      )
    }
  }
}

/** A user partitioner of `n` partitions by the key's canonical text: a plain object or a `Partitioner` subclass. */
const userPartitioner = (n: number, subclass: boolean): Partitioner => {
  const place = withEnv(helpers, ({ canonical, textHash }) => (key: unknown) => textHash(canonical(key)))
  if (subclass) return new PlacedBy(n, place)
  return { numPartitions: n, getPartition: withEnv({ n, place }, ({ n, place }) => (key: unknown) => place(key) % n) }
}

/** Builds the source RDD and applies every step; returns the final state and the steps that applied. */
export const runPipeline = (sc: SparkContext, p: Pipeline): Effect.Effect<State, RDDError> =>
  Effect.gen(function*() {
    let state: State = {
      kind: p.source.kind,
      order: "exact",
      rdd: sc.parallelize(p.source.data as ReadonlyArray<unknown>, p.slices),
      model: p.source.data
    }
    for (const step of p.steps) state = yield* applyStep(sc, state, step)
    return state
  })
