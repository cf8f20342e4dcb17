/**
 * The Storage tab: the cached RDDs, their storage level, cached partitions
 * and memory and disk use. The status store gains cached RDDs with the
 * block-update events; until then the table is empty.
 *
 * Mirrors `org.apache.spark.ui.storage.StorageTab` and `StoragePage`.
 *
 * @since 0.1.0
 */
import { html } from "../html.js"
import type { SparkUIStores } from "../SparkUI.js"
import * as UIUtils from "../UIUtils.js"
import type { WebUITab } from "../WebUI.js"

/**
 * The Storage tab over the stores.
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
export const StorageTab = (_stores: SparkUIStores): WebUITab => ({
  prefix: "storage",
  name: "Storage",
  pages: [{
    prefix: "",
    render: () => ({
      title: "Storage",
      content: html`<h2>RDDs</h2>${
        UIUtils.table(
          "storage-rdds",
          ["ID", "RDD Name", "Storage Level", "Cached Partitions", "Fraction Cached", "Size in Memory", "Size on Disk"],
          [],
          "No RDDs are cached."
        )
      }`
    })
  }]
})
