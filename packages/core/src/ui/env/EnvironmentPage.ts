/**
 * The Environment tab: the runtime (Node's version and executable), the
 * application's configuration and the process's properties.
 *
 * Mirrors `org.apache.spark.ui.env.EnvironmentTab` and `EnvironmentPage`.
 *
 * @since 0.1.0
 */
import { html } from "../html.js"
import type { SparkUIStores } from "../SparkUI.js"
import * as UIUtils from "../UIUtils.js"
import type { WebUITab } from "../WebUI.js"

const pairs = (id: string, entries: ReadonlyArray<readonly [string, string]>) =>
  UIUtils.table(id, ["Name", "Value"], entries.map(([k, v]) => html`<tr data-name="${k}"><td>${k}</td><td>${v}</td></tr>`))

/**
 * The Environment tab over the stores.
 *
 * Mirrors `org.apache.spark.ui.env.EnvironmentTab`.
 *
 * **Example**
 * ```ts
 * ui.attachTab(EnvironmentTab(stores))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const EnvironmentTab = (stores: SparkUIStores): WebUITab => ({
  prefix: "environment",
  name: "Environment",
  pages: [{
    prefix: "",
    render: () => {
      const env = stores.environment()
      return {
        title: "Environment",
        content: html`<h2>Runtime Information</h2>${
          pairs("runtime", [["Node.js Version", env.runtime.nodeVersion], ["Node.js Executable", env.runtime.nodeExecPath], [
            "Platform",
            env.runtime.platform
          ]])
        }
<h2>Spark Properties</h2>${pairs("spark-properties", env.sparkProperties)}
<h2>System Properties</h2>${pairs("system-properties", env.systemProperties)}`
      }
    }
  }]
})
