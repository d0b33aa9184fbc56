// The web console in Debian's headless Chromium (puppeteer-core), as a clerk and an auditor use
// it: sign in, the dashboard, a carrier and an award, both time controls moved, the amounts read
// from the DOM and compared with what `hatchery … --format json` answers at the same point, a
// carrier named with markup shown as text, the English toggle, sign-out. A screenshot of every
// page goes to $SHOTS. Run by tests/browser/run, which sets the environment below.
"use strict";
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const puppeteer = require("puppeteer-core");

const { HATCHERY, STORE, BASE, TOKEN, SHOTS, HOSTILE_CARRIER, HOSTILE_NAME } = process.env;

// The command line's answer, read from the store itself (not through the server).
function cli(...args) {
  const out = execFileSync(HATCHERY, [...args, "--data", STORE, "--format", "json"],
                           { encoding: "utf8", maxBuffer: 1 << 30 });
  return JSON.parse(out);
}

// Money as the console shows it in yuan: "1,234,567.89".
function yuan(fen) {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return sign + whole + "." + String(abs % 100).padStart(2, "0");
}

const problems = [];  // console errors, page errors and dialogs: there must be none
let shot = 0;

async function screenshot(page, name) {
  shot += 1;
  const file = path.join(SHOTS, String(shot).padStart(2, "0") + "-" + name + ".png");
  await page.screenshot({ path: file, fullPage: true });
}

async function step(name, fn) {
  await fn();
  console.log("ok - " + name);
}

// Navigates by a change made in the page (a control moved), waiting for the new page.
async function navigatedBy(page, action) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), action()]);
}

// The fen of every money cell of `view`'s table in the page, in row order.
async function fenOf(page, view, key) {
  return page.$$eval(`table[data-view="${view}"] td[data-key="${key}"]`,
                     (cells) => cells.map((c) => ({ fen: Number(c.dataset.fen), text: c.textContent })));
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--lang=zh-CN"],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(r.status() + " " + r.url()); });
  page.on("dialog", async (d) => { problems.push("dialog: " + d.message()); await d.dismiss(); });

  const entitlements = cli("query", "entitlements").rows;
  const award = entitlements.find((e) => e.amount_fen > 0 && e.history.length > 0);
  assert.ok(award, "the demo has an award");
  const carrier = award.carrier_id;
  const head = cli("query", "carriers", "--limit", "0").as_of_seq;

  await step("a page asks for sign-in, and the token signs in", async () => {
    await page.goto(BASE + "/");
    assert.match(page.url(), /\/sign-in\?next=%2F$/);
    await screenshot(page, "sign-in");
    await page.type("#token", TOKEN);
    await navigatedBy(page, () => page.click("#sign-in button"));
    assert.equal(page.url(), BASE + "/");
    assert.equal(await page.$eval("html", (h) => h.lang), "zh-CN");
  });

  await step("the dashboard's amounts due are the due list's", async () => {
    const due = cli("due", "--limit", "10");
    const shown = await page.$$eval("#due-payments td[data-fen]", (c) => c.map((x) => Number(x.dataset.fen)));
    assert.deepEqual(shown, due.payments.map((p) => p.due_fen));
    const verdict = await page.$eval("#checkpoint-verdict", (p) => p.textContent);
    assert.match(verdict, /验证通过/);
    assert.equal(await page.$eval("#as-of", (p) => Number(p.dataset.seq)), head);
    await screenshot(page, "dashboard");
  });

  const compareAwards = async (pointArgs) => {
    const want = cli("query", "entitlements", "--filter", "carrier_id=" + carrier, ...pointArgs).rows;
    const shown = await fenOf(page, "entitlements", "amount_fen");
    assert.deepEqual(shown.map((s) => s.fen), want.map((e) => e.amount_fen));
    assert.deepEqual(shown.map((s) => s.text), want.map((e) => yuan(e.amount_fen)));
    const disbursed = await fenOf(page, "entitlements", "disbursed_fen");
    assert.deepEqual(disbursed.map((s) => s.fen), want.map((e) => e.disbursed_fen));
    return want;
  };

  await step("a carrier's awards are the entitlements view's at the head", async () => {
    await page.goto(BASE + "/carriers/" + encodeURIComponent(carrier));
    const rows = await compareAwards([]);
    assert.ok(rows.length > 0);
    await screenshot(page, "carrier");
  });

  const before = award.history[0].seq - 1;  // known before the award was triggered
  await step("moving known-at shows the carrier as known then", async () => {
    await navigatedBy(page, () => page.$eval("#seq-slider", (s, seq) => {
      s.value = String(seq);
      s.dispatchEvent(new Event("input"));
      s.dispatchEvent(new Event("change"));
    }, before));
    assert.ok(page.url().includes("as_of_seq=" + before), page.url());
    assert.equal(await page.$eval("#as-of", (p) => Number(p.dataset.seq)), before);
    const rows = await compareAwards(["--as-of-seq", String(before)]);
    assert.ok(!rows.some((e) => e.entitlement_id === award.entitlement_id));
  });

  await step("moving effective-on cuts the business-time axis too", async () => {
    const date = award.triggered_on;  // the day the award was triggered: it is known then
    await navigatedBy(page, () => page.goto(BASE + "/carriers/" + encodeURIComponent(carrier)));
    const dayBefore = new Date(Date.parse(date) - 86400000).toISOString().slice(0, 10);
    await navigatedBy(page, () => page.$eval("#effective-on", (d, day) => {
      d.value = day;
      d.dispatchEvent(new Event("change"));
    }, dayBefore));
    assert.ok(page.url().includes("effective_on=" + dayBefore), page.url());
    const rows = await compareAwards(["--effective-on", dayBefore]);
    assert.ok(!rows.some((e) => e.entitlement_id === award.entitlement_id && e.status === "active" &&
                                e.triggered_on > dayBefore));
    // Both controls at once, as a link an auditor pastes.
    await page.goto(BASE + "/carriers/" + encodeURIComponent(carrier) + "?as_of_seq=" + head +
                    "&effective_on=" + date);
    await compareAwards(["--as-of-seq", String(head), "--effective-on", date]);
  });

  await step("an award's page is its explanation", async () => {
    await page.goto(BASE + "/awards/" + encodeURIComponent(award.entitlement_id));
    const x = cli("explain", award.entitlement_id);
    for (const key of ["amount_fen", "approved_fen", "disbursed_fen", "outstanding_fen"]) {
      const cell = await page.$eval(`#award dd[data-key="${key}"]`, (d) => ({ fen: Number(d.dataset.fen), text: d.textContent }));
      assert.equal(cell.fen, x.entitlement[key], key);
      assert.equal(cell.text, yuan(x.entitlement[key]), key);
    }
    await screenshot(page, "award");
    const twin = await page.goto(BASE + "/awards/" + encodeURIComponent(award.entitlement_id) + "?format=json");
    assert.deepEqual(await twin.json(), x);
  });

  await step("a carrier named with markup is shown as the text it is", async () => {
    await page.goto(BASE + "/carriers/" + encodeURIComponent(HOSTILE_CARRIER));
    assert.equal(await page.$eval("main h1", (h) => h.textContent), HOSTILE_NAME);
    assert.equal(await page.$eval('#profile dd[data-key="name"]', (d) => d.textContent), HOSTILE_NAME);
    assert.equal(await page.$$eval('img[src="x"]', (i) => i.length), 0);
    assert.equal(await page.$$eval("script", (s) => s.length), 1);  // the console's own
    await page.goto(BASE + "/carriers?search=script");
    assert.equal(await page.$$eval('img[src="x"]', (i) => i.length), 0);
    // A name with a control character is refused when it is recorded.
    const line = JSON.stringify({ command_id: "browser-test-escape", stream: "carrier/" + HOSTILE_CARRIER,
      type: "CarrierProfileAmended", effective_date: "2026-06-02",
      data: { carrier_id: HOSTILE_CARRIER, changes: { name: "a\u001b[2Jb" } } });
    assert.throws(() => execFileSync(HATCHERY, ["append", "--data", STORE, "-"], { input: line, stdio: "pipe" }));
  });

  await step("every page renders, in Chinese and in English", async () => {
    const pages = [["carriers", "/carriers"], ["awards", "/awards"], ["payouts", "/payouts"],
                   ["compliance", "/compliance"], ["indicators", "/indicators"],
                   ["assessment", "/assessment"], ["diff", "/diff?as_of_seq=" + before],
                   ["dashboard-en", "/?lang=en&unit=wan"]];
    for (const [name, target] of pages) {
      const response = await page.goto(BASE + target);
      assert.equal(response.status(), 200, target);
      await screenshot(page, name);
    }
    assert.equal(await page.$eval("html", (h) => h.lang), "en");
    assert.equal(await page.$eval('header nav a[href^="/?"]', (a) => a.textContent), "Dashboard");
    await page.emulateMediaType("print");
    await screenshot(page, "dashboard-print");
    await page.emulateMediaType("screen");
  });

  await step("sign-out ends the session", async () => {
    await page.goto(BASE + "/");
    await navigatedBy(page, () => page.click("header .who button"));
    assert.match(page.url(), /\/sign-in$/);
    await page.goto(BASE + "/carriers");
    assert.match(page.url(), /\/sign-in\?next=%2Fcarriers$/);
  });

  await browser.close();
  assert.deepEqual(problems, [], "no console errors, page errors or dialogs");
  console.log("all browser checks passed; screenshots in " + SHOTS);
}

main().catch((e) => {
  console.error("FAILED: " + (e && e.stack ? e.stack : e));
  if (problems.length) console.error("also: " + problems.join("\n"));
  process.exit(1);
});
