import * as fs from 'node:fs';
import type { Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * axe-core's serious and critical findings on the page as it is now (WCAG 2.x A and AA rules).
 * The script goes in through the DevTools protocol, not a <script> tag, so the console's
 * Content-Security-Policy (script-src 'self') stays exactly as users get it.
 */
export async function seriousAxeFindings(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as any).axe;
    const result = await axe.run((globalThis as any).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: any) => String(n.target)) }));
  });
}

/** Fails with the findings listed, so a report names the rule and the element. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const findings = await seriousAxeFindings(page);
  if (findings.length) throw new Error(`axe-core on ${label}:\n${findings.map((f) => `  ${f.impact} ${f.id}: ${f.help} — ${f.targets.slice(0, 5).join(', ')}`).join('\n')}`);
}

/**
 * Switches the page to the dark theme (as a system set to dark would) and checks it took: a page
 * whose colours ignored the media query would pass axe in its light colours.
 */
export async function switchToDarkTheme(page: Page): Promise<void> {
  await page.emulateMedia({ colorScheme: 'dark' });
  const background = await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor);
  const [r, g, b] = (background.match(/\d+/g) as string[]).map(Number);
  if (r + g + b >= 150) throw new Error(`the dark theme did not apply: the body's background is ${background}`);
}
