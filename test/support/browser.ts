import * as fs from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './processes';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's chromium, headless, in a fresh profile that is removed afterwards. The flags keep it
 * off the network: no background fetches, updates, sync or QUIC probes, only the pages a test opens.
 * The time zone is UTC unless a test needs the page to show local times that differ from UTC.
 */
export async function launchBrowser(viewport = { width: 1280, height: 860 }, timezoneId = 'UTC'): Promise<Browser> {
  const profile = tempDir('runner-chromium-');
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      deviceScaleFactor: 1,
      locale: 'en-GB',
      timezoneId,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
