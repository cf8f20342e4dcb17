/**
 * The Storage tab: the cached RDDs (from the status store's block updates),
 * each with its storage level, cached partitions, fraction cached and
 * memory and disk use; and an RDD's page with its partitions, their sizes
 * and the executors holding them. An unpersisted RDD leaves the table.
 *
 * Mirrors `org.apache.spark.ui.storage.StorageTab`, `StoragePage` and `RDDPage`.
 *
 * @since 0.1.0
 */
import { html } from "../html.js"
import type { SparkUIStores } from "../SparkUI.js"
import * as UIUtils from "../UIUtils.js"
import { type PageContent, parseId, textResponse, type UIRequest, type UIResponse, type WebUITab } from "../WebUI.js"

const fraction = (cached: number, total: number) => `${total === 0 ? 0 : Math.round((cached / total) * 100)}%`

const storagePage = (stores: SparkUIStores) => (): PageContent => {
  const rdds = stores.appStatus.rddStorage()
  return {
    title: "Storage",
    content: html`<h2>RDDs (${rdds.length})</h2>${
      UIUtils.table(
        "storage-rdds",
        ["ID", "RDD Name", "Storage Level", "Cached Partitions", "Fraction Cached", "Size in Memory", "Size on Disk"],
        rdds.map((rdd) =>
          html`<tr data-rdd-id="${rdd.id}"><td>${rdd.id}</td><td><a href="/storage/rdd/?id=${rdd.id}">${rdd.name}</a></td><td>${rdd.storageLevel}</td><td>${rdd.numCachedPartitions}</td><td>${
            fraction(rdd.numCachedPartitions, rdd.numPartitions)
          }</td><td data-bytes="${rdd.memoryUsed}">${UIUtils.formatBytes(rdd.memoryUsed)}</td><td data-bytes="${rdd.diskUsed}">${
            UIUtils.formatBytes(rdd.diskUsed)
          }</td></tr>`
        ),
        "No RDDs are cached."
      )
    }`
  }
}

const rddPage = (stores: SparkUIStores) => (request: UIRequest): PageContent | UIResponse => {
  const raw = request.query.get("id")
  const rddId = parseId(raw)
  if (rddId === undefined) return textResponse(400, `Missing or invalid id parameter: ${raw ?? ""}`)
  const rdd = stores.appStatus.rdd(rddId)
  if (rdd === undefined || rdd.numCachedPartitions === 0) return textResponse(404, `RDD ${rddId} is not cached`)
  return {
    title: `RDD Storage Info for ${rdd.name}`,
    content: html`<ul class="summary" id="rdd-summary" data-rdd-id="${rdd.id}">
<li><strong>Storage Level:</strong> ${rdd.storageLevel}</li>
<li><strong>Cached Partitions:</strong> ${rdd.numCachedPartitions}</li>
<li><strong>Total Partitions:</strong> ${rdd.numPartitions}</li>
<li><strong>Memory Size:</strong> ${UIUtils.formatBytes(rdd.memoryUsed)}</li>
<li><strong>Disk Size:</strong> ${UIUtils.formatBytes(rdd.diskUsed)}</li></ul>
<h2>${rdd.numCachedPartitions} Partitions</h2>${
      UIUtils.table(
        "rdd-partitions",
        ["Block Name", "Storage Level", "Size in Memory", "Size on Disk", "Executors"],
        rdd.partitions.map((p) =>
          html`<tr data-block="${p.blockName}"><td>${p.blockName}</td><td>${p.storageLevel}</td><td>${
            UIUtils.formatBytes(p.memoryUsed)
          }</td><td>${UIUtils.formatBytes(p.diskUsed)}</td><td>${p.executors.join(", ")}</td></tr>`
        ),
        "No cached partitions."
      )
    }`
  }
}

/**
 * The Storage tab over the stores: `/storage/` and `/storage/rdd/?id=N`.
 *
 * Mirrors `org.apache.spark.ui.storage.StorageTab`.
 *
 * **Example**
 * ```ts
 * ui.attachTab(StorageTab(stores))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const StorageTab = (stores: SparkUIStores): WebUITab => ({
  prefix: "storage",
  name: "Storage",
  pages: [{ prefix: "", render: storagePage(stores) }, { prefix: "rdd", render: rddPage(stores) }]
})
