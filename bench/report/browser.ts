import { findChromium, launchChromium } from '../../infra/local/browser';
import { pathToFileURL } from 'node:url';

export { findChromium };

export type PageCheck = {
  charts: number;
  seriesPaths: number;
  /** Chart paths with at least two points drawn inside the chart. */
  drawnPaths: number;
  tables: number;
  consoleErrors: string[];
  /** Anything the page tried to fetch: a self-contained report asks for nothing. */
  requests: string[];
};

/** Opens a report in headless Chromium, checks what it shows, and optionally screenshots it. */
export async function checkReportPage(
  htmlPath: string,
  executablePath: string,
  screenshotPath?: string,
): Promise<PageCheck> {
  const browser = await launchChromium(executablePath);
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    const url = pathToFileURL(htmlPath).href;
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    // A string, run in the page: this project's TypeScript has no DOM library.
    const counts = await page.evaluate<Omit<PageCheck, 'consoleErrors' | 'requests'>>(`(() => {
      const paths = [...document.querySelectorAll('svg.chart path.series')];
      const drawn = paths.filter((p) => p.getAttribute('d').includes('L') && p.getBBox().width > 0);
      return {
        charts: document.querySelectorAll('svg.chart').length,
        seriesPaths: paths.length,
        drawnPaths: drawn.length,
        tables: document.querySelectorAll('table.runs tr').length - document.querySelectorAll('table.runs').length,
      };
    })()`);
    if (screenshotPath) await page.screenshot({ path: screenshotPath, fullPage: true });
    return { ...counts, consoleErrors, requests };
  } finally {
    await browser.close();
  }
}
