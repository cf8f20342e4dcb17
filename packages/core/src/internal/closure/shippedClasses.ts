// Every class whose instances ship by reviver (`toShipped` / `registerReviver`).
// Each module registers its reviver when it loads; the package is marked free of
// side effects, so a bundle keeps a module only if something uses it. Code that
// decodes tasks (the executor) imports this list, which keeps them all.
import { Accumulator } from "../../Accumulator.js"
import { Broadcast } from "../../Broadcast.js"
import { HashPartitioner, Partitioner, RangePartitioner } from "../../rdd/Partitioner.js"

export const shippedClasses: ReadonlyArray<abstract new(...args: Array<never>) => unknown> = [
  Broadcast,
  Accumulator,
  HashPartitioner,
  RangePartitioner,
  // User subclasses of Partitioner ship through the base class's reviver.
  Partitioner
]
