/**
 * The UI's stylesheet, served at `/static/tspark-ui.css`.
 *
 * Mirrors Spark's `webui.css`.
 *
 * @since 0.1.0
 */

/**
 * The stylesheet's text.
 *
 * @category constants
 * @since 0.1.0
 */
export const uiStyle = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; font-size: 14px; }
.navbar { display: flex; align-items: center; gap: 16px; background: #f4f4f4; border-bottom: 1px solid #ddd; padding: 0 16px; }
.brand { font-weight: 700; color: #e25a1c; font-size: 18px; }
.tabs { list-style: none; display: flex; margin: 0; padding: 0; }
.tabs li a { display: block; padding: 12px 14px; color: #333; text-decoration: none; }
.tabs li.active a { background: #fff; border-bottom: 2px solid #e25a1c; }
.app-name { margin-left: auto; color: #555; max-width: 40%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
main { padding: 8px 24px 32px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 24px; }
.summary { list-style: none; padding: 0; } .summary li { margin: 3px 0; }
table.table { border-collapse: collapse; width: 100%; margin: 8px 0; }
table.table th, table.table td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
table.table th { background: #f7f7f7; }
tr.empty td { color: #777; font-style: italic; }
.sub { color: #777; font-size: 12px; }
.failure { color: #b00; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; }
.progress { position: relative; height: 18px; background: #eee; border-radius: 3px; overflow: hidden; min-width: 140px; display: flex; }
.progress .bar { height: 100%; } .progress .completed { background: #a0dfff; } .progress .running { background: #d0efff; }
.progress-text { position: absolute; left: 0; right: 0; text-align: center; font-size: 12px; line-height: 18px; }
form.kill { display: inline; } .kill-link { background: none; border: none; color: #b00; cursor: pointer; padding: 0; }
svg.dag { background: #fafafa; border: 1px solid #eee; margin: 8px 0; }
svg.dag .stage-cluster > rect { fill: #fff4ec; stroke: #e25a1c; }
svg.dag .stage-cluster.status-skipped > rect, svg.dag .stage-cluster.status-pending > rect { fill: #f4f4f4; stroke: #aaa; }
svg.dag .rdd-node rect { fill: #c3ebff; stroke: #3ea2d8; }
svg.dag .rdd-node.cached rect { fill: #c6f0c6; stroke: #5cb85c; }
svg.dag .status-skipped .rdd-node rect { fill: #eee; stroke: #bbb; }
svg.dag text { font-size: 12px; fill: #333; }
svg.dag text.callsite { font-size: 10px; fill: #777; }
svg.dag .stage-edge, svg.dag .rdd-edge { fill: none; stroke: #444; stroke-width: 1.3; }
.charts { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 8px 16px; align-items: start; }
.chart { min-height: 180px; } .chart-title { font-weight: 600; margin: 12px 0 4px; }
`
