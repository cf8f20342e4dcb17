/**
 * The DAG visualization of a job or stage: each stage a cluster of the RDDs
 * it pipelines (named from the stages' `RDDInfo`: name, id, call site and
 * operation scope, a cached RDD marked), an edge from each parent stage to
 * the stage that reads its shuffle output, and an edge from each RDD to its
 * parents (`RDDInfo.parentIds`), across stages too. Drawn on the server as SVG (stages in columns by their
 * depth), so it needs no script and the same data always draws the same
 * picture; clusters and nodes carry `data-stage-id` and `data-rdd-id`.
 *
 * Mirrors `org.apache.spark.ui.scope.RDDOperationGraph` (Spark draws it with dagre-d3 in the browser).
 *
 * @since 0.1.0
 */
import type { RDDInfo, StageInfo } from "../../scheduler/SparkListener.js"
import type { StageData } from "../../status/AppStatusListener.js"
import { type Html, html } from "../html.js"

/**
 * An RDD as the graph shows it; `parentIds` when the events carry them.
 *
 * Mirrors `org.apache.spark.ui.scope.RDDOperationNode`.
 *
 * @category models
 * @since 0.1.0
 */
export interface RDDNode {
  readonly id: number
  readonly name: string
  readonly parentIds?: ReadonlyArray<number>
  /** Where it was made (`RDDInfo.callSite`). */
  readonly callSite?: string
  /** The operation that made it (`RDDInfo.scope`). */
  readonly scope?: string
  /** Whether it is persisted (Spark draws a cached RDD's node green). */
  readonly cached?: boolean
}

/**
 * An RDD's node from its `RDDInfo`.
 *
 * **Example**
 * ```ts
 * RDDOperationGraph.nodeOf(stage.rddInfos[0]!)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const nodeOf = (info: RDDInfo): RDDNode => ({
  id: info.rddId,
  name: info.name,
  parentIds: info.parentIds,
  callSite: info.callSite,
  scope: info.scope,
  cached: info.storageLevel.useMemory || info.storageLevel.useDisk
})

const nodesOf = (infos: ReadonlyArray<RDDInfo>, rddIds: ReadonlyArray<number>): Array<RDDNode> =>
  infos.length > 0
    ? [...infos].sort((a, b) => a.rddId - b.rddId).map(nodeOf)
    : [...rddIds].sort((a, b) => a - b).map((id) => ({ id, name: `RDD ${id}` }))

/**
 * A stage of the graph: its RDDs, its parent stages and its status.
 *
 * Mirrors `org.apache.spark.ui.scope.RDDOperationCluster` (one per stage).
 *
 * @category models
 * @since 0.1.0
 */
export interface StageCluster {
  readonly stageId: number
  readonly name: string
  readonly status: string
  readonly parentIds: ReadonlyArray<number>
  readonly rdds: ReadonlyArray<RDDNode>
}

/**
 * A cluster for a kept stage attempt: its RDDs from its `RDDInfo`s (by id, named `RDD <id>`, when it has none).
 *
 * **Example**
 * ```ts
 * RDDOperationGraph.clusterOf(store.stage(2)!)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const clusterOf = (stage: StageData): StageCluster => ({
  stageId: stage.stageId,
  name: stage.name,
  status: stage.status,
  parentIds: stage.parentIds,
  rdds: nodesOf(stage.rddInfos, stage.rddIds)
})

/**
 * A cluster for a stage known only by its `StageInfo` (a job's stage never
 * submitted: `SKIPPED` once the job ended, `PENDING` while it runs).
 *
 * **Example**
 * ```ts
 * RDDOperationGraph.clusterOfInfo(info, "SKIPPED")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const clusterOfInfo = (info: StageInfo, status: string): StageCluster => ({
  stageId: info.stageId,
  name: info.name,
  status,
  parentIds: info.parentIds,
  rdds: nodesOf(info.rddInfos, info.rddIds)
})

const CLUSTER_WIDTH = 180
const COLUMN_GAP = 60
const NODE_HEIGHT = 36
const HEADER = 26
const PAD = 10

/** A label cut to what fits a node. */
const clip = (text: string) => (text.length > 24 ? `${text.slice(0, 23)}…` : text)

/**
 * The graph of some stages as SVG, in `<svg class="dag" data-stages data-rdds>`.
 *
 * **Example**
 * ```ts
 * RDDOperationGraph.render(job.stageIds.flatMap((id) => { const s = store.stage(id); return s ? [RDDOperationGraph.clusterOf(s)] : [] }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const render = (clusters: ReadonlyArray<StageCluster>, id = "dag"): Html => {
  const byId = new Map(clusters.map((c) => [c.stageId, c]))
  const depth = new Map<number, number>()
  const depthOf = (c: StageCluster, seen: Set<number>): number => {
    const known = depth.get(c.stageId)
    if (known !== undefined) return known
    seen.add(c.stageId)
    let d = 0
    for (const p of c.parentIds) {
      const parent = byId.get(p)
      if (parent !== undefined && !seen.has(p)) d = Math.max(d, depthOf(parent, seen) + 1)
    }
    depth.set(c.stageId, d)
    return d
  }
  const sorted = [...clusters].sort((a, b) => a.stageId - b.stageId)
  for (const c of sorted) depthOf(c, new Set())
  const boxes = new Map<number, { x: number; y: number; h: number }>()
  const nodes = new Map<number, { x: number; y: number }>()
  const columnHeights = new Map<number, number>()
  for (const c of sorted) {
    const d = depth.get(c.stageId)!
    const h = HEADER + PAD + Math.max(1, c.rdds.length) * (NODE_HEIGHT + PAD)
    const y = columnHeights.get(d) ?? PAD
    const x = PAD + d * (CLUSTER_WIDTH + COLUMN_GAP)
    boxes.set(c.stageId, { x, y, h })
    columnHeights.set(d, y + h + PAD)
    c.rdds.forEach((rdd, i) => nodes.set(rdd.id, { x: x + PAD, y: y + HEADER + i * (NODE_HEIGHT + PAD) }))
  }
  const width = PAD + (Math.max(0, ...depth.values()) + 1) * (CLUSTER_WIDTH + COLUMN_GAP)
  const height = Math.max(PAD * 2, ...columnHeights.values())
  const stageEdges = sorted.flatMap((c) =>
    c.parentIds.filter((p) => boxes.has(p)).map((p) => {
      const from = boxes.get(p)!
      const to = boxes.get(c.stageId)!
      const [x1, y1, x2, y2] = [from.x + CLUSTER_WIDTH, from.y + from.h / 2, to.x, to.y + to.h / 2]
      return html`<path class="stage-edge" data-from="${p}" data-to="${c.stageId}" d="M${x1},${y1} C${x1 + COLUMN_GAP / 2},${y1} ${
        x2 - COLUMN_GAP / 2
      },${y2} ${x2},${y2}" marker-end="url(#${id}-arrow)"/>`
    })
  )
  const rddEdges = sorted.flatMap((c) =>
    c.rdds.flatMap((rdd) =>
      (rdd.parentIds ?? []).filter((p) => nodes.has(p)).map((p) => {
        const from = nodes.get(p)!
        const to = nodes.get(rdd.id)!
        return html`<line class="rdd-edge" data-from="${p}" data-to="${rdd.id}" x1="${from.x + (CLUSTER_WIDTH - 2 * PAD) / 2}" y1="${
          from.y + NODE_HEIGHT
        }" x2="${to.x + (CLUSTER_WIDTH - 2 * PAD) / 2}" y2="${to.y}" marker-end="url(#${id}-arrow)"/>`
      })
    )
  )
  const clusterMarks = sorted.map((c) => {
    const box = boxes.get(c.stageId)!
    return html`<g class="stage-cluster status-${c.status.toLowerCase()}" data-stage-id="${c.stageId}"><title>${c.name}</title>
<rect x="${box.x}" y="${box.y}" width="${CLUSTER_WIDTH}" height="${box.h}" rx="6"/>
<text x="${box.x + PAD}" y="${box.y + 17}">Stage ${c.stageId}</text>${
      c.rdds.map((rdd) => {
        const at = nodes.get(rdd.id)!
        const label = `${rdd.name} [${rdd.id}]`
        const detail = rdd.callSite ?? ""
        return html`<g class="rdd-node${rdd.cached === true ? " cached" : ""}" data-rdd-id="${rdd.id}" data-name="${rdd.name}"${
          rdd.scope === undefined ? "" : html` data-scope="${rdd.scope}"`
        }><rect x="${at.x}" y="${at.y}" width="${CLUSTER_WIDTH - 2 * PAD}" height="${NODE_HEIGHT}" rx="4"/><text x="${at.x + 8}" y="${
          at.y + 15
        }">${clip(label)}</text>${
          detail === "" ? "" : html`<text class="callsite" x="${at.x + 8}" y="${at.y + 29}">${clip(detail)}</text>`
        }<title>${label}${detail === "" ? "" : `\n${detail}`}${rdd.scope === undefined ? "" : `\nscope: ${rdd.scope}`}</title></g>`
      })
    }</g>`
  })
  const rddCount = sorted.reduce((n, c) => n + c.rdds.length, 0)
  return html`<svg class="dag" id="${id}" data-stages="${sorted.length}" data-rdds="${rddCount}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">
<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>
${clusterMarks}${stageEdges}${rddEdges}</svg>`
}
