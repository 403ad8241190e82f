// Opens an HTML report of campaign-lint in headless Chromium (driven by playwright-core)
// and prints, as one JSON object on stdout, what tests/report_html.rs checks: console
// messages and page errors, every request the page made, dialogs, the marks of every
// finding as laid out in the page and in the campaign's frame, the bars of the charts,
// and whether anything injected ran. Optionally takes a screenshot.
//
// usage: node inspect_report.js REPORT.html [SCREENSHOT.png]
// env: CAMPAIGN_LINT_PLAYWRIGHT (the playwright-core package directory),
//      CAMPAIGN_LINT_CHROMIUM (the browser), USER_DATA_DIR (a fresh profile directory)
"use strict";
const path = require("path");
const { chromium } = require(process.env.CAMPAIGN_LINT_PLAYWRIGHT);

async function main() {
  const [report, screenshot] = process.argv.slice(2);
  const url = "file://" + path.resolve(report);
  const context = await chromium.launchPersistentContext(process.env.USER_DATA_DIR, {
    executablePath: process.env.CAMPAIGN_LINT_CHROMIUM,
    headless: true,
    timeout: 0,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const result = { console: [], pageErrors: [], requests: [], dialogs: [], failed: [] };
  const page = context.pages()[0] || (await context.newPage());
  // A loaded machine is slow, not wrong: wait as long as it takes.
  page.setDefaultTimeout(0);
  page.on("console", (m) => result.console.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => result.pageErrors.push(String(e)));
  page.on("dialog", async (d) => { result.dialogs.push(d.message()); await d.dismiss(); });
  context.on("request", (r) => result.requests.push(r.url()));
  context.on("requestfailed", (r) => result.failed.push(r.url()));
  await page.goto(url, { waitUntil: "load" });
  // The frames load after the page; wait until every one has its document.
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll("iframe")).every(
      (f) => f.contentDocument && f.contentDocument.URL === "about:srcdoc" &&
        f.contentDocument.readyState === "complete"));
  result.url = url;
  result.page = await page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 &&
        el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    };
    const files = Array.from(document.querySelectorAll("section.file")).map((section) => {
      const frame = section.querySelector("iframe");
      const doc = frame && frame.contentDocument;
      const findings = Array.from(section.querySelectorAll(".finding")).map((li) => {
        const n = li.dataset.finding;
        const inFrame = doc ? Array.from(doc.querySelectorAll('[data-cl-mark="' + n + '"]')) : [];
        const targets = doc ? Array.from(doc.querySelectorAll('[data-cl-target~="' + n + '"]')) : [];
        const textMarks = Array.from(section.querySelectorAll('.tab[data-tab="text"] [data-cl-mark="' + n + '"]'));
        const headerMarks = Array.from(section.querySelectorAll('.headers [data-cl-mark="' + n + '"]'));
        return {
          number: Number(n),
          rule: li.dataset.rule,
          htmlMarks: Number(li.dataset.htmlMarks),
          textMarks: Number(li.dataset.textMarks),
          headerMarks: Number(li.dataset.headerMarks),
          frameBadges: inFrame.map((b) => ({ visible: visible(b), text: b.textContent, seen: b.dataset.clSeen })),
          notShown: li.querySelector(".not-shown") !== null,
          inboxBadges: section.querySelectorAll('.inbox [data-cl-mark="' + n + '"]').length,
          frameTargets: targets.map((t) => ({
            tag: t.hasAttribute("data-cl-image") ? "img" : t.tagName.toLowerCase(),
            text: t.tagName === "MARK" ? t.textContent.replace(/^\d+/, "") : null,
          })),
          textBadges: textMarks.length,
          headerBadges: headerMarks.length,
        };
      });
      return {
        id: section.id,
        title: section.querySelector("h2").firstChild.textContent.trim(),
        sandbox: frame ? frame.getAttribute("sandbox") : null,
        frameScripts: doc ? doc.querySelectorAll("script").length : 0,
        frameHandlers: doc ? Array.from(doc.querySelectorAll("*")).filter((e) =>
          Array.from(e.attributes).some((a) => a.name.startsWith("on"))).length : 0,
        frameWidth: frame ? frame.getBoundingClientRect().width : 0,
        findings,
      };
    });
    const charts = {};
    document.querySelectorAll("svg[data-chart]").forEach((svg) => {
      charts[svg.dataset.chart] = Array.from(svg.querySelectorAll("g.bar")).map((g) => ({
        label: g.dataset.label,
        value: Number(g.dataset.value),
        shown: g.querySelector("text.value").textContent,
        width: Number(g.querySelector("rect").getAttribute("width")),
      }));
    });
    const summary = {};
    document.querySelectorAll(".summary dd[data-key]").forEach((dd) => {
      summary[dd.dataset.key] = Number(dd.textContent);
    });
    return {
      title: document.title,
      scripts: document.querySelectorAll("script").length,
      handlers: Array.from(document.querySelectorAll("*")).filter((e) =>
        Array.from(e.attributes).some((a) => a.name.startsWith("on"))).length,
      pwned: window.pwned || null,
      bodyWidth: document.documentElement.scrollWidth,
      viewportWidth: window.innerWidth,
      index: Array.from(document.querySelectorAll(".index tbody tr")).map((tr) => ({
        href: tr.querySelector("a").getAttribute("href"),
        text: tr.querySelector("a").textContent,
        clean: tr.classList.contains("clean"),
      })),
      files,
      charts,
      summary,
    };
  });
  // Click the first finding with a mark in the frame: its mark must end up in view.
  result.click = await page.evaluate(async () => {
    const li = Array.from(document.querySelectorAll(".finding")).find((l) => Number(l.dataset.htmlMarks) > 0);
    if (!li) { return null; }
    window.scrollTo(0, document.documentElement.scrollHeight);
    li.querySelector(".jump").click();
    const frame = li.closest("section").querySelector("iframe");
    const mark = Array.from(frame.contentDocument.querySelectorAll('[data-cl-mark="' + li.dataset.finding + '"]'))
      .find((m) => m.getClientRects().length > 0 && m.checkVisibility({ checkVisibilityCSS: true }));
    if (!mark) { return { finding: Number(li.dataset.finding), markInView: false, noVisibleMark: true }; }
    const f = frame.getBoundingClientRect();
    const m = mark.getBoundingClientRect();
    const top = f.top + m.top;
    const back = document.getElementById("back");
    const shown = !back.hidden;
    back.click();
    const l = li.getBoundingClientRect();
    return {
      finding: Number(li.dataset.finding),
      markInView: top >= 0 && top + m.height <= window.innerHeight,
      backShown: shown,
      findingInView: l.top >= 0 && l.top < window.innerHeight,
    };
  });
  // Dark mode and print: the page's colours follow the system; printed, the buttons go
  // and every tab is shown.
  const looks = () => page.evaluate(() => {
    const style = (el) => (el ? getComputedStyle(el) : null);
    const tabs = document.querySelector(".tabs");
    const hiddenTab = document.querySelector(".tab[hidden]");
    return {
      background: style(document.body).backgroundColor,
      color: style(document.body).color,
      tabsShown: tabs ? style(tabs).display !== "none" : null,
      hiddenTabShown: hiddenTab ? style(hiddenTab).display !== "none" : null,
    };
  });
  result.looks = { light: await looks() };
  await page.emulateMedia({ colorScheme: "dark" });
  result.looks.dark = await looks();
  await page.emulateMedia({ colorScheme: "light", media: "print" });
  result.looks.print = await looks();
  await page.emulateMedia({ media: "screen" });
  result.pwnedAfter = await page.evaluate(() => window.pwned || null);
  result.titleAfter = await page.title();
  if (screenshot) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  await context.close();
  process.stdout.write(JSON.stringify(result));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + "\n");
  process.exit(1);
});
