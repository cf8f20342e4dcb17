/**
 * The browser harness: Debian's chromium, headless, opens a page served on
 * loopback, runs its script, and leaves a screenshot in test-artifacts/.
 */
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type HeadlessBrowser, launchHeadlessBrowser } from "../src/browser.js"

describe("launchHeadlessBrowser", () => {
  let browser: HeadlessBrowser
  let server: http.Server
  let url: string

  beforeAll(async () => {
    browser = await launchHeadlessBrowser("testkit")
    server = http.createServer((_, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8")
      res.end(`<!doctype html><title>t</title><p id="p">static</p><script>document.getElementById("p").textContent = "scripted"</script>`)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    server?.close()
  })

  it("opens a loopback page, runs its script and saves a screenshot", async () => {
    const page = await browser.open(url)
    expect(await page.textContent("#p")).toBe("scripted")
    const file = await browser.screenshot(page, "harness")
    expect(fs.statSync(file).size).toBeGreaterThan(100)
  })
})
