// High-density screens: at a devicePixelRatio of 2 the canvas has twice the pixels each way,
// and the UI's text and icons are drawn with them: rasterised at twice the size, not a
// one-pixel-per-CSS-pixel drawing scaled up. Headless Chromium with deviceScaleFactor 1 and 2
// against a real orbit-server; the same control is cut from both screenshots and compared.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { animationFrames, errorsOf, openPage, screenshot, serverAndBrowserPerFile, waitForState } from './harness.mjs';

const shared = serverAndBrowserPerFile();

// In the page: how much of a screenshot's detail a drawing at half its resolution could not
// have: the mean difference between the image and itself halved then doubled again (in the
// browser's own smooth scaling), over the mean brightness of the image.
function installDetail() {
  window.orbitDetail = async (base64, upscaleFirst) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    let bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    if (upscaleFirst) {
      // A drawing at one pixel per CSS pixel, shown on a screen of twice the density.
      bitmap = await createImageBitmap(bitmap, { resizeWidth: bitmap.width * 2, resizeHeight: bitmap.height * 2, resizeQuality: 'high' });
    }
    const { width, height } = bitmap;
    const pixels = (source, w, h) => {
      const context = new OffscreenCanvas(w, h).getContext('2d');
      context.imageSmoothingQuality = 'high';
      context.drawImage(source, 0, 0, w, h);
      return context;
    };
    const full = pixels(bitmap, width, height);
    const half = pixels(full.canvas, width / 2, height / 2);
    const again = pixels(half.canvas, width, height);
    const a = full.getImageData(0, 0, width, height).data;
    const b = again.getImageData(0, 0, width, height).data;
    let difference = 0;
    let brightness = 0;
    for (let i = 0; i < a.length; i += 4) {
      for (let c = 0; c < 3; c += 1) {
        difference += Math.abs(a[i + c] - b[i + c]);
        brightness += a[i + c];
      }
    }
    return difference / Math.max(brightness, 1);
  };
}

async function controlAt(scale, shared) {
  const context = await shared.browser.newContext({ viewport: { width: 900, height: 560 }, deviceScaleFactor: scale });
  await context.addInitScript(installDetail);
  const page = await openPage(context, `${shared.server.url}/room/hidpi-${scale}?name=Dana`);
  const state = await waitForState(page, 'in the room, in the UI\'s own fonts and icons',
                                   (s) => s.screen === 'room' && s.connection === 'open' && s.fonts.own && s.fonts.icons &&
                                          Array.isArray(s.ui.Mute));
  await animationFrames(page, 4);
  return { context, page, state };
}

test('at twice the pixel density the text and icons are drawn with twice the pixels, not scaled up', async () => {
  const one = await controlAt(1, shared);
  const two = await controlAt(2, shared);
  try {
    const backing = await two.page.evaluate(() => {
      const canvas = document.querySelector('canvas');
      return { width: canvas.width, height: canvas.height, cssWidth: canvas.clientWidth, cssHeight: canvas.clientHeight };
    });
    assert.deepEqual([backing.width, backing.height], [backing.cssWidth * 2, backing.cssHeight * 2],
                     'the canvas has two device pixels per CSS pixel each way');
    // The same control in CSS pixels at both densities: the layout does not change with it
    // (but for the width of words, whose letters stand on whole device pixels).
    const [x1, y1, w1, h1] = one.state.ui.Mute;
    const [x2, y2, w2, h2] = two.state.ui.Mute;
    for (const [a, b] of [[x1, x2], [y1, y2], [w1, w2], [h1, h2]]) {
      assert.ok(Math.abs(a - b) <= Math.max(1, b * 0.05), `Mute is where it was: ${one.state.ui.Mute} / ${two.state.ui.Mute}`);
    }
    assert.equal(two.state.fonts.pixels, one.state.fonts.pixels * 2, 'the font is built for twice the pixels');

    // The Mute button's icon and word, at each density.
    const clip = { x: x1, y: y1, width: Math.floor(Math.min(w1, w2)), height: Math.floor(Math.min(h1, h2)) };
    const shotOne = (await one.page.screenshot({ clip })).toString('base64');
    const shotTwo = (await two.page.screenshot({ clip })).toString('base64');
    const scaledUp = await two.page.evaluate(([shot]) => window.orbitDetail(shot, true), [shotOne]);
    const drawn = await two.page.evaluate(([shot]) => window.orbitDetail(shot, false), [shotTwo]);
    assert.ok(drawn > scaledUp * 1.5,
              `the 2x drawing has detail a 1x drawing scaled up lacks: ${drawn.toFixed(4)} against ${scaledUp.toFixed(4)}`);

    await screenshot(two.page, 'hidpi-room-2x');
    for (const page of [one.page, two.page]) assert.deepEqual(errorsOf(page), []);
  } finally {
    await one.context.close();
    await two.context.close();
  }
});
