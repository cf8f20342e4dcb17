// The UI's static files: uPlot (a dependency of this package, read from its
// installed files at run time, so the UI works offline) and the UI's own
// stylesheet and page script.
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { uiScript } from "../../ui/static/uiScript.js"
import { uiStyle } from "../../ui/static/uiStyle.js"
import type { UIResponse } from "../../ui/WebUI.js"

const UPLOT_FILES: Readonly<Record<string, readonly [file: string, contentType: string]>> = {
  "uplot.iife.min.js": ["uPlot.iife.min.js", "text/javascript; charset=utf-8"],
  "uplot.min.css": ["uPlot.min.css", "text/css; charset=utf-8"]
}

const cache = new Map<string, UIResponse>()

const uplotFile = (name: string): UIResponse | undefined => {
  const entry = UPLOT_FILES[name]
  if (entry === undefined) return undefined
  const cached = cache.get(name)
  if (cached !== undefined) return cached
  const require = createRequire(import.meta.url)
  const dir = path.join(path.dirname(require.resolve("uplot/package.json")), "dist")
  const response: UIResponse = { status: 200, contentType: entry[1], body: fs.readFileSync(path.join(dir, entry[0])) }
  cache.set(name, response)
  return response
}

export const staticFile = (name: string): UIResponse => {
  if (name === "tspark-ui.js") return { status: 200, contentType: "text/javascript; charset=utf-8", body: uiScript }
  if (name === "tspark-ui.css") return { status: 200, contentType: "text/css; charset=utf-8", body: uiStyle }
  try {
    const file = uplotFile(name)
    if (file !== undefined) return file
  } catch (error) {
    return { status: 500, contentType: "text/plain; charset=utf-8", body: `uPlot is not installed beside @tspark/core: ${String(error)}` }
  }
  return { status: 404, contentType: "text/plain; charset=utf-8", body: `Not found: /static/${name}` }
}
