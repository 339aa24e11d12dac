// Debian's Firefox ESR for the end-to-end tests, driven by puppeteer-core over WebDriver BiDi
// (no browser download). The page helpers of harness.mjs (stateOf, waitForState, clickItem,
// pressKey, typeInto, screenshot, errorsOf) take the pages opened here.
import puppeteer from 'puppeteer-core';

import { keepConsole } from './harness.mjs';

const prefs = {
  // A fake camera (a moving colour frame) and microphone, granted without asking.
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Firefox refuses WebGL on a software renderer (llvmpipe here) unless forced, and the
  // client draws everything with WebGL2.
  'webgl.force-enabled': true,
  // Host candidates as plain addresses, as Chromium gives them (harness.mjs): an mDNS name
  // would leave a Chromium peer to learn Firefox's address only from its connectivity checks.
  'media.peerconnection.ice.obfuscate_host_addresses': false,
};

export function launchFirefox() {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.ORBIT_FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    // Smaller than the Chromium tests' 1280×720: llvmpipe draws every pixel on the CPU, and
    // ImGui needs drawn frames to take each input.
    defaultViewport: { width: 960, height: 540 },
    extraPrefsFirefox: prefs,
    // WebGL2 from Mesa's llvmpipe through EGL, with no GPU and no display.
    env: { ...process.env, LIBGL_ALWAYS_SOFTWARE: '1', MOZ_WEBGL_FORCE_EGL: '1' },
  });
}

// Opens `url` in a window of its own (a user of its own too: its own storage). A second tab in
// one window would be a background tab, which Firefox hides and stops drawing.
// `page.browserContext().close()` closes it.
export async function openFirefoxPage(browser, url) {
  const context = await browser.createBrowserContext();
  const page = keepConsole(await context.newPage({ type: 'window' }));
  await page.goto(url);
  return page;
}
