/**
 * PDFs beside the HTML reports, printed by headless Chromium (Debian's /usr/bin/chromium, or the one
 * `RIJM_CHROMIUM` or `--chromium` names, through playwright-core). Every request other than the report
 * file itself is refused, so printing cannot reach the network.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { RijmError } from '../pipelines/lib/errors.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The browser a command was told to use (`--chromium PATH`, else `RIJM_CHROMIUM`), or undefined for the
 * default. A path given that does not exist is an error at once, not a run without PDFs.
 */
export function chromiumOption(option: unknown, env: NodeJS.ProcessEnv): string | undefined {
  const [value, origin] =
    typeof option === 'string' ? [option, '--chromium'] : [env.RIJM_CHROMIUM, 'RIJM_CHROMIUM'];
  if (!value?.trim()) return undefined;
  if (!existsSync(value)) {
    throw new RijmError(
      `Chromium not found: ${value} (from ${origin}); point it at the browser, or use --pdf no`,
    );
  }
  return value;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type PdfMode = 'auto' | 'yes' | 'no';

/** Whether PDFs are to be made: `auto` when Chromium is installed; `yes` without it is an error. */
export function wantPdf(mode: PdfMode, chromiumPath = CHROMIUM_PATH): boolean {
  if (mode === 'no') return false;
  const present = existsSync(chromiumPath);
  if (mode === 'yes' && !present) {
    throw new RijmError(
      `cannot make PDFs: Chromium not found: ${chromiumPath} (apt-get install chromium, set RIJM_CHROMIUM, or --pdf no)`,
    );
  }
  return present;
}

/** Prints each `[html, pdf]` pair to A4 PDF with one browser. */
export async function printPdfs(pairs: [string, string][], chromiumPath = CHROMIUM_PATH): Promise<void> {
  if (pairs.length === 0) return;
  const { chromium } = await import('playwright-core');
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  } catch (error) {
    throw new RijmError(`cannot start Chromium for the PDFs: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    });
  }
  try {
    const context = await browser.newContext();
    await context.route('**/*', (route) => {
      const url = route.request().url();
      return url.startsWith('file:') || url.startsWith('data:') ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    for (const [htmlPath, pdfPath] of pairs) {
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
      await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
    }
    await context.close();
  } finally {
    await browser.close();
  }
}
