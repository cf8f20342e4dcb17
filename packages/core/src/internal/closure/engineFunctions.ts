// The engine's own per-partition functions (actions, combiners, checkpoint
// and text output), registered by name: a task plan names them and the
// executor, running the same engine code, looks them up.
import * as fs from "node:fs"
import * as path from "node:path"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import { KeyMap } from "../../util/KeyMap.js"
import { compareKeys, type Ordering } from "../../util/Ordering.js"
import * as Files from "../rdd/checkpointFiles.js"
import { drain, iterable, toArray } from "../rdd/iterators.js"
import { ENGINE } from "./marks.js"

const registry = new Map<string, (env: never) => unknown>()

const registerEngineFunction = <E, F>(name: string, factory: (env: E) => F): void => {
  registry.set(name, factory as (env: never) => unknown)
}

/** An engine function: built from the registry, it ships as its name and environment. */
export const engineFunction = <E extends Record<string, unknown>, F extends object>(name: string, env: E): F => {
  const factory = registry.get(name)
  if (factory === undefined) throw new Error(`unknown engine function ${name}`)
  const f = (factory as (env: E) => F)(env)
  // Factories without an environment may return one shared function, marked once.
  if (!Object.prototype.hasOwnProperty.call(f, ENGINE)) {
    Object.defineProperty(f, ENGINE, { value: { name, env } })
  }
  return f
}

const formatLine = (value: unknown): string => Array.isArray(value) ? `(${value.map(formatLine).join(",")})` : String(value)

registerEngineFunction("toArray", () => toArray)

registerEngineFunction("count", () => (it: Iterator<unknown>) => {
  let n = 0
  drain(it, () => n++)
  return n
})

registerEngineFunction(
  "takeOrdered",
  ({ n, ordering }: { n: number; ordering: Ordering<unknown> }) => (it: Iterator<unknown>) => toArray(it).sort(ordering).slice(0, n)
)

registerEngineFunction(
  "foreachPartition",
  ({ f }: { f: (it: IterableIterator<unknown>) => void }) => (it: Iterator<unknown>) => f(iterable(it))
)

registerEngineFunction("saveTextPartition", ({ directory }: { directory: string }) => (it: Iterator<unknown>, ctx: TaskContext) => {
  const file = path.join(directory, `part-${String(ctx.partitionId).padStart(5, "0")}`)
  const lines: Array<string> = []
  drain(it, (value) => lines.push(formatLine(value)))
  fs.writeFileSync(file, lines.length === 0 ? "" : lines.join("\n") + "\n")
})

registerEngineFunction(
  "writeCheckpointPartition",
  ({ directory }: { directory: string }) => (it: Iterator<unknown>, ctx: TaskContext) =>
    Files.writePartition(directory, ctx.partitionId, toArray(it))
)

/** Combines values by key within a partition already partitioned by key (no shuffle). */
registerEngineFunction(
  "combineValuesByKey",
  ({ createCombiner, mergeValue }: {
    createCombiner: (v: unknown) => unknown
    mergeValue: (c: unknown, v: unknown) => unknown
  }) =>
  (it: IterableIterator<readonly [unknown, unknown]>) => {
    const combined = new KeyMap<unknown, unknown>()
    for (const [k, v] of it) combined.set(k, combined.has(k) ? mergeValue(combined.get(k), v) : createCombiner(v))
    return combined.entries()
  }
)

registerEngineFunction("compareKeys", () => compareKeys)
// The default ordering is itself an engine function, so it ships by name.
engineFunction("compareKeys", {})
