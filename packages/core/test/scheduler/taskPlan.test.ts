import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as v8 from "node:v8"
import { withEnv } from "../../src/Closure.js"
import { deserializeValue, serializeValue } from "../../src/internal/closure/shipping.js"
import { decodeStage, encodeStage, type StagePlan, type TaskSlice } from "../../src/internal/scheduler/taskPlan.js"
import type { ShuffleDependency } from "../../src/rdd/Dependency.js"
import { HashPartitioner, type Partitioner, RangePartitioner } from "../../src/rdd/Partitioner.js"
import type { RDD, RDDError } from "../../src/rdd/RDD.js"
import type { TaskBinary } from "../../src/scheduler/Task.js"
import { type ExecutorEnv, TaskContext } from "../../src/scheduler/TaskContext.js"
import type { SparkContext } from "../../src/SparkContext.js"
import * as BlockId from "../../src/storage/BlockId.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"
import { drain } from "../../src/internal/rdd/iterators.js"
import { key } from "../arbitraries/data.js"
import { applyStep, type Pipeline, pipeline, type State } from "../arbitraries/pipeline.js"
import { assertSameMultiset, assertSameSequence, canonical, checkProperty, executorEnvOf, makeContext, tempDir } from "../utils/spark.js"

/** Keys ordered by their canonical text, descending: an ordering that is not the engine's. */
const byTextDescending = withEnv({ canonical }, ({ canonical }) => (a: unknown, b: unknown) => {
  const x = canonical(a)
  const y = canonical(b)
  return x < y ? 1 : x > y ? -1 : 0
})

const levels = [StorageLevel.MEMORY_ONLY, StorageLevel.MEMORY_ONLY_SER, StorageLevel.MEMORY_AND_DISK, StorageLevel.DISK_ONLY]

interface Scenario {
  readonly pipeline: Pipeline
  /** An RDD of the pipeline (by step, modulo) to persist or checkpoint. */
  readonly mark: { readonly at: number; readonly how: "persist" | "checkpoint" | "localCheckpoint"; readonly level: number } | undefined
  /** A final sortByKey with a custom ordering (pairs only). */
  readonly customSort: { readonly ascending: boolean; readonly parts: number } | undefined
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  pipeline,
  mark: fc.option(
    fc.record({
      at: fc.nat(),
      how: fc.constantFrom("persist" as const, "checkpoint" as const, "localCheckpoint" as const),
      level: fc.nat({ max: levels.length - 1 })
    }),
    { nil: undefined }
  ),
  customSort: fc.option(fc.record({ ascending: fc.boolean(), parts: fc.integer({ min: 1, max: 4 }) }), { nil: undefined })
})

/** Runs the pipeline, marking one of its RDDs; returns the final state and the marked RDD. */
const build = (sc: SparkContext, s: Scenario): Effect.Effect<{ state: State; marked: RDD<unknown> | undefined }, RDDError> =>
  Effect.gen(function*() {
    let state: State = {
      kind: s.pipeline.source.kind,
      order: "exact",
      rdd: sc.parallelize(s.pipeline.source.data as ReadonlyArray<unknown>, s.pipeline.slices),
      model: s.pipeline.source.data
    }
    let marked: RDD<unknown> | undefined
    const markAt = s.mark === undefined ? -1 : s.mark.at % (s.pipeline.steps.length + 1)
    for (let i = 0; i <= s.pipeline.steps.length; i++) {
      if (i === markAt && s.mark !== undefined) {
        marked = state.rdd
        if (s.mark.how === "persist") marked.persist(levels[s.mark.level]!)
        else if (s.mark.how === "checkpoint") marked.checkpoint()
        else marked.localCheckpoint()
      }
      if (i < s.pipeline.steps.length) state = yield* applyStep(sc, state, s.pipeline.steps[i]!)
    }
    if (s.customSort !== undefined && state.kind === "pair") {
      const sorted = yield* (state.rdd as RDD<readonly [unknown, unknown]>).sortByKey(
        s.customSort.ascending,
        s.customSort.parts,
        byTextDescending
      )
      state = { ...state, order: "none", rdd: sorted as RDD<unknown> }
    }
    return { state, marked }
  })

/** Every stage a job on `rdd` runs: its shuffle map stages (one per shuffle) and the result stage. */
const stagesOf = (rdd: RDD<unknown>): Array<TaskBinary> => {
  const stages: Array<TaskBinary> = []
  const shuffles = new Set<number>()
  const seen = new Set<number>()
  const visit = (r: RDD<unknown>) => {
    if (seen.has(r.id)) return
    seen.add(r.id)
    for (const dep of r.dependencies) {
      if (dep._tag === "Shuffle" && !shuffles.has(dep.shuffleId)) {
        shuffles.add(dep.shuffleId)
        stages.push({ _tag: "ShuffleMapTask", rdd: dep.rdd, dep })
      }
      visit(dep.rdd)
    }
  }
  visit(rdd)
  stages.push({ _tag: "ResultTask", rdd, func: (it) => it })
  return stages
}

/** Every slice of every parallel collection in a stage (tasks carry only their own; this decodes all partitions). */
const allSlices = (rdd: RDD<unknown>, into: Array<TaskSlice> = [], seen = new Set<number>()): Array<TaskSlice> => {
  if (seen.has(rdd.id)) return into
  seen.add(rdd.id)
  if (!rdd.isCheckpointed && rdd.op.factory === "parallelCollection") {
    const slices = rdd.op.args[0] as ReadonlyArray<ReadonlyArray<unknown>>
    slices.forEach((values, index) => into.push({ rddId: rdd.id, index, values }))
  }
  if (!rdd.isCheckpointed) { for (const dep of rdd.dependencies) if (dep._tag !== "Shuffle") allSlices(dep.rdd, into, seen) }
  return into
}

/** A stage as an executor gets it: encoded, v8-serialized and deserialized, decoded. */
const ship = (binary: TaskBinary): { plan: StagePlan; decoded: TaskBinary } => {
  const [plan, slices] = v8.deserialize(v8.serialize([encodeStage(binary), allSlices(binary.rdd)])) as [StagePlan, Array<TaskSlice>]
  return { plan, decoded: decodeStage(plan, slices) }
}

/** Every partition of an RDD, computed as a task would (through `iterator`: cache, checkpoint, shuffle reads). */
const partitionsOf = (rdd: RDD<unknown>, env: ExecutorEnv): Array<Array<unknown>> =>
  rdd.partitions.map((split) => {
    const ctx = new TaskContext(0, 0, split.index, 0, 0, new Map(), env)
    const out: Array<unknown> = []
    drain(rdd.iterator(split, ctx), (x) => out.push(x))
    ctx.markTaskCompleted()
    return out
  })

/** Checks that a decoded shuffle dependency places, combines and orders like the original. */
const assertSameShuffle = (
  original: ShuffleDependency<RDD<unknown>>,
  decoded: ShuffleDependency<RDD<unknown>>,
  records: ReadonlyArray<unknown>,
  label: string
) => {
  assert.strictEqual(decoded.shuffleId, original.shuffleId, label)
  assert.strictEqual(decoded.mapSideCombine, original.mapSideCombine, label)
  assert.strictEqual(decoded.partitioner.numPartitions, original.partitioner.numPartitions, label)
  // The built-ins compare equal after shipping; a user partitioner's equals stays on the driver (its placement is checked below).
  if (original.partitioner._tag !== undefined) {
    assert.isTrue(decoded.partitioner.equals?.(original.partitioner), `${label}: equal partitioners`)
  }
  assert.strictEqual(decoded.aggregator === undefined, original.aggregator === undefined, label)
  assert.strictEqual(decoded.keyOrdering === undefined, original.keyOrdering === undefined, label)
  const pairs = records as ReadonlyArray<readonly [unknown, unknown]>
  for (const [k, v] of pairs) {
    assert.strictEqual(decoded.partitioner.getPartition(k), original.partitioner.getPartition(k), `${label}: partition of ${canonical(k)}`)
    const a = original.aggregator
    const b = decoded.aggregator
    if (a !== undefined && b !== undefined) {
      assert.strictEqual(canonical(b.createCombiner(v)), canonical(a.createCombiner(v)), label)
      assert.strictEqual(canonical(b.mergeValue(b.createCombiner(v), v)), canonical(a.mergeValue(a.createCombiner(v), v)), label)
      assert.strictEqual(
        canonical(b.mergeCombiners(b.createCombiner(v), b.createCombiner(v))),
        canonical(a.mergeCombiners(a.createCombiner(v), a.createCombiner(v))),
        label
      )
    }
    for (const [other] of pairs.slice(0, 5)) {
      if (original.keyOrdering !== undefined) {
        assert.strictEqual(
          Math.sign(decoded.keyOrdering!(k, other)),
          Math.sign(original.keyOrdering(k, other)),
          `${label}: order of ${canonical(k)} and ${canonical(other)}`
        )
      }
    }
  }
}

describe("task plans", () => {
  it.effect("every stage of a random pipeline, shipped and decoded, computes the same partitions", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      yield* sc.setCheckpointDir(yield* tempDir)
      const env = executorEnvOf(sc)
      const seen = { checkpointed: 0, persisted: 0, narrowSpecs: 0, range: 0, aggregators: 0 }
      yield* checkProperty(scenario, (s) =>
        Effect.gen(function*() {
          const { marked, state } = yield* build(sc, s)
          const label = JSON.stringify([...s.pipeline.steps.map((step) => step._tag), s.mark?.how, s.customSort])
          // Run the job on the driver: shuffle outputs, caches and checkpoints are in place.
          const collected = yield* state.rdd.collect()
          assertSameMultiset(collected, state.model, label)
          if (marked !== undefined && s.mark!.how !== "persist") assert.isTrue(marked.isCheckpointed, `${label}: checkpointed`)
          for (const binary of stagesOf(state.rdd)) {
            const expected = partitionsOf(binary.rdd, env)
            const { decoded, plan } = ship(binary)
            const stageLabel = `${label} ${binary._tag} on ${binary.rdd.op.kind}[${binary.rdd.id}]`
            // Cached partitions must be recomputed through the decoded lineage, not read back
            // (a local checkpoint's blocks are its data: they stay).
            if (marked !== undefined && s.mark!.how === "persist") {
              for (const name of sc.blockManager.blockNames()) {
                if (name.startsWith(`rdd_${marked.id}_`)) sc.blockManager.removeBlock(BlockId.parse(name)!)
              }
            }
            assert.strictEqual(decoded._tag, binary._tag, stageLabel)
            assert.strictEqual(decoded.rdd.id, binary.rdd.id, stageLabel)
            // (Partition objects may differ: a child keeps its parent's pre-checkpoint partitions, as in Spark.)
            assert.deepStrictEqual(decoded.rdd.partitions.map((p) => p.index), binary.rdd.partitions.map((p) => p.index), stageLabel)
            const actual = partitionsOf(decoded.rdd, env)
            actual.forEach((part, i) => assertSameSequence(part, expected[i]!, `${stageLabel} partition ${i}`))
            if (binary._tag === "ShuffleMapTask" && decoded._tag === "ShuffleMapTask") {
              assertSameShuffle(binary.dep, decoded.dep, expected.flat(), stageLabel)
            }
            if (decoded._tag === "ResultTask") assertSameMultiset(actual.flat(), state.model, stageLabel)
            for (const node of plan.nodes) {
              if (node.factory === "reliableCheckpoint" || node.factory === "localCheckpoint") seen.checkpointed++
              if (node.storageLevel !== "NONE") seen.persisted++
              if (node.deps.some((d) => d._tag === "Narrow")) seen.narrowSpecs++
              if (node.deps.some((d) => d._tag === "Shuffle" && d.keyOrdering !== undefined)) seen.range++
              if (node.deps.some((d) => d._tag === "Shuffle" && d.aggregator !== undefined)) seen.aggregators++
            }
          }
          if (marked !== undefined && s.mark!.how === "persist") marked.unpersist()
        }), {
        numRuns: Number(process.env["FC_NUM_RUNS"] ?? 60),
        examples: [
          // Found by this property: a shipped user partitioner (no equals on an executor) under a partitioner-aware union.
          [{
            pipeline: {
              source: { kind: "num", data: [3, 1, 2, 7] },
              slices: 1,
              steps: [{ _tag: "groupBy", parts: undefined }, { _tag: "repartitionAndSort", parts: 1, user: true }, {
                _tag: "unionPartitioned",
                parts: 1
              }]
            },
            mark: undefined,
            customSort: undefined
          }],
          // A checkpoint under a custom-ordered sort, a coalesce and a cartesian product.
          [{
            pipeline: {
              source: { kind: "pair", data: [[{ p: 0, q: "u" }, 1], [{ q: "u", p: 0 }, 2], [[1, "x"], 3], ["a", 4], [0, 5]] },
              slices: 3,
              steps: [{ _tag: "reduceByKey", parts: 2 }, { _tag: "coalesce", parts: 1 }, { _tag: "values" }, {
                _tag: "cartesian",
                nums: [1, 2],
                slices: 2
              }]
            },
            mark: { at: 2, how: "checkpoint", level: 0 },
            customSort: { ascending: false, parts: 3 }
          }],
          [{
            pipeline: {
              source: { kind: "num", data: [5, -3, 5, 0, 7, -3, 2] },
              slices: 4,
              steps: [{ _tag: "keyBy" }, { _tag: "groupByKey", parts: 2 }, {
                _tag: "join",
                variant: "leftOuterJoin",
                pairs: [[0, 1], [2, 9]],
                slices: 2,
                parts: undefined
              }]
            },
            mark: { at: 1, how: "persist", level: 3 },
            customSort: { ascending: true, parts: 2 }
          }],
          // A local checkpoint once cut the lineage after zipWithIndex's job had computed only partition 0.
          [{
            pipeline: {
              source: { kind: "num", data: [] },
              slices: 1,
              steps: [{ _tag: "reduceByKey", parts: undefined }, { _tag: "union", nums: [], pairs: [], slices: 1 }, {
                _tag: "zipWithIndex"
              }]
            },
            mark: { at: 1556613318, how: "localCheckpoint", level: 0 },
            customSort: undefined
          }],
          [{
            pipeline: {
              source: { kind: "num", data: [1, 2, 3, 4, 5, 6] },
              slices: 3,
              steps: [{ _tag: "keyBy" }, { _tag: "reduceByKey", parts: 2 }]
            },
            mark: { at: 1, how: "localCheckpoint", level: 0 },
            customSort: undefined
          }]
        ]
      })
      // The random pipelines did reach every kind of node this test is about.
      for (const [what, count] of Object.entries(seen)) assert.isAbove(count, 0, what)
    }).pipe(Effect.scoped))

  it("partitioners ship as data: a RangePartitioner with a custom ordering places every key the same", () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 12 }), fc.array(key, { maxLength: 20 }), fc.boolean(), (bounds, keys, ascending) => {
        const sortedBounds = [...new Map(bounds.map((b) => [canonical(b), b])).values()].sort(byTextDescending)
        const partitioners: Array<Partitioner> = [
          new RangePartitioner(sortedBounds, ascending, byTextDescending) as Partitioner,
          new HashPartitioner(sortedBounds.length + 1)
        ]
        for (const original of partitioners) {
          const shipped = deserializeValue(v8.deserialize(v8.serialize(serializeValue(original, "partitioner")))) as Partitioner
          assert.strictEqual(shipped.constructor, original.constructor)
          assert.isTrue(shipped.equals?.(original))
          for (const k of [...keys, ...bounds]) assert.strictEqual(shipped.getPartition(k), original.getPartition(k), canonical(k))
        }
      }),
      { numRuns: 100 }
    )
  })
})
