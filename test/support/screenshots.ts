import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page, PageScreenshotOptions } from 'playwright-core';
import { ROOT } from './processes';

const IMAGES = path.join(ROOT, 'docs', 'images');

/**
 * The README's screenshots, taken by the browser tests. Every run takes the picture (so a page that
 * cannot render fails here), but a file that exists is rewritten only with RUNNER_SCREENSHOTS=update:
 * the pages show times and ids that differ on every run, and a clean checkout should stay clean.
 */
export async function screenshot(page: Page, name: string, options: PageScreenshotOptions = {}): Promise<void> {
  const file = path.join(IMAGES, `${name}.png`);
  const image = await page.screenshot(options);
  if (fs.existsSync(file) && process.env.RUNNER_SCREENSHOTS !== 'update') return;
  fs.mkdirSync(IMAGES, { recursive: true });
  fs.writeFileSync(file, image);
}
