// End-to-end tests of the web pages in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core), against a server started by run.sh with `serve --demo` on a fresh
// database. Every page is checked with axe-core (WCAG 2.0–2.2 A and AA rules and best
// practices): no serious or critical violation may remain. Screenshots of the main pages are
// saved in $SCREENSHOT_DIR.
//
// Environment (set by run.sh): BASE_URL, SCREENSHOT_DIR, FOCAL_NAME, FOCAL_PASSWORD,
// SECRETARIAT_NAME, SECRETARIAT_PASSWORD, CHROMIUM (default /usr/bin/chromium), and
// README_SCREENSHOT (a path: the dashboard screenshot for the README is written there too).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const SHOTS = process.env.SCREENSHOT_DIR ?? 'screenshots-out';
const FOCAL = { name: process.env.FOCAL_NAME ?? 'e2e-hanoi', password: process.env.FOCAL_PASSWORD ?? '' };
const SECRETARIAT = {
  name: process.env.SECRETARIAT_NAME ?? 'e2e-secretariat',
  password: process.env.SECRETARIAT_PASSWORD ?? '',
};
const CAMBODIA = { name: process.env.CAMBODIA_NAME ?? 'e2e-phnompenh', password: process.env.CAMBODIA_PASSWORD ?? '' };
const PLAN = 'ascc-strategic-plan';
// The demo scenario's last date: figures as of it do not depend on the day the tests run.
const DEMO_DATE = '2026-09-30';

mkdirSync(SHOTS, { recursive: true });

let browser;
/** Every page checked by axe, with what it found (for the summary at the end). */
const axeResults = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // STACK.md pitfall 12: no sandbox as root, no GPU, and nothing that calls the network.
    // (Playwright starts every launch with a fresh, empty profile of its own: the
    // `--user-data-dir` of the pitfall.)
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  const pages = axeResults.length;
  const byImpact = {};
  for (const r of axeResults) {
    for (const v of r.violations) byImpact[v.impact] = (byImpact[v.impact] ?? 0) + 1;
  }
  const summary = { pages, byImpact, results: axeResults };
  writeFileSync(join(SHOTS, 'axe-summary.json'), JSON.stringify(summary, null, 2));
  const minor = axeResults
    .flatMap((r) => r.violations.map((v) => `${r.name}: ${v.id} (${v.impact}, ${v.nodes})`));
  console.log(`axe-core: ${pages} page states checked; violations by impact: ${JSON.stringify(byImpact)}`);
  for (const line of minor) console.log(`  ${line}`);
});

/** A new browser context: its own cookies; axe may be injected despite the page's CSP. */
async function newPage({ width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    bypassCSP: true,
    acceptDownloads: true,
    locale: 'en-GB',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A CSP violation (a script, a style or an image from elsewhere) shows here. A form
    // answered 422 is a page, not a failed resource.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    // Every stylesheet and image a page uses is served.
    if (r.request().resourceType() !== 'document' && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  page.problems = problems;
  return page;
}

/** Runs axe-core on the page; fails on any serious or critical violation. */
async function checkA11y(page, name) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  );
  const violations = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
  axeResults.push({ name, url: page.url(), violations });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${name}: serious or critical accessibility violations`);
}

/** Whether an image loads and decodes (a lazy one is loaded once scrolled to). */
async function imageLoads(locator) {
  return locator.evaluate((img) =>
    img
      .decode()
      .then(() => img.naturalWidth > 0)
      .catch(() => false),
  );
}

async function shot(page, name, options = {}) {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, ...options });
  return path;
}

async function login(page, { name, password }) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Account name').fill(name);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: 'Log in' }).click()]);
}

/** Viet Nam's row of a framework's member-state table on the dashboard. */
async function vietNamRow(page) {
  return page.locator(`#${PLAN} table`).first().locator('tr', { has: page.getByRole('link', { name: 'Viet Nam' }) }).innerText();
}

test('the dashboard shows every framework with figures, counts, rules and recent reports', async () => {
  const page = await newPage();
  const response = await page.goto(`${BASE}/?as_of=${DEMO_DATE}`);
  assert.equal(response.status(), 200);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'ASCC implementation dashboard' }).waitFor());
  for (const title of ['ASEAN Socio-Cultural Community Blueprint 2025', 'ASEAN Socio-Cultural Community Strategic Plan']) {
    await page.getByRole('heading', { level: 2, name: title }).waitFor();
  }
  const plan = page.locator(`#${PLAN}`);
  const text = await plan.innerText();
  assert.match(text, /Implementation rate\s+\d+\.\d%\s+\d+ of 112 applicable measures under way or done/);
  assert.match(text, /rule: regional/);
  for (const rule of ['all_states', 'mean_of_states', 'cells', 'regional']) assert.match(text, new RegExp(rule));
  assert.match(text, /Recently recorded/);
  assert.match(await page.locator('main').innerText(), /Illustrative demo data/);
  // The chart is drawn by the server and loads.
  const chart = plan.locator('figure img').first();
  await chart.scrollIntoViewIfNeeded();
  assert.ok(await imageLoads(chart), 'the comparison chart loads');
  assert.deepEqual(page.problems, []);
  await checkA11y(page, 'dashboard');
  await shot(page, 'dashboard-full');
  // The README's picture: the top of the page, the plan in force first.
  const readme = await shot(page, 'dashboard', { clip: { x: 0, y: 0, width: 1280, height: 1560 } });
  if (process.env.README_SCREENSHOT) {
    mkdirSync(dirname(process.env.README_SCREENSHOT), { recursive: true });
    copyFileSync(readme, process.env.README_SCREENSHOT);
  }
  // The print stylesheet hides the navigation and the forms.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header nav').isVisible(), false);
  assert.equal(await page.locator('form.filters').isVisible(), false);
  await shot(page, 'dashboard-print');
  await page.context().close();
});

test('the dashboard works on a phone, with a skip link and visible keyboard focus', async () => {
  const page = await newPage({ width: 390, height: 844 });
  await page.goto(`${BASE}/?as_of=${DEMO_DATE}`);
  // Nothing is wider than the screen but the tables, which scroll in their own region.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than a phone's screen`);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  assert.ok(await skip.evaluate((a) => a === document.activeElement), 'the first Tab reaches the skip link');
  const box = await skip.boundingBox();
  assert.ok(box && box.y >= 0, 'the focused skip link is on the screen');
  const outline = await skip.evaluate((a) => getComputedStyle(a).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await shot(page, 'dashboard-phone-focus', { fullPage: false });
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  await checkA11y(page, 'dashboard (phone)');
  await shot(page, 'dashboard-phone');
  await page.context().close();
});

test('browsing: a framework tree with rates at every node, a measure, a member state, a sectoral body', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/frameworks`);
  await checkA11y(page, 'browse');
  await page.getByRole('link', { name: 'ASEAN Socio-Cultural Community Strategic Plan' }).click();
  await page.getByRole('heading', { level: 1, name: 'ASEAN Socio-Cultural Community Strategic Plan' }).waitFor();
  // Viet Nam's figures at every node.
  await page.getByLabel('Figures for').selectOption('VNM');
  await page.getByLabel('As of').fill(DEMO_DATE);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('heading', { level: 2, name: /Viet Nam as of 2026-09-30/ }).waitFor();
  const tree = await page.locator('table').innerText();
  assert.match(tree, /goal\s+SG1 · /);
  assert.match(tree, /\d+\.\d% \d+ of \d+/);
  await checkA11y(page, 'framework tree');
  await shot(page, 'framework-tree');

  await page.locator('table a').first().click();
  await page.getByRole('heading', { level: 2, name: /Status in every scope/ }).waitFor();
  const scopes = await page.locator('table').first().innerText();
  for (const state of ['ASEAN (regional)', 'Viet Nam', 'Thailand', 'Timor-Leste']) assert.ok(scopes.includes(state), state);
  await page.getByRole('heading', { level: 2, name: 'History' }).waitFor();
  assert.match(await page.locator('main').innerText(), /Awaiting validation|Validated/);
  await checkA11y(page, 'measure');
  await shot(page, 'measure');

  await page.goto(`${BASE}/states/VNM?framework=${PLAN}&as_of=${DEMO_DATE}`);
  await page.getByRole('heading', { level: 2, name: 'Progress per goal' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'What is lagging' }).waitFor();
  assert.match(await page.locator('main').innerText(), /mean of the 11 participating member states/);
  await checkA11y(page, 'member state');
  await shot(page, 'member-state');

  await page.goto(`${BASE}/bodies/AMCA`);
  assert.match(await page.locator('main').innerText(), /ASEAN-Republic of Korea \(ROK\) Cultural Exchange Year 2017/);
  await checkA11y(page, 'sectoral body');
  await shot(page, 'sectoral-body');

  // A Blueprint measure lists the 2017 milestones of the element above it.
  await page.goto(`${BASE}/frameworks/ascc-blueprint-2025/measures/C.1.i?as_of=2025-12-31`);
  assert.match(await page.locator('main').innerText(), /Activities under the nodes above it/);
  await checkA11y(page, 'measure with activities');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a focal point logs in, records a status (errors next to the fields first) and sees the dashboard change', async () => {
  const page = await newPage();
  await login(page, FOCAL);
  await page.goto(`${BASE}/`);
  const before = await vietNamRow(page);

  await page.getByRole('link', { name: 'Record', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Record a status' }).waitFor();
  // A focal point is offered its own state only.
  const scopes = await page.getByLabel('Where it holds').locator('option').allInnerTexts();
  assert.deepEqual(scopes, ['Viet Nam (VNM)']);
  await checkA11y(page, 'record form');
  await shot(page, 'record-form');

  // Invalid: progress with `completed`, and no measure chosen. Nothing is stored.
  await page.getByLabel('Completed').check();
  await page.getByLabel('Progress (percent, optional)').fill('140');
  await page.getByRole('button', { name: 'Record status' }).click();
  await page.getByRole('heading', { name: /Nothing was recorded/ }).waitFor();
  assert.match(await page.locator('#measure-error').innerText(), /Choose a measure/);
  assert.match(await page.locator('#progress-error').innerText(), /whole number of percent from 0 to 100/);
  assert.equal(await page.getByLabel('Progress (percent, optional)').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'record form with errors');
  await shot(page, 'record-form-errors');

  // Valid: a measure of goal 1, completed, effective today.
  await page.getByLabel('Strategic measure').selectOption({ index: 1 });
  const measure = await page.getByLabel('Strategic measure').inputValue();
  await page.getByLabel('Progress (percent, optional)').fill('');
  await page.getByLabel('Completed').check();
  await page.getByLabel('Evidence link (optional)').fill('https://example.org/viet-nam/report-2026.pdf');
  await page.getByLabel('Note (optional)').fill('Recorded by the end-to-end test');
  await page.getByRole('button', { name: 'Record status' }).click();
  await page.getByRole('status').filter({ hasText: 'Recorded.' }).waitFor();
  assert.ok(page.url().includes(`/measures/${measure}?recorded=`), page.url());
  const history = await page.locator('#history-caption').locator('xpath=..').innerText();
  assert.match(history, new RegExp(`${FOCAL.name}[\\s\\S]*Viet Nam[\\s\\S]*Completed[\\s\\S]*Awaiting validation`));
  await shot(page, 'recorded');

  // The dashboard shows it: among the latest reports, and in Viet Nam's figures.
  await page.goto(`${BASE}/`);
  const recent = await page.locator(`#${PLAN}`).getByRole('table', { name: /latest reports/ }).innerText();
  assert.match(recent, new RegExp(`by ${FOCAL.name}[\\s\\S]*${measure.replace(/\./g, '\\.')}[\\s\\S]*Viet Nam[\\s\\S]*Completed`));
  const afterRow = await vietNamRow(page);
  assert.notEqual(afterRow, before, 'Viet Nam’s figures changed');
  await shot(page, 'dashboard-after-recording');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a focal point updates several measures at once in the grid, all or nothing', async () => {
  const page = await newPage();
  await login(page, FOCAL);
  await page.goto(`${BASE}/record/${PLAN}/grid`);
  await page.getByRole('heading', { level: 1, name: 'Update many measures: Viet Nam' }).waitFor();
  const selects = page.locator('select[name^="status."]');
  assert.ok((await selects.count()) > 100, 'every measure of the plan is a row');
  // A row with a percent but no status: refused, next to that row; the other row is not stored.
  await selects.nth(0).selectOption('ongoing');
  await page.locator('input[name^="progress."]').nth(0).fill('60');
  await page.locator('input[name^="progress."]').nth(1).fill('30');
  await page.getByRole('button', { name: 'Record these statuses' }).click();
  await page.getByRole('heading', { name: /Nothing was recorded/ }).waitFor();
  const rowError = page.locator('tr.invalid .error');
  assert.equal(await rowError.count(), 1);
  assert.match(await rowError.innerText(), /Choose a new status for this measure/);
  await checkA11y(page, 'grid with errors');
  await shot(page, 'grid-errors');
  // Fixed: both rows go in one bulk.
  await selects.nth(1).selectOption('ongoing');
  await page.getByRole('button', { name: 'Record these statuses' }).click();
  await page.getByRole('status').filter({ hasText: 'Recorded 2 reports.' }).waitFor();
  assert.match(await page.locator('tbody tr').nth(1).innerText(), /Ongoing \(60%\)/);
  await checkA11y(page, 'grid');
  await shot(page, 'grid');
  await page.context().close();
});

test('comparing two member states per goal: table and chart side by side, and a CSV download', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/compare`);
  await page.getByLabel('Framework').selectOption(PLAN);
  await page.getByLabel('As of').fill(DEMO_DATE);
  await page.getByLabel('Viet Nam (VNM)').check();
  await page.getByLabel('Thailand (THA)').check();
  await page.getByRole('button', { name: 'Compare' }).click();
  const table = page.getByRole('table', { name: /Member states compared/ });
  await table.waitFor();
  const rows = await table.locator('tbody').first().locator('tr').allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /Thailand/);
  assert.match(rows[1], /Viet Nam/);
  assert.match(await table.innerText(), /all_states[\s\S]*mean_of_states[\s\S]*cells[\s\S]*regional/);
  assert.ok(await imageLoads(page.locator('figure img')), 'the chart loads');
  await checkA11y(page, 'compare');
  await shot(page, 'compare');

  await page.getByLabel('Level').selectOption('goal');
  await page.getByRole('button', { name: 'Compare' }).click();
  const perGoal = page.getByRole('table', { name: /Implementation per goal/ });
  await perGoal.waitFor();
  assert.equal(await perGoal.locator('tbody tr').count(), 12);
  assert.ok(await imageLoads(page.locator('figure img')), 'the heat map loads');
  await checkA11y(page, 'compare per goal');
  await shot(page, 'compare-per-goal');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download these figures (CSV)' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(download.suggestedFilename(), /^compare-ascc-strategic-plan-2026-09-30-per-goal\.csv$/);
  assert.match(csv.split('\n')[0], /^framework,as_of,basis,level,node,node_title,row,rule,measures,applicable,completed/);
  assert.match(csv, /,THA,scope,/);
  assert.match(csv, /,VNM,scope,/);
  assert.match(csv, /SG12/);
  await page.context().close();
});

test('downloading a review report (PDF and CSV) from the reports page', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/reports`);
  await page.getByLabel('Framework').selectOption(PLAN);
  await page.getByLabel('As of').fill(DEMO_DATE);
  await checkA11y(page, 'reports');
  await shot(page, 'reports');
  await page.getByRole('radio', { name: /^PDF/ }).check();
  const [pdf] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the report' }).click(),
  ]);
  assert.equal(pdf.suggestedFilename(), `review-${PLAN}-${DEMO_DATE}.pdf`);
  const pdfBytes = readFileSync(await pdf.path());
  assert.equal(pdfBytes.subarray(0, 5).toString(), '%PDF-');
  // The report's outline (bookmarks) lists the indicators section.
  assert.match(pdfBytes.toString('latin1'), /\/Title\(\d+\s+Indicators\)/, 'the PDF has an Indicators section');
  await page.goto(`${BASE}/reports?framework=${PLAN}&as_of=${DEMO_DATE}`);
  await page.getByRole('radio', { name: /^CSV/ }).check();
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the report' }).click(),
  ]);
  assert.match(readFileSync(await csv.path(), 'utf8'), /completion_rate/);
  // An executive summary typed into the form goes first in the report (HTML opens here).
  await page.goto(`${BASE}/reports?framework=${PLAN}&as_of=${DEMO_DATE}`);
  await page.getByRole('radio', { name: /^HTML/ }).check();
  await page.getByLabel(/^Executive summary/).fill('## Our reading\n\nThe plan is **broadly on course**.');
  await Promise.all([
    page.waitForURL(`${BASE}/reports/download`),
    page.getByRole('button', { name: 'Download the report' }).click(),
  ]);
  await page.getByRole('heading', { name: 'Our reading' }).waitFor();
  assert.equal(await page.locator('strong', { hasText: 'broadly on course' }).count(), 1);
  // Over the limit: the form again, the problem at its top and beside the box, the text kept.
  await page.goto(`${BASE}/reports?framework=${PLAN}&as_of=${DEMO_DATE}`);
  const long = 'word '.repeat(13200);
  await page.getByLabel(/^Executive summary/).fill(long);
  await page.getByRole('button', { name: 'Download the report' }).click();
  await page.getByRole('alert').filter({ hasText: 'No report was made' }).waitFor();
  assert.equal((await page.getByLabel(/^Executive summary/).inputValue()).length, long.length);
  await checkA11y(page, 'reports, a summary over the limit');
  await page.context().close();
});

test('the review report in the browser: executive summary, annex A with all 112 measures, 11 profiles, at 1280 and 390 px', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const page = await newPage(viewport);
    await page.goto(`${BASE}/api/v1/frameworks/${PLAN}/report?as_of=${DEMO_DATE}`);
    await page.getByRole('heading', { level: 2, name: /Executive summary/ }).waitFor();
    const matrix = page.getByRole('table', { name: 'Status in force by measure and scope' });
    // One row header per measure (the group rows are row-group headers).
    assert.equal(await matrix.locator('tbody th[scope="row"]').count(), 112);
    assert.equal(await page.locator('article.profile').count(), 11);
    await page.locator('#profile-VNM').getByRole('heading', { name: /Viet Nam/ }).waitFor();
    // The symbols are spelled out for screen readers, "No report" in words of its own.
    const cells = new Set(await matrix.locator('td .sr').allTextContents());
    assert.ok(cells.has('No report') && cells.has('Ongoing') && cells.has('Completed'), [...cells].join(', '));
    await checkA11y(page, `review report ${viewport.width}`);
    await page.locator('#annex-a').scrollIntoViewIfNeeded();
    await shot(page, `review-annex-a-${viewport.width}`, { fullPage: false });
    await page.context().close();
  }
});

test('the login page, a wrong password, and the Secretariat choosing any scope', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/login`);
  await checkA11y(page, 'login');
  await shot(page, 'login');
  await page.getByLabel('Account name').fill(SECRETARIAT.name);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'wrong account name, password or second-factor code' }).waitFor();
  await checkA11y(page, 'login failed');
  await login(page, SECRETARIAT);
  await page.goto(`${BASE}/record?framework=${PLAN}`);
  const scopes = await page.getByLabel('Where it holds').locator('option').allInnerTexts();
  assert.equal(scopes[0], 'ASEAN (regional)');
  assert.equal(scopes.length, 12);
  await page.goto(`${BASE}/account`);
  await checkA11y(page, 'account');
  await page.getByRole('button', { name: 'Log out' }).first().click();
  await page.waitForURL(`${BASE}/login`);
  await page.context().close();
});

test('reporting rounds: who has submitted on the dashboard, the round and its matrix at 1280 and 390 px, "no report" apart', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const page = await newPage(viewport);
    const phone = viewport.width < 500;
    // The dashboard names the current round and each state's standing in words.
    await page.goto(`${BASE}/`);
    await page.getByRole('heading', { level: 3, name: 'Reporting round' }).first().waitFor();
    const main = await page.locator(`#${PLAN}`).innerText();
    assert.match(main, /Round 2026-Q4: statuses as of 31 December 2026, due 31 January 2027/);
    assert.match(main, /Completeness\s+27\.3%\s+3 of 11 expected member states submitted/);
    assert.match(main, /Viet Nam\s+✓ Submitted on time/);
    // Every round and the state × round matrix.
    await page.goto(`${BASE}/rounds/${PLAN}`);
    const matrix = await page.locator('table.matrix').innerText();
    assert.match(matrix, /Cambodia\s+KHM\s+✗ Missing\s+◔ Submitted late/);
    assert.match(matrix, /Myanmar\s+MMR\s+✓ Submitted on time\s+✗ Missing/);
    await checkA11y(page, `rounds${phone ? ' (phone)' : ''}`);
    let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the rounds page is ${overflow}px wider than the screen`);
    await shot(page, `rounds${phone ? '-phone' : ''}`);
    // One past round: who was late, who is missing, the coverage of each state.
    await page.getByRole('link', { name: '2026-Q3' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Reporting round 2026-Q3' }).waitFor();
    const round = await page.locator('main').innerText();
    assert.match(round, /The due date has passed/);
    assert.match(round, /Timeliness\s+81\.8%\s+9 of 11 submitted on time \(1 late\)/);
    assert.match(round, /Myanmar\s+MMR\s+✗ Missing/);
    await checkA11y(page, `round${phone ? ' (phone)' : ''}`);
    overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the round page is ${overflow}px wider than the screen`);
    await shot(page, `round${phone ? '-phone' : ''}`);
    // A state that never reported a measure: "No report", not "Not started".
    await page.goto(`${BASE}/frameworks/${PLAN}/measures/1.1.2`);
    const scopes = await page.locator('table').first().innerText();
    for (const state of ['Brunei Darussalam', 'Myanmar', 'Singapore']) {
      assert.match(scopes, new RegExp(`${state}\\s+\\w{3}\\s+No report`), state);
    }
    await checkA11y(page, `measure with no report${phone ? ' (phone)' : ''}`);
    overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the measure page is ${overflow}px wider than the screen`);
    // The state page lists its rounds.
    await page.goto(`${BASE}/states/KHM?framework=${PLAN}`);
    const state = await page.locator('main').innerText();
    assert.match(state, /2026-Q2\s+2026-06-30\s+2026-07-31\s+✗ Missing/);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('indicators: the dashboard class counts, the list filtered by scope and class, an indicator page, at 1280 and 390 px', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const tag = viewport.width < 500 ? '-phone' : '';
    const page = await newPage(viewport);
    await page.goto(`${BASE}/?as_of=2030-12-31`);
    await page.getByRole('table', { name: /indicators by progress class/ }).waitFor();
    const snapshot = page.locator('img[src*="indicator-snapshot.svg"]');
    await snapshot.scrollIntoViewIfNeeded();
    assert.ok(await imageLoads(snapshot), 'the goal snapshot chart loads');
    await checkA11y(page, `dashboard indicator classes${tag}`);
    await page.goto(`${BASE}/frameworks/${PLAN}/indicators?as_of=2030-12-31`);
    await page.getByLabel('Figures for').selectOption('VNM');
    await page.getByLabel('Class').selectOption('regressing');
    await page.getByRole('button', { name: 'Show' }).click();
    const list = page.getByRole('table', { name: /indicators in Viet Nam/ });
    await list.waitFor();
    const rows = await list.locator('tbody tr').allInnerTexts();
    assert.ok(rows.length > 0, 'Viet Nam has regressing indicators in the demo as of 2030');
    for (const r of rows) assert.match(r, /Regressing/);
    const matrix = page.locator('img[src*="indicator-classes.svg"]');
    await matrix.scrollIntoViewIfNeeded();
    assert.ok(await imageLoads(matrix), 'the class matrix loads');
    await checkA11y(page, `indicator list${tag}`);
    await shot(page, `indicators${tag}`);
    await list.locator('tbody a').first().click();
    await page.getByRole('heading', { level: 2, name: 'Class in every scope' }).waitFor();
    await page.getByRole('heading', { level: 2, name: /Trend in Viet Nam/ }).waitFor();
    const trend = page.locator('img[src*="trend.svg"]');
    await trend.scrollIntoViewIfNeeded();
    assert.ok(await imageLoads(trend), 'the trend chart loads');
    await checkA11y(page, `indicator page${tag}`);
    await shot(page, `indicator${tag}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the indicator page is ${overflow}px wider than the screen`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('no page is wider than a 390 px phone, the grid included', async () => {
  const page = await newPage({ width: 390, height: 844 });
  const pages = [
    `/?as_of=${DEMO_DATE}`,
    '/frameworks',
    `/frameworks/${PLAN}?as_of=${DEMO_DATE}`,
    `/frameworks/${PLAN}?scope=VNM&as_of=${DEMO_DATE}`,
    `/frameworks/${PLAN}/measures/1.1.1?as_of=${DEMO_DATE}`,
    '/states',
    `/states/VNM?framework=${PLAN}&as_of=${DEMO_DATE}`,
    `/states/VNM?framework=${PLAN}&as_of=2030-12-31`,
    `/frameworks/${PLAN}/indicators?as_of=2030-12-31`,
    `/frameworks/${PLAN}/indicators?scope=VNM&class=regressing&as_of=2030-12-31`,
    `/frameworks/${PLAN}/indicators/DEMO-SG1-1?as_of=2030-12-31&trend=VNM`,
    '/?as_of=2030-12-31',
    '/bodies',
    '/bodies/AMCA',
    `/rounds/${PLAN}`,
    `/compare?framework=${PLAN}&as_of=${DEMO_DATE}`,
    `/compare?framework=${PLAN}&level=goal&as_of=${DEMO_DATE}`,
    '/reports',
    '/claims',
    `/editions?framework=${PLAN}`,
    `/export?framework=${PLAN}`,
    '/login',
  ];
  const check = async (path) => {
    await page.goto(`${BASE}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${path} is ${overflow}px wider than a phone's screen`);
  };
  for (const path of pages) await check(path);
  await login(page, FOCAL);
  for (const path of ['/record', `/record/${PLAN}/grid`, `/record/${PLAN}/observations`, '/import', '/account', '/me']) await check(path);
  await shot(page, 'grid-phone', { fullPage: false });
  await page.goto(`${BASE}/record/${PLAN}/observations`);
  await checkA11y(page, 'observation grid at 390 px');
  await shot(page, 'observation-grid-phone', { fullPage: false });
  await page.context().close();
});

test('every state per goal at 1280 px: the table without sideways scrolling, the heat map at a readable size', async () => {
  const page = await newPage({ width: 1280, height: 900 });
  await page.goto(`${BASE}/compare?framework=${PLAN}&level=goal&as_of=${DEMO_DATE}`);
  const perGoal = page.getByRole('table', { name: /Implementation per goal/ });
  await perGoal.waitFor();
  const columns = await perGoal.locator('thead th.state-col').allInnerTexts();
  assert.deepEqual(
    columns.map((c) => c.replace(/\s+/g, ' ').trim()),
    ['Brunei Darussalam', 'Cambodia', 'Indonesia', 'Lao PDR', 'Malaysia', 'Myanmar', 'Philippines', 'Singapore', 'Thailand', 'Timor-Leste', 'Viet Nam'],
  );
  const wrap = await perGoal.evaluate((t) => {
    const region = t.closest('.table-wrap');
    return { scroll: region.scrollWidth, client: region.clientWidth };
  });
  assert.ok(wrap.scroll <= wrap.client + 1, `the table scrolls sideways: ${wrap.scroll}px in ${wrap.client}px`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
  const heatMap = page.locator('figure.chart img');
  assert.ok(await imageLoads(heatMap), 'the heat map loads');
  const width = await heatMap.evaluate((img) => img.getBoundingClientRect().width);
  // The chart is drawn 1000 px wide: shown at 90 % or more, its labels stay readable.
  assert.ok(width >= 900, `the heat map is shown ${width}px wide`);
  await checkA11y(page, 'compare per goal, every state');
  await shot(page, 'compare-per-goal-all-states');
  await page.context().close();
});

test('the review desk: an officer validates three reports and returns one, at 1280 and 390 px', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const page = await newPage(viewport);
    const phone = viewport.width < 500;
    await login(page, SECRETARIAT);
    await page.getByRole('link', { name: 'Review', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Review desk' }).waitFor();
    await page.getByLabel('Framework').selectOption(PLAN);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.searchParams.get('framework') === PLAN);
    await checkA11y(page, `review desk${phone ? ' (phone)' : ''}`);
    let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the review desk is ${overflow}px wider than the screen`);
    await shot(page, `review-desk${phone ? '-phone' : ''}`);

    // Validating without stating the evidence was checked is refused, next to the box.
    const boxes = page.locator('input[name="id"]');
    const ids = await boxes.evaluateAll((inputs) => inputs.slice(0, 4).map((i) => i.value));
    assert.equal(ids.length, 4, 'four reports wait in the demo');
    for (const id of ids.slice(0, 3)) await page.locator(`#id-${id}`).check();
    await page.getByRole('button', { name: 'Validate the ticked reports' }).click();
    await page.locator('#evidence_checked-error').waitFor();
    await checkA11y(page, `review desk refused${phone ? ' (phone)' : ''}`);
    // The ticks are kept: state the evidence was checked and validate the three.
    await page.getByLabel('I checked the evidence of every ticked report').check();
    await page.getByRole('button', { name: 'Validate the ticked reports' }).click();
    await page.getByRole('status').filter({ hasText: '3 validated.' }).waitFor();
    for (const id of ids.slice(0, 3)) assert.equal(await page.locator(`#id-${id}`).count(), 0, `report ${id} left the queue`);

    // Return the fourth with a reason.
    await page.locator(`#id-${ids[3]}`).check();
    await page.getByLabel('Reason for returning them').fill('The evidence link does not open; please attach the decree.');
    await page.getByRole('button', { name: 'Return the ticked reports' }).click();
    await page.getByRole('status').filter({ hasText: '1 returned to their focal points.' }).waitFor();
    await checkA11y(page, `review desk decided${phone ? ' (phone)' : ''}`);
    overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the review desk is ${overflow}px wider than the screen after deciding`);

    // The locks page, from the desk.
    await page.getByRole('link', { name: 'Review cut-offs (locks)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Review cut-offs' }).waitFor();
    await checkA11y(page, `review locks${phone ? ' (phone)' : ''}`);
    overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the locks page is ${overflow}px wider than the screen`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('importing: the officer downloads the pre-filled template, uploads it with one bad row, sees the error, fixes it and imports, at 1280 and 390 px', async () => {
  // A day every framework date check accepts: today in UTC (never after the server's today).
  const today = new Date().toISOString().slice(0, 10);
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const page = await newPage(viewport);
    const phone = viewport.width < 500;
    const overflow = async (what) => {
      const px = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(px <= 1, `${what} is ${px}px wider than the screen`);
    };
    await login(page, SECRETARIAT);
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Import status from a file' }).waitFor();
    await page.getByRole('combobox', { name: 'Framework' }).selectOption(PLAN);
    await page.getByRole('button', { name: 'Change framework' }).click();
    await page.waitForURL((u) => u.searchParams.get('framework') === PLAN);
    await checkA11y(page, `import${phone ? ' (phone)' : ''}`);
    await overflow('the import page');

    // The template of Viet Nam, pre-filled (the default), as CSV.
    await page.getByLabel('Scope').selectOption('VNM');
    await page.getByRole('radio', { name: 'CSV' }).check();
    assert.ok(await page.getByLabel('Pre-filled with the statuses in force today').isChecked());
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the template' }).click(),
    ]);
    assert.match(download.suggestedFilename(), new RegExp(`^${PLAN}-template-VNM-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const lines = readFileSync(await download.path(), 'utf8').split('\n');
    assert.match(lines[0], /^framework,measure,scope,status,progress,effective_date,note,evidence_url,measure_title/);
    // Two measures Viet Nam has no report of (their rows are empty; the first round's are
    // filled in the second's template).
    const empty = lines
      .map((line, at) => ({ line, at }))
      .filter(({ line }) => line.startsWith(`${PLAN},`) && /^[^,]*,[^,]*,VNM,,,,,,/.test(line));
    assert.ok(empty.length >= 2, 'measures without a report in Viet Nam');
    const [first, second] = empty;
    const measure = (row) => row.line.split(',')[1];
    const fill = (status) => {
      const out = [...lines];
      out[first.at] = `${PLAN},${measure(first)},VNM,ongoing,30,${today},e2e import,https://asean.org/e2e`;
      out[second.at] = `${PLAN},${measure(second)},VNM,${status},,${today},,`;
      return Buffer.from(out.join('\n'));
    };
    const upload = async (status) => {
      await page.getByLabel(/^Status file/).setInputFiles({ name: 'vnm.csv', mimeType: 'text/csv', buffer: fill(status) });
      await page.getByRole('button', { name: 'Check the file' }).click();
    };

    // One bad row: the error by line and column, in the summary and the table; nothing stored.
    await upload('Done');
    const problems = page.getByRole('table', { name: /problem/ });
    await problems.waitFor();
    const rows = await problems.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 1);
    assert.match(rows[0], new RegExp(`^${second.at + 1}\\s+status\\s+“done” is not a status`));
    await page.locator('.error-summary').getByRole('link', { name: new RegExp(`Line ${second.at + 1}, column status`) }).waitFor();
    await checkA11y(page, `import refused${phone ? ' (phone)' : ''}`);
    await overflow('the refused import');
    await shot(page, `import-refused${phone ? '-phone' : ''}`);

    // Fixed: what would be stored, then confirmed.
    await upload('completed');
    await page.getByRole('heading', { name: 'vnm.csv is ready to import' }).waitFor();
    assert.match(await page.getByRole('table', { name: /What importing vnm.csv would store/ }).innerText(), /Viet Nam\s+2/);
    await checkA11y(page, `import checked${phone ? ' (phone)' : ''}`);
    await overflow('the checked import');
    await shot(page, `import-checked${phone ? '-phone' : ''}`);
    await page.getByRole('button', { name: 'Import 2 reports' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported vnm.csv: 2 reports stored (validated on entry)' }).waitFor();
    await checkA11y(page, `import done${phone ? ' (phone)' : ''}`);

    // The measure's page shows the imported status.
    await page.goto(`${BASE}/frameworks/${PLAN}/measures/${measure(first)}`);
    assert.match(await page.locator('main').innerText(), /e2e import/);

    // The export page, for the same officer.
    await page.getByRole('link', { name: 'Export', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Export to a spreadsheet' }).waitFor();
    await checkA11y(page, `export${phone ? ' (phone)' : ''}`);
    await overflow('the export page');
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    assert.match(xlsx.suggestedFilename(), /-status-\d{4}-\d{2}-\d{2}\.xlsx$/);
    assert.equal(readFileSync(await xlsx.path()).subarray(0, 2).toString(), 'PK');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('the review cycle in the browser: the officer returns a report, the focal point sees it on /me, corrects it and submits the round', async () => {
  // The officer returns Cambodia's oldest waiting report from the desk.
  const officer = await newPage();
  await login(officer, SECRETARIAT);
  assert.equal(new URL(officer.url()).pathname, '/review', 'an officer lands on the review desk');
  await officer.goto(`${BASE}/review?framework=${PLAN}&state=KHM`);
  const id = await officer.locator('input[name="id"]').first().inputValue();
  await officer.locator(`#id-${id}`).check();
  const reason = 'Please attach the signed decree.';
  await officer.getByLabel('Reason for returning them').fill(reason);
  await officer.getByRole('button', { name: 'Return the ticked reports' }).click();
  await officer.getByRole('status').filter({ hasText: '1 returned to their focal points.' }).waitFor();
  await officer.context().close();

  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const phone = viewport.width < 500;
    const focal = await newPage(viewport);
    await login(focal, CAMBODIA);
    assert.equal(new URL(focal.url()).pathname, '/me', 'a focal point lands on its tasks');
    await focal.getByRole('heading', { level: 1, name: 'My tasks: Cambodia' }).waitFor();
    await checkA11y(focal, `my tasks${phone ? ' (phone)' : ''}`);
    const overflow = await focal.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `/me is ${overflow}px wider than the screen`);
    await shot(focal, `my-tasks${phone ? '-phone' : ''}`);
    if (phone) {
      await focal.context().close();
      continue;
    }
    const returned = focal.getByRole('table', { name: /Reports the Secretariat returned/ });
    assert.match(await returned.innerText(), /Please attach the signed decree\./);
    assert.match(await focal.locator('ul.notices').innerText(), new RegExp(`Report ${id} on measure .* was returned`));

    // Correct it: the form opens with the report's values; change the note and record.
    await returned.getByRole('link', { name: /^Correct/ }).first().click();
    await focal.getByRole('heading', { level: 1 }).waitFor();
    const date = await focal.getByLabel('Effective from').inputValue();
    assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
    assert.notEqual(date, new Date().toISOString().slice(0, 10), "the returned report's date, not today");
    await focal.getByLabel(/^Note/).fill('The signed decree is attached.');
    await focal.getByLabel(/^Evidence link/).fill('https://example.org/khm/decree-signed.pdf');
    await focal.getByRole('button', { name: 'Record status' }).click();
    await focal.getByRole('status').filter({ hasText: 'Recorded.' }).waitFor();

    await focal.getByRole('link', { name: 'My tasks' }).click();
    await focal.getByRole('heading', { level: 3, name: /Returned to you \(0\)/ }).waitFor();
    await focal.getByRole('button', { name: 'Submit round 2026-Q4 for Cambodia' }).click();
    await focal.getByRole('status').filter({ hasText: 'Round 2026-Q4 submitted:' }).waitFor();
    assert.match(await focal.locator('main').innerText(), /Your round: ✓ Submitted on time/);
    await checkA11y(focal, 'my tasks, round submitted');
    await shot(focal, 'my-tasks-submitted');
    assert.deepEqual(focal.problems, []);
    await focal.context().close();
  }

  // The officer accepts Cambodia's submission from the desk, at phone width.
  const desk = await newPage({ width: 390, height: 844 });
  await login(desk, SECRETARIAT);
  await desk.goto(`${BASE}/review?framework=${PLAN}`);
  await desk.getByRole('button', { name: 'Accept round 2026-Q4 of Cambodia' }).click();
  await desk.getByRole('status').filter({ hasText: 'Round 2026-Q4 of Cambodia accepted.' }).waitFor();
  await checkA11y(desk, 'review desk, a submission accepted (phone)');
  const overflow = await desk.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the desk is ${overflow}px wider than the screen`);
  await shot(desk, 'review-desk-submission-accepted-phone');

  // The round reviewed, the officer locks the period it covers (the last step of the cycle).
  await desk.goto(`${BASE}/review/locks?framework=${PLAN}`);
  await desk.getByLabel('Up to (and including)').fill('2026-09-30');
  await desk.getByLabel(/^Note/).fill('Round 2026-Q3 reviewed.');
  await desk.getByRole('button', { name: 'Lock', exact: true }).click();
  await desk.getByRole('status').filter({ hasText: 'The framework is locked.' }).waitFor();
  assert.match(await desk.getByRole('table').first().innerText(), /Round 2026-Q3 reviewed\./);
  await checkA11y(desk, 'review locks, locked (phone)');
  assert.deepEqual(desk.problems, []);
  await desk.context().close();
});

/** Cambodia's row of an indicator page's "class in every scope" table. */
async function cambodiaClass(page, code) {
  await page.goto(`${BASE}/frameworks/${PLAN}/indicators/${code}`);
  const table = page.getByRole('table', { name: /in ASEAN and in each participating member state/ });
  return table.locator('tr', { has: page.getByRole('link', { name: 'Cambodia' }) }).innerText();
}

test('a focal point enters a year of indicator values in the grid: a bad row refused with nothing stored, then the indicator page changes', async () => {
  const page = await newPage();
  await login(page, CAMBODIA);
  const before = await cambodiaClass(page, 'DEMO-SG1-1');
  assert.match(before, /79\.4% \(2026\)/, 'the demo value of 2026');
  assert.match(before, /Insufficient data/);
  const otherBefore = await cambodiaClass(page, 'DEMO-SG2-1');
  // The class matrix (every indicator × ASEAN and each state) as drawn: count its "achieved" cells.
  const achievedCells = async () => {
    const svg = await (await page.request.get(`${BASE}/frameworks/${PLAN}/indicator-classes.svg`)).text();
    return svg.split('>\nACH\n<').length - 1;
  };
  const achievedBefore = await achievedCells();

  // The grid of Cambodia's indicators for 2026, reached from "My tasks".
  await page.goto(`${BASE}/me`);
  await page.getByRole('link', { name: /^Enter Cambodia's indicator values: .*Strategic Plan/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Indicator values for 2026: Cambodia' }).waitFor();
  await checkA11y(page, 'indicator values grid');
  await page.getByLabel('New value of DEMO-SG1-1 for 2026, in %').fill('140');
  await page.getByLabel('New value of DEMO-SG2-1 for 2026, in %').fill('52.5');
  await page.getByLabel('Source of DEMO-SG2-1').fill('National statistics office, 2026 survey');
  await page.getByRole('button', { name: 'Record the values for 2026' }).click();
  const summary = page.getByRole('alert');
  await summary.waitFor();
  assert.match(await summary.innerText(), /Nothing was recorded/);
  const bad = page.getByLabel('New value of DEMO-SG1-1 for 2026, in %');
  assert.equal(await bad.getAttribute('aria-invalid'), 'true');
  assert.equal(await bad.inputValue(), '140', 'the values typed are kept');
  await checkA11y(page, 'indicator values grid, a bad row');
  await shot(page, 'indicator-grid-error');
  // Nothing of the refused form was stored: the other row's indicator is as it was.
  const check = await newPage();
  await login(check, CAMBODIA);
  assert.equal(await cambodiaClass(check, 'DEMO-SG2-1'), otherBefore);
  await check.context().close();

  // Fixed: the target (93.1%) is met in 2026.
  await bad.fill('95');
  await page.getByRole('button', { name: 'Record the values for 2026' }).click();
  await page.getByRole('status').filter({ hasText: 'Recorded 2 values for 2026' }).waitFor();
  await shot(page, 'indicator-grid-recorded');

  const after = await cambodiaClass(page, 'DEMO-SG1-1');
  assert.match(after, /95\.0% \(2026\)/);
  assert.match(after, /Achieved/);
  assert.match(await cambodiaClass(page, 'DEMO-SG2-1'), /52\.5% \(2026\)/);
  await shot(page, 'indicator-after-grid');
  assert.equal(await achievedCells(), achievedBefore + 1, "the class matrix shows Cambodia's new achieved cell");
  await page.goto(`${BASE}/frameworks/${PLAN}/indicators`);
  const matrix = page.locator('img[src*="indicator-classes.svg"]');
  await matrix.scrollIntoViewIfNeeded();
  assert.ok(await imageLoads(matrix));
  await shot(page, 'indicators-after-grid');
  // The class in the list of Cambodia's indicators changed too.
  await page.goto(`${BASE}/frameworks/${PLAN}/indicators?scope=KHM`);
  const row = page.getByRole('table', { name: /indicators in Cambodia/ }).locator('tr', { has: page.getByRole('link', { name: 'DEMO-SG1-1' }) });
  assert.match(await row.innerText(), /Achieved/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the Secretariat freezes an edition, a late correction follows, the edition still downloads the same bytes', async () => {
  const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
  const title = `Edition of the end-to-end test ${Date.now()}`;
  // After the period the review-cycle test locks (up to 2026-09-30), so that a back-dated
  // correction needs no override.
  const asOf = '2026-10-31';
  const effective = '2026-10-15';
  let editionPath = '';
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const px = viewport.width;
    const page = await newPage(viewport);
    await login(page, SECRETARIAT);

    // The claims register: the Blueprint's 100% cannot be verified, its measure list is incomplete.
    await page.getByRole('link', { name: 'Claims', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Published figures checked' }).waitFor();
    const claim = await page.locator('#claim-1').innerText();
    assert.match(claim, /100% of strategic measures have been implemented/);
    assert.match(claim, /Measure list incomplete/);
    assert.match(claim, /the tracker knows 9 measures/);
    assert.match(claim, /Unverifiable/);
    assert.match(claim, /on the measures known, 100\.0% is reproduced by the regional statuses \(regional\)/);
    for (const code of ['regional', 'all_states', 'mean_of_states', 'cells']) {
      assert.ok(await page.locator('#claim-1 table').getByText(code, { exact: true }).count() === 1, code);
    }
    const source = page.locator('#claim-1 .source a');
    assert.match(await source.getAttribute('rel'), /noopener/);
    await checkA11y(page, `claims at ${px} px`);
    await shot(page, `claims-${px}`);
    if (px === 390) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `/claims is ${overflow}px wider than a phone's screen`);
    }

    if (px === 1280) {
      // Freeze an edition of the Strategic Plan: a bad form first (nothing stored), then a good one.
      await page.getByRole('link', { name: 'Editions', exact: true }).click();
      await page.getByRole('combobox', { name: 'Framework' }).selectOption(PLAN);
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByRole('heading', { name: 'Freeze an edition' }).waitFor();
      await page.getByLabel('Title').fill('');
      await page.getByLabel('As of').fill('2040-01-01');
      await page.getByRole('button', { name: 'Freeze the edition' }).click();
      await page.getByRole('heading', { name: /Nothing was recorded/ }).waitFor();
      assert.match(await page.locator('#title-error').innerText(), /Give the edition a title/);
      assert.match(await page.locator('#as_of-error').innerText(), /outside the framework.s period/);
      await checkA11y(page, 'editions form with errors');
      await shot(page, 'editions-errors');
      await page.getByLabel('Title').fill(title);
      await page.getByLabel('As of').fill(asOf);
      await Promise.all([
        page.waitForURL(/\/editions\/\d+$/),
        page.getByRole('button', { name: 'Freeze the edition' }).click(),
      ]);
      editionPath = new URL(page.url()).pathname;
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      assert.match(await page.locator('main').innerText(), /No report recorded since takes effect on or before 31 October 2026/);

      // A back-dated correction through the record form: Viet Nam's 1.1.2, effective before the
      // edition's as-of date.
      await page.goto(`${BASE}/record?framework=${PLAN}`);
      await page.getByLabel('Strategic measure').selectOption('1.1.2');
      await page.getByLabel('Where it holds').selectOption('VNM');
      await page.getByLabel('Completed').check();
      await page.getByLabel('Effective from').fill(effective);
      await page.getByLabel('Note (optional)').fill('Late correction after the edition (end-to-end test)');
      await page.getByRole('button', { name: 'Record status' }).click();
      await page.getByRole('status').filter({ hasText: 'Recorded.' }).waitFor();
    }

    // The editions list and the edition's page: "since" shows the correction.
    await page.goto(`${BASE}/editions?framework=${PLAN}`);
    const listed = page.locator('li.edition', { has: page.getByRole('link', { name: title, exact: true }) });
    assert.equal(await listed.count(), 1);
    await checkA11y(page, `editions at ${px} px`);
    await shot(page, `editions-${px}`);
    await page.goto(`${BASE}${editionPath}`);
    const since = await page.getByRole('table', { name: /recorded since the edition/ }).innerText();
    assert.match(since, new RegExp(`by ${SECRETARIAT.name}[\\s\\S]*1\\.1\\.2[\\s\\S]*Viet Nam[\\s\\S]*Completed[\\s\\S]*${effective}`));
    await checkA11y(page, `edition page at ${px} px`);
    await shot(page, `edition-${px}`);
    if (px === 390) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `the edition page is ${overflow}px wider than a phone's screen`);
    } else {
      // The PDF, downloaded twice, is the frozen one: its SHA-256 is the one the page shows.
      const shown = (await page.locator('#pdf-sha256').innerText()).trim();
      assert.match(shown, /^[0-9a-f]{64}$/);
      for (let i = 0; i < 2; i += 1) {
        const [pdf] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('link', { name: 'Download PDF' }).click(),
        ]);
        assert.match(pdf.suggestedFilename(), new RegExp(`^edition-\\d+-${PLAN}-${asOf}\\.pdf$`));
        const bytes = readFileSync(await pdf.path());
        assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
        assert.equal(sha256(bytes), shown, `download ${i + 1}`);
      }
    }
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});
