// Lighthouse's accessibility category for several pages with one Chromium and one Node process
// (the CLI takes one URL and starts both anew for each, which doubles the time).
// Usage: node lighthouse_accessibility.mjs PAGES.json RESULTS.json
// PAGES.json: [{"url": "...", "cookies": [{"name": "sessionid", "value": "..."}], "headers": {...}}, ...]
// Each page starts with only its own cookies: a cookie in Chromium's jar would override a Cookie header,
// so a logged-in page gets its session as a real cookie.
// RESULTS.json: one entry per page: url, finalUrl, score (0-1 or null), runtimeError, failing audits.
import {readFileSync, writeFileSync} from 'node:fs';

import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [pagesPath, resultsPath] = process.argv.slice(2);
const pages = JSON.parse(readFileSync(pagesPath, 'utf8'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  // Without the background-networking flags Chromium reaches out to the network, which is closed here.
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-quic', '--no-first-run',
  ],
});

const results = [];
try {
  const tab = await browser.newPage();
  const cdp = await tab.createCDPSession();
  for (const page of pages) {
    await cdp.send('Network.clearBrowserCookies');
    for (const cookie of page.cookies || []) {
      await cdp.send('Network.setCookie', {...cookie, url: page.url});
    }
    const runner = await lighthouse(page.url, {
      onlyCategories: ['accessibility'],
      output: 'json',
      logLevel: 'error',
      disableFullPageScreenshot: true,
      extraHeaders: page.headers || undefined,
    }, undefined, tab);
    const lhr = runner.lhr;
    const category = lhr.categories.accessibility;
    const failing = category.auditRefs
      .map((ref) => lhr.audits[ref.id])
      .filter((audit) => audit.score !== null && audit.score < 1)
      .map((audit) => ({
        id: audit.id,
        title: audit.title,
        nodes: (audit.details?.items || []).slice(0, 5).map((item) => item.node?.snippet || item.node?.selector || ''),
      }));
    results.push({
      url: page.url,
      finalUrl: lhr.finalDisplayedUrl,
      score: category.score,
      runtimeError: lhr.runtimeError?.message || null,
      failing,
    });
  }
} finally {
  await browser.close();
}
writeFileSync(resultsPath, JSON.stringify(results, null, 2));
