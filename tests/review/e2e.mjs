// Drives a review page in headless Chromium as a new user would: open it, filter to doubtful
// units, reject one, edit one, accept one with the keyboard, reload (decisions survive in local
// storage), download the decisions file, and take a screenshot.
// Usage: node e2e.mjs PAGE.html DOWNLOAD_DIR SCREENSHOT.png   (prints a JSON result on stdout)
import { chromium } from "playwright-core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const [page_path, download_dir, shot] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "tilmash-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1280, height: 900 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const outside = [];
await context.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
  outside.push(url);
  return route.abort();
});
const errors = [];
const page = context.pages()[0] || (await context.newPage());
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
const url = "file://" + path.resolve(page_path);
await page.goto(url);

const total = await page.locator("article.unit").count();
await page.selectOption("#f-score", "low");
const scores = await page.locator("article.unit").evaluateAll((ns) => ns.map((n) => Number(n.dataset.score)));
if (scores.length < 2) throw new Error("fewer than two doubtful units: " + scores);
if (!scores.every((s) => s < 0.5)) throw new Error("score filter let through " + scores);

const units = page.locator("article.unit");
const rejected = await units.nth(0).getAttribute("data-id");
await units.nth(0).locator("button[data-act=rejected]").click();

// Second unit: keyboard navigation, then edit the target.
await page.keyboard.press("j");
const edited = await page.locator("article.unit.current").getAttribute("data-id");
if (edited === rejected) throw new Error("j did not move to the next unit");
await page.keyboard.press("e");
const area = page.locator("article.unit.current textarea[name=tgt]");
const edited_text = "Edited by the e2e test: " + (await area.inputValue()).slice(0, 40);
await area.fill(edited_text);
await area.press("Control+Enter");

// Accepting the edited unit keeps the edit (a reviewer confirming it must not lose the text).
await page.keyboard.press("a");

// A third unit, from the unfiltered list (the run may have only two doubtful units): accept it
// with the keyboard, then open its context.
await page.selectOption("#f-score", "all");
const ids = await page.locator("article.unit").evaluateAll((ns) => ns.map((n) => n.dataset.id));
const accepted = ids.find((id) => id !== rejected && id !== edited);
if (!accepted) throw new Error("fewer than three units: " + ids);
await page.locator(`article.unit[data-id="${accepted}"] .side`).first().click();
if ((await page.locator("article.unit.current").getAttribute("data-id")) !== accepted) throw new Error("click did not select the unit");
await page.keyboard.press("a");
await page.keyboard.press("c");
const context_lines = await page.locator("article.unit.current .context li").count();
await page.fill("#reviewer", "E2E Reviewer");

// The other filters: document, type and bead (all on top of the score filter).
const doc = await page.locator("#f-doc option").nth(1).getAttribute("value");
await page.selectOption("#f-score", "all");
await page.selectOption("#f-doc", doc);
const docs = await page.locator("article.unit").evaluateAll((ns) => ns.map((n) => n.dataset.docs));
if (!docs.length || !docs.every((d) => d.split(" ").includes(doc))) throw new Error("document filter: " + docs);
await page.selectOption("#f-doc", "all");
await page.selectOption("#f-bead", "1-1");
await page.selectOption("#f-type", "comparable");
const kinds = await page.locator("article.unit").evaluateAll((ns) => ns.map((n) => n.dataset.bead + " " + n.dataset.type));
if (!kinds.every((k) => k === "1-1 comparable")) throw new Error("bead/type filter: " + kinds);
await page.selectOption("#f-bead", "all");
await page.selectOption("#f-type", "all");
await page.selectOption("#f-state", "rejected");
const only = await page.locator("article.unit").evaluateAll((ns) => ns.map((n) => n.dataset.id));
if (only.length !== 1 || only[0] !== rejected) throw new Error("status filter: " + only);
await page.selectOption("#f-state", "all");

// Decisions survive a reload (local storage).
await page.reload();
const kept = await page.locator(`article.unit[data-id="${rejected}"] .state.rejected`).count();
if (kept !== 1) throw new Error("the rejection did not survive a reload");
await page.selectOption("#f-score", "low");
await page.locator(`article.unit[data-id="${edited}"]`).click();
await page.keyboard.press("c");
await page.evaluate(() => window.scrollTo(0, 0));
await page.screenshot({ path: shot });

const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
const saved = path.join(download_dir, download.suggestedFilename());
await download.saveAs(saved);
await context.close();
fs.rmSync(profile, { recursive: true, force: true });
console.log(JSON.stringify({ total, low: scores.length, rejected, edited, edited_text, accepted, context_lines, saved, outside, errors }));
