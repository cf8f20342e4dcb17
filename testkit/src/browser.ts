// Headless Chromium for the UI's browser tests: Debian's chromium driven by
// playwright-core (no browser download: this machine's network refuses it).
// A missing chromium fails the test loudly (findBinary), never skips it.
// Each launch gets a fresh, empty profile, removed at close, and the flags
// that keep Chromium from calling home (refused here, many at a time).
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { type BrowserContext, chromium, type Page } from "playwright-core"
import { findBinary } from "./binaries.js"

/** A running headless Chromium with a profile of its own. */
export interface HeadlessBrowser {
  readonly context: BrowserContext
  /** Opens a new page (a tab) at `url`, waiting for its load event. */
  readonly open: (url: string) => Promise<Page>
  /** Where screenshots of this run go: `test-artifacts/<suite>/` at the repository's root (ignored by git). */
  readonly artifactsDir: string
  /** Saves a full-page screenshot as `<artifactsDir>/<name>.png` and returns its path. */
  readonly screenshot: (page: Page, name: string) => Promise<string>
  readonly close: () => Promise<void>
}

const quietFlags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** The repository's root: the nearest ancestor of this module with a `.git` or an nx.json. */
const repositoryRoot = (): string => {
  let dir = path.dirname(new URL(import.meta.url).pathname)
  while (dir !== path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "nx.json"))) return dir
    dir = path.dirname(dir)
  }
  return process.cwd()
}

/**
 * Launches headless Chromium (`CHROMIUM_PATH` or `chromium` on the PATH) for
 * the suite `suite`; screenshots go to `test-artifacts/<suite>/`.
 */
export const launchHeadlessBrowser = async (suite: string): Promise<HeadlessBrowser> => {
  const executablePath = findBinary({
    name: "chromium",
    debianPackage: "chromium",
    neededBy: "The web UI's browser tests",
    envVar: "CHROMIUM_PATH"
  })
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-chromium-"))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    chromiumSandbox: false,
    args: quietFlags,
    viewport: { width: 1280, height: 900 }
  })
  const artifactsDir = path.join(repositoryRoot(), "test-artifacts", suite)
  fs.mkdirSync(artifactsDir, { recursive: true })
  return {
    context,
    artifactsDir,
    open: async (url) => {
      const page = await context.newPage()
      await page.goto(url, { waitUntil: "load" })
      return page
    },
    screenshot: async (page, name) => {
      const file = path.join(artifactsDir, `${name}.png`)
      await page.screenshot({ path: file, fullPage: true })
      return file
    },
    close: async () => {
      await context.close()
      fs.rmSync(profile, { recursive: true, force: true })
    }
  }
}
