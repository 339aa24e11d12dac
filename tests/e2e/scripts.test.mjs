// World scripts: names and chat lines in Latin, Cyrillic, Greek, CJK, Arabic, Hebrew and
// Devanagari, and colour emoji, are drawn as themselves and not as ImGui's stand-in '?'. Two pages
// at twice the pixel density against a real orbit-server; every check reads the canvas where
// the client says it drew the text (state().ui) and compares it with what the browser itself
// draws for that text. The lines are typed as people type them: keys, text inserted without a
// key, and an input method's composition.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { animationFrames, clickItem, errorsOf, itemRect, openPage, pressKey, screenshot, serverAndBrowserPerFile, stateOf,
         waitForState } from './harness.mjs';

const shared = serverAndBrowserPerFile();

const line = 'Привет, 你好, مرحبا, שלום, नमस्ते, Γειά, 👋🎉 — ça va?';
// Two people a room, each named in another script; `alone`: the name has no Latin letter, so
// the browser's own drawing of it (a space aside) is all the client should show. A name of two
// right-to-left words reads right to left.
const rooms = [
  { room: 'scripts-cjk', first: { name: '王小明', alone: true }, second: { name: 'Zoë Ключ', alone: false } },
  { room: 'scripts-rtl', first: { name: 'Ελένη', alone: true }, second: { name: 'محمد علي', alone: true, rtl: true } },
  { room: 'scripts-indic', first: { name: 'דוד לוי', alone: true, rtl: true }, second: { name: 'देवी', alone: true } },
];
const scale = 2;
// The em of the UI's text font (Noto Sans, its lines 18 CSS pixels from ascent to descent) at
// the device's pixel density: the size the browser paints the glyphs the font lacks.
const fontPixels = Math.round(((18 * 1000) / 1362) * scale);

// In the page: pixels of screenshots (base64 PNG) as the user sees them. "Ink" is what is much
// brighter than the dark panel behind the text: over 43% of the brightest, so that a name in
// the UI's green keeps the thin strokes white text keeps.
function installPixelTools() {
  const decode = async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height);
  };
  const inkOf = (image) => {
    const mask = new Uint8Array(image.width * image.height);
    const bright = (i) => Math.max(image.data[i * 4], image.data[i * 4 + 1], image.data[i * 4 + 2]);
    let brightest = 0;
    for (let i = 0; i < mask.length; i += 1) brightest = Math.max(brightest, bright(i));
    const threshold = Math.max(40, (brightest * 110) / 255);
    for (let i = 0; i < mask.length; i += 1) mask[i] = bright(i) > threshold ? 1 : 0;
    return { mask, width: image.width, height: image.height };
  };
  const cropToInk = (ink) => {
    let [x0, y0, x1, y1] = [ink.width, ink.height, -1, -1];
    for (let y = 0; y < ink.height; y += 1) {
      for (let x = 0; x < ink.width; x += 1) {
        if (!ink.mask[y * ink.width + x]) continue;
        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
      }
    }
    if (x1 < 0) return { mask: new Uint8Array(0), width: 0, height: 0 };
    const width = x1 - x0 + 1;
    const height = y1 - y0 + 1;
    const mask = new Uint8Array(width * height);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) mask[y * width + x] = ink.mask[(y0 + y) * ink.width + x0 + x];
    }
    return { mask, width, height };
  };
  window.orbitTestPixels = {
    // Pixels in strong colour: an emoji, where the text itself is white.
    async colouredPixels(base64) {
      const { data } = await decode(base64);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        const high = Math.max(data[i], data[i + 1], data[i + 2]);
        if (high - Math.min(data[i], data[i + 1], data[i + 2]) > 80 && high > 120) count += 1;
      }
      return count;
    },
    // The box of the pixels in strong colour, in the image's pixels; null when there are none.
    async colouredBox(base64) {
      const { data, width } = await decode(base64);
      let box = null;
      for (let i = 0; i < data.length; i += 4) {
        const high = Math.max(data[i], data[i + 1], data[i + 2]);
        if (high - Math.min(data[i], data[i + 1], data[i + 2]) <= 80 || high <= 120) continue;
        const [x, y] = [(i / 4) % width, Math.floor(i / 4 / width)];
        box = box ? { x0: Math.min(box.x0, x), y0: Math.min(box.y0, y), x1: Math.max(box.x1, x), y1: Math.max(box.y1, y) }
          : { x0: x, y0: y, x1: x, y1: y };
      }
      return box;
    },
    // How often the glyph of `templateBase64` appears in `base64`.
    async occurrences(base64, templateBase64) {
      const ink = inkOf(await decode(base64));
      const glyph = cropToInk(inkOf(await decode(templateBase64)));
      const inked = glyph.mask.reduce((a, b) => a + b, 0);
      let found = 0;
      for (let oy = 0; oy + glyph.height <= ink.height; oy += 1) {
        for (let ox = 0; ox + glyph.width <= ink.width; ox += 1) {
          let wrong = 0;
          for (let y = 0; y < glyph.height && wrong <= inked / 10; y += 1) {
            for (let x = 0; x < glyph.width; x += 1) {
              if (glyph.mask[y * glyph.width + x] !== ink.mask[(oy + y) * ink.width + ox + x]) wrong += 1;
            }
          }
          if (wrong <= inked / 10) {
            found += 1;
            ox += glyph.width;
          }
        }
      }
      return found;
    },
    // The ink of `base64` against `text` drawn by the browser in its own fonts at `pixels`:
    // both sizes, and how much of the ink overlaps once both are scaled to one box. Spaces are
    // the UI font's in the client (Noto Sans), as narrow as the browser's own.
    async againstBrowser(base64, text, pixels, rtl) {
      const drawn = cropToInk(inkOf(await decode(base64)));
      const canvas = new OffscreenCanvas(pixels * text.length * 2 + 20, pixels * 3);
      const context = canvas.getContext('2d');
      context.fillStyle = '#000';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.font = `${pixels}px sans-serif`;
      context.direction = rtl ? 'rtl' : 'ltr';
      context.textAlign = 'left';
      context.fillStyle = '#fff';
      context.fillText(text, 10, pixels * 2);
      const reference = cropToInk(inkOf(context.getImageData(0, 0, canvas.width, canvas.height)));
      let both = 0;
      let either = 0;
      for (let y = 0; y < drawn.height; y += 1) {
        for (let x = 0; x < drawn.width; x += 1) {
          const a = drawn.mask[y * drawn.width + x];
          const rx = Math.floor((x * reference.width) / drawn.width);
          const ry = Math.floor((y * reference.height) / drawn.height);
          const b = reference.mask[ry * reference.width + rx];
          both += a && b ? 1 : 0;
          either += a || b ? 1 : 0;
        }
      }
      return { drawn: [drawn.width, drawn.height], browser: [reference.width, reference.height],
               overlap: either ? both / either : 0 };
    },
  };
}

async function shot(page, [x, y, width, height]) {
  return (await page.screenshot({ clip: { x, y, width, height } })).toString('base64');
}

// Types `text` into the chat and sends it. 'keys': as playwright types, keys for what a US
// keyboard has and the rest inserted without a key (as an on-screen keyboard or an input method
// that commits at once does); 'compose': the browser's own input-method composition (Chromium's
// DevTools protocol), committed whole.
async function say(page, text, how) {
  if ((await stateOf(page)).ui.focus !== 'Chat input') await clickItem(page, 'Chat input');
  await waitForState(page, 'the text field is active', () => document.activeElement?.tagName === 'TEXTAREA');
  if (how === 'keys') {
    await page.keyboard.type(text);
  } else {
    const session = await page.context().newCDPSession(page);
    const half = text.slice(0, text.length >> 1);
    await session.send('Input.imeSetComposition', { text: half, selectionStart: half.length, selectionEnd: half.length });
    await session.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
    await session.send('Input.insertText', { text });
    await session.detach();
  }
  await animationFrames(page, 3);
  // Held across drawn frames: ImGui 1.86 reads keys once a frame, and an instant press and
  // release is lost on a loaded machine.
  await pressKey(page, 'Enter');
  await waitForState(page, 'the line is sent', (s, t) => s.messages.some((m) => m.text === t), text);
}

// Where the client drew the text of chat line `n` and its sender's name, once both are there:
// the item's rectangle, half the items' spacing (2 CSS pixels) taller each way. Browser fonts
// reach above and below the UI font's line (Devanagari's vowel signs), as they do on a page.
async function chatRects(page, n) {
  const state = await waitForState(page, `chat line ${n} is on screen`,
                                   (s, k) => Array.isArray(s.ui[`Chat line ${k}`]) && Array.isArray(s.ui[`Chat name ${k}`]), n);
  // The glyphs a new line lacks are painted and drawn over the next frames.
  await animationFrames(page, 6);
  const padded = ([x, y, width, height]) => [x, y - 2, width, height + 4];
  return { text: padded(state.ui[`Chat line ${n}`]), name: padded(state.ui[`Chat name ${n}`]) };
}

for (const { room, first, second } of rooms) {
  test(`"${first.name}" and "${second.name}" see each other's names and lines in their own scripts`, async () => {
    const contexts = [];
    try {
      const pages = [];
      for (const person of [first, second]) {
        const context = await shared.browser.newContext({ viewport: { width: 1100, height: 620 }, deviceScaleFactor: scale });
        await context.addInitScript(installPixelTools);
        contexts.push(context);
        const page = await openPage(context, `${shared.server.url}/room/${room}?name=${encodeURIComponent(person.name)}`);
        await waitForState(page, `${person.name} is in, in the UI's own fonts`,
                           (s) => s.screen === 'room' && s.connection === 'open' && s.fonts.own);
        pages.push(page);
      }
      for (const [page, other] of [[pages[0], second], [pages[1], first]]) {
        await waitForState(page, `the other sees ${other.name}`, (s, n) => s.peers.some((p) => p.name === n), other.name);
      }

      // A '?' as the UI font draws it (ImGui's stand-in for a glyph it lacks), to look for in
      // everything else: at the line's left, as its first strong letter is Latin.
      await say(pages[1], `? from ${second.name}`, 'keys');
      await say(pages[0], line, 'compose');
      const template = await chatRects(pages[0], 1);
      const [x, y, , height] = template.text;
      const question = await shot(pages[0], [x, y + 2, 7, height - 4]);

      for (const [page, sender, n] of [[pages[0], second, 1], [pages[1], first, 2]]) {
        const drawn = await chatRects(page, n);
        const lineShot = await shot(page, drawn.text);
        const nameShot = await shot(page, drawn.name);
        const expectedMarks = (sender === second ? `? from ${second.name}` : line).split('?').length - 1;
        assert.equal(await page.evaluate(([a, b]) => window.orbitTestPixels.occurrences(a, b), [lineShot, question]),
                     expectedMarks, `line ${n} from ${sender.name} has no '?' but its own`);
        assert.equal(await page.evaluate(([a, b]) => window.orbitTestPixels.occurrences(a, b), [nameShot, question]), 0,
                     `${sender.name} is drawn without '?'`);
        if (sender === first) {
          assert.ok(await page.evaluate((a) => window.orbitTestPixels.colouredPixels(a), lineShot) > 50,
                    'the emoji are drawn in colour');
        }
        if (sender.alone) {
          const compared = await page.evaluate(([a, text, pixels, rtl]) => window.orbitTestPixels.againstBrowser(a, text, pixels, rtl),
                                               [nameShot, sender.name, fontPixels, sender.rtl ?? false]);
          const close = (a, b) => Math.abs(a - b) <= Math.max(3, b * 0.15);
          assert.ok(close(compared.drawn[0], compared.browser[0]) && close(compared.drawn[1], compared.browser[1]) &&
                    compared.overlap > 0.5, `${sender.name} is drawn as the browser draws it: ${JSON.stringify(compared)}`);
        }
      }
      await screenshot(pages[0], `scripts-${room}-first`);
      await screenshot(pages[1], `scripts-${room}-second`);
      for (const page of pages) assert.deepEqual(errorsOf(page), []);
    } finally {
      for (const context of contexts) await context.close();
    }
  });
}

// The lobby's list: a room named in Cyrillic has a Cyrillic id, drawn in its script after the
// name (ImGui's own font has no Cyrillic: its stand-in is '?').
test('the lobby lists a room named in Cyrillic under its name and its id, both in their script', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 620 }, deviceScaleFactor: scale });
  try {
    await context.addInitScript(installPixelTools);
    const response = await fetch(`${shared.server.url}/api/rooms`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Привет команда', public: true }),
    });
    assert.equal(response.status, 201);
    const page = await openPage(context, `${shared.server.url}/`);
    const id = 'привет-команда';
    await waitForState(page, 'the room is listed, in the UI\'s own fonts',
                       (s, key) => s.fonts.own && Array.isArray(s.ui[`Room id ${key}`]), id);
    await animationFrames(page, 6);  // the glyphs it lacks are painted and drawn over the next frames
    const { ui } = await stateOf(page);
    const padded = ([x, y, width, height]) => [x, y - 2, width, height + 4];
    for (const [key, text] of [[`Room name ${id}`, 'Привет команда'], [`Room id ${id}`, `/${id}`]]) {
      const drawn = await shot(page, padded(ui[key]));
      const compared = await page.evaluate(([a, t, pixels]) => window.orbitTestPixels.againstBrowser(a, t, pixels, false),
                                           [drawn, text, fontPixels]);
      const close = (a, b) => Math.abs(a - b) <= Math.max(3, b * 0.15);
      assert.ok(close(compared.drawn[0], compared.browser[0]) && close(compared.drawn[1], compared.browser[1]) &&
                compared.overlap > 0.5, `${text} is drawn as the browser draws it: ${JSON.stringify(compared)}`);
    }
    await screenshot(page, 'scripts-lobby-cyrillic');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

// A right-to-left paragraph too long for one line wraps as a page wraps it: its first words on
// the top line, read from the right, and the lines against the log's right edge. The second
// word is a colour emoji, to be found among the white letters. (ImGui's own wrapping of the
// reordered text puts the first words on the bottom line, at the left.)
test('a right-to-left paragraph that wraps starts at the top right', async () => {
  const words = 'שלום 🎉 חברים יקרים זוהי שורה ארוכה מאוד שנכתבה בעברית כדי לבדוק איך היא נשברת בין כמה שורות בחלון הצאט ' +
                'ואיך קוראים אותה מימין לשמאל מההתחלה ועד הסוף בלי לדלג על אף מילה';
  const contexts = [];
  try {
    const pages = [];
    for (const name of ['Noa', 'Dan']) {
      const context = await shared.browser.newContext({ viewport: { width: 1100, height: 620 }, deviceScaleFactor: scale });
      await context.addInitScript(installPixelTools);
      contexts.push(context);
      const page = await openPage(context, `${shared.server.url}/room/scripts-wrap?name=${name}`);
      await waitForState(page, `${name} is in, in the UI's own fonts`,
                         (s) => s.screen === 'room' && s.connection === 'open' && s.fonts.own);
      pages.push(page);
    }
    await waitForState(pages[1], 'Dan sees Noa', (s) => s.peers.some((p) => p.name === 'Noa'));
    await pages[0].evaluate((text) => window.orbit.sendText(text), words);
    // Once its glyphs are painted (until then each is as wide as ImGui's '?'), the line takes
    // three lines of 18 px or more.
    await chatRects(pages[1], 1);
    const row = 18;
    const { ui } = await waitForState(pages[1], 'the paragraph wraps onto three lines',
                                      (s, least) => s.ui['Chat line 1'][3] >= least, 3 * row);
    const [x, y, width, height] = ui['Chat line 1'];
    const rect = [x, y - 2, width, height + 4];
    const log = ui['Chat log'];
    const box = await pages[1].evaluate((a) => window.orbitTestPixels.colouredBox(a), await shot(pages[1], rect));
    assert.ok(box, 'the emoji is not drawn');
    const emoji = { top: box.y0 / scale, bottom: box.y1 / scale, right: box.x1 / scale };
    assert.ok(emoji.bottom <= row + 6, `the paragraph's second word is ${emoji.top}–${emoji.bottom} px down its ` +
              `${rect[3]} px, not on its top line`);
    assert.ok(emoji.right >= rect[2] * 0.7, `the top line's start is ${emoji.right} px from the left of ` +
              `${rect[2]} px: it does not start at the right`);
    assert.ok(rect[0] + rect[2] >= log[0] + log[2] - 30, `the paragraph ${rect} does not reach the right of the log ${log}`);
    await screenshot(pages[1], 'scripts-wrapped-rtl');
    for (const page of pages) assert.deepEqual(errorsOf(page), []);
  } finally {
    for (const context of contexts) await context.close();
  }
});

// While it is typed, Arabic in a text field is drawn as it will read once sent: its letters
// joined and its words right to left, as the browser draws it. (ImGui draws a field a character
// at a time in typed order: the letters apart, the words backwards.)
test('Arabic being typed into the chat field reads joined and right to left', async () => {
  const words = 'مرحبا بكم';
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 620 }, deviceScaleFactor: scale });
  try {
    await context.addInitScript(installPixelTools);
    const page = await openPage(context, `${shared.server.url}/room/scripts-field?name=Lina`);
    await waitForState(page, 'Lina is in, in the UI\'s own fonts',
                       (s) => s.screen === 'room' && s.connection === 'open' && s.fonts.own);
    await clickItem(page, 'Chat input');
    await waitForState(page, 'the text field is active', () => document.activeElement?.tagName === 'TEXTAREA');
    const session = await context.newCDPSession(page);
    await session.send('Input.insertText', { text: words });
    await session.detach();
    // The glyphs the words lack are painted and drawn over the next frames.
    await animationFrames(page, 6);
    await screenshot(page, 'scripts-typing-arabic');
    // Compared without the caret (as tall as the line, it would be ink of its own): a click
    // beside the field leaves the words in it.
    await clickItem(page, 'Chat log');
    await waitForState(page, 'the field is let go', (s) => s.ui.focus !== 'Chat input');
    await animationFrames(page, 3);
    const field = (await stateOf(page)).ui['Chat input'];
    const compared = await page.evaluate(([a, text, pixels]) => window.orbitTestPixels.againstBrowser(a, text, pixels, true),
                                         [await shot(page, field), words, fontPixels]);
    const close = (a, b) => Math.abs(a - b) <= Math.max(3, b * 0.15);
    assert.ok(close(compared.drawn[0], compared.browser[0]) && close(compared.drawn[1], compared.browser[1]) &&
              compared.overlap > 0.5, `the field is drawn as the browser draws "${words}": ${JSON.stringify(compared)}`);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
