// The shape of a DStreamGraph: its streams in a canonical order (each
// output's lineage, parents first, in the order the outputs were
// registered), each with its kind, slide, window and parents. A metadata
// checkpoint records it; recovery compares it with the graph the application
// built again, so that state is restored only into a graph of the same shape
// (the functions inside may have changed), and a different graph is refused
// with its first difference named.
import type { GraphShape } from "../Checkpoint.js"
import type { DStream } from "../dstream/DStream.js"
import type { DStreamGraph } from "../DStreamGraph.js"

/** The graph's streams in the shape's order (index i is the shape's stream i). */
export const orderedStreams = (graph: DStreamGraph): Array<DStream<unknown>> => {
  const order: Array<DStream<unknown>> = []
  const seen = new Set<DStream<unknown>>()
  const visit = (stream: DStream<unknown>): void => {
    if (seen.has(stream)) return
    seen.add(stream)
    for (const parent of stream.dependencies) visit(parent)
    order.push(stream)
  }
  for (const output of graph.outputStreams) visit(output)
  return order
}

/** The shape of `graph`. */
export const shapeOf = (graph: DStreamGraph): GraphShape => {
  const streams = orderedStreams(graph)
  const index = new Map(streams.map((stream, i) => [stream, i]))
  return {
    batchDurationMs: graph.batchDurationMs,
    streams: streams.map((stream) => ({
      kind: stream.kind.name,
      slideMs: stream.slideDurationMs,
      windowMs: stream.kind.parentRememberDurationMs?.(0) ?? 0,
      parents: stream.dependencies.map((parent) => index.get(parent)!)
    })),
    outputs: graph.outputStreams.map((output) => index.get(output)!)
  }
}

const describe = (shape: GraphShape, i: number): string => {
  const stream = shape.streams[i]!
  const over = stream.parents.length === 0 ? "" : ` over ${stream.parents.map((p) => `${shape.streams[p]!.kind}[${p}]`).join(", ")}`
  const window = stream.windowMs > 0 ? `, window ${stream.windowMs} ms` : ""
  return `${stream.kind}[${i}] (slide ${stream.slideMs} ms${window})${over}`
}

/**
 * The first difference between the checkpoint's shape and the application's,
 * as a sentence naming the stream; `undefined` when they are the same.
 */
export const firstDifference = (checkpoint: GraphShape, application: GraphShape): string | undefined => {
  if (checkpoint.batchDurationMs !== application.batchDurationMs) {
    return `the batch duration is ${application.batchDurationMs} ms, the checkpoint's ${checkpoint.batchDurationMs} ms`
  }
  const count = Math.min(checkpoint.streams.length, application.streams.length)
  for (let i = 0; i < count; i++) {
    const [saved, built] = [checkpoint.streams[i]!, application.streams[i]!]
    if (
      saved.kind !== built.kind || saved.slideMs !== built.slideMs || saved.windowMs !== built.windowMs ||
      saved.parents.join() !== built.parents.join()
    ) {
      return `stream ${i} is ${describe(application, i)} in the application, ${describe(checkpoint, i)} in the checkpoint`
    }
  }
  if (checkpoint.streams.length !== application.streams.length) {
    const [longer, which] = checkpoint.streams.length > count ? [checkpoint, "checkpoint"] : [application, "application"]
    return `the ${which} has more streams, from ${describe(longer, count)} on`
  }
  if (checkpoint.outputs.join() !== application.outputs.join()) {
    return `the output operations are on streams [${application.outputs.join(", ")}] in the application, ` +
      `[${checkpoint.outputs.join(", ")}] in the checkpoint`
  }
  return undefined
}
