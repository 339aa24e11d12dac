// A phone in a call: a 390×844 touch screen (Chromium's device emulation: mobile, touch, 3×
// pixels) with a desktop page on the other end. The video takes the phone's whole width, the
// chat is a drawer opened and closed by taps, a line goes out through an on-screen keyboard, a
// drag scrolls the chat and a flick throws it on, a tap mutes, and every control is big enough
// for a finger. Headless Chromium against a real orbit-server; where things are comes from
// state().ui.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  animationFrames, createRoom, errorsOf, itemRect, meshed, openPage, screenshot, serverAndBrowserPerFile, stateOf,
  waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

// Apple's and the W3C's smallest comfortable target for a finger, in CSS pixels.
const kTarget = 44;

const centre = ([x, y, width, height]) => ({ x: x + width / 2, y: y + height / 2 });

const within = ([x, y, width, height], [ox, oy, ow, oh]) =>
  x >= ox && y >= oy && x + width <= ox + ow + 1 && y + height <= oy + oh + 1;

// A finger down on `point`, held for a few drawn frames as a person's tap is, then lifted.
async function tapAt(page, cdp, point) {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await animationFrames(page, 3);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await animationFrames(page, 4);
}

async function tap(page, cdp, name) {
  await tapAt(page, cdp, centre(await itemRect(page, name)));
}

// A finger drawn from `from` by `dy` CSS pixels in steps, a frame or two apart, then held
// still and lifted: a drag put down, which throws nothing. (The client takes the finger's speed
// from its moves within the 100 ms before it lifts, Fling::kWindow: the hold is the gesture.)
async function drag(page, cdp, from, dy, steps = 8) {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] });
  await animationFrames(page, 2);
  for (let i = 1; i <= steps; i += 1) {
    await cdp.send('Input.dispatchTouchEvent',
                   { type: 'touchMove', touchPoints: [{ x: from.x, y: from.y + (dy * i) / steps }] });
    await animationFrames(page, 1);
  }
  await new Promise((resolve) => { setTimeout(resolve, 200); });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await animationFrames(page, 4);
}

// A flick: the finger drawn by `dy` CSS pixels in `steps` moves 16 ms apart, and lifted at once.
// The events carry those times (the client takes a flick's speed from the events' own times),
// however long a loaded machine takes to send them.
async function flick(page, cdp, from, dy, steps = 8) {
  const start = Date.now() / 1000;
  const at = (i) => start + (i * 16) / 1000;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from], timestamp: at(0) });
  for (let i = 1; i <= steps; i += 1) {
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchMove', touchPoints: [{ x: from.x, y: from.y + (dy * i) / steps }], timestamp: at(i),
    });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [], timestamp: at(steps) });
}

// Where `name` is once it has stayed put for a few frames.
async function restingRect(page, name) {
  let last = null;
  for (let i = 0; i < 30; i += 1) {
    await animationFrames(page, 3);
    const rect = (await stateOf(page)).ui[name];
    if (last && rect && rect.every((v, k) => v === last[k])) return rect;
    last = rect;
  }
  throw new Error(`"${name}" never came to rest`);
}

function assertFingerSized(ui, names) {
  for (const name of names) {
    assert.ok(Array.isArray(ui[name]), `${name} is not drawn`);
    const [, , width, height] = ui[name];
    assert.ok(width >= kTarget && height >= kTarget, `${name} is ${width}×${height} CSS px, under ${kTarget}×${kTarget}`);
  }
}

test('on a phone the video takes the width, the chat is a drawer, and taps, typing and drags work', async () => {
  const desk = await shared.browser.newContext({ viewport: { width: 1100, height: 620 } });
  const hand = await shared.browser.newContext(phone);
  try {
    const ben = await openPage(desk, `${shared.server.url}/room/pocket?name=Ben`);
    await waitForState(ben, 'Ben is in the room', (s) => s.screen === 'room' && s.connection === 'open');
    const ann = await openPage(hand, `${shared.server.url}/room/pocket?name=Ann`);
    const cdp = await hand.newCDPSession(ann);
    await waitForState(ann, 'Ann sees Ben', meshed, 1);
    await waitForState(ben, 'Ben sees Ann', meshed, 1);
    assert.equal(await ann.evaluate(() => matchMedia('(pointer: coarse)').matches), true, 'the emulation is no touch screen');

    // The grid has the width to itself, the drawer is shut, and each tile spans the screen.
    let { ui } = await stateOf(ann);
    assert.equal(ui.Drawer, undefined, 'the drawer is open from the start');
    assert.equal(ui['Chat input'], undefined, 'the chat shows before it is asked for');
    for (const name of ['Tile Ann (you)', 'Tile Ben']) {
      assert.ok(Array.isArray(ui[name]), `${name} is not drawn`);
      assert.ok(ui[name][2] >= 0.9 * 390 - 16, `${name} is ${ui[name][2]} px wide on a 390 px screen`);
    }
    const controls = ['Mute', 'Camera', 'Chat', 'People', 'Share screen', 'Devices', 'Keys', 'Leave', 'Copy invite link'];
    assertFingerSized(ui, controls);
    for (const name of controls) assert.ok(within(ui[name], [0, 0, 390, 844]), `${name} at ${ui[name]} is off screen`);
    await screenshot(ann, 'phone-call');

    // A tap mutes, even one shorter than a frame (touchstart and touchend back to back); a
    // tap held over a few frames turns the camera off. Then Ben does the same, and neither page
    // has sound or video left to draw: this machine's software WebGL would otherwise fill a
    // 1170×2532 canvas for every frame of video and every tenth of a second of sound.
    await ann.touchscreen.tap(centre(ui.Mute).x, centre(ui.Mute).y);
    await waitForState(ben, 'Ben sees Ann muted', (s) => s.peers.some((p) => p.name === 'Ann' && p.muted === true));
    await tap(ann, cdp, 'Camera');
    await waitForState(ben, 'Ben sees Ann\'s camera off',
                       (s) => s.peers.some((p) => p.name === 'Ann' && p.cameraOff === true));
    assert.equal((await stateOf(ann)).media.muted, true, 'the tap on Camera unmuted');
    await ben.evaluate(() => { window.orbit.setMuted(true); window.orbit.setCamera(false); });
    await waitForState(ann, 'Ann sees Ben muted, his camera off',
                       (s) => s.peers.some((p) => p.name === 'Ben' && p.muted === true && p.cameraOff === true));

    // A line while the drawer is shut puts a count on the Chat button, which grows to hold it.
    const chatButton = ui.Chat;
    await ben.evaluate(() => window.orbit.sendText('are you there?'));
    await waitForState(ann, 'the line arrives', (s) => s.messages.some((m) => m.text === 'are you there?'));
    const badged = await waitForState(ann, 'the Chat button shows a count', (s, width) => s.ui.Chat[2] > width,
                                      chatButton[2]);
    assert.equal(badged.ui.Drawer, undefined, 'a new line opened the drawer by itself');

    // A tap opens the chat over the grid, its tabs whole, the line in it, the count gone.
    await tap(ann, cdp, 'Chat');
    ({ ui } = await waitForState(ann, 'the drawer opens on the chat',
                                 (s) => Array.isArray(s.ui.Drawer) && Array.isArray(s.ui['Chat input'])));
    assert.ok(within(ui['Chat line 1'], ui.Drawer), 'the line is not in the drawer');
    assert.ok(Array.isArray(ui['Tile Ben']), 'the grid went away under the drawer');
    assert.ok(ui.Drawer[0] > ui['Tile Ben'][0], 'the drawer leaves no strip of the grid to tap');
    assertFingerSized(ui, ['Tab Chat', 'Tab People', 'Tab Connections', 'Close drawer', 'Chat input', 'Send',
                           'Chat recipient']);
    // A cut tab ("Conn…") is narrower than its word; where "Connections" does not fit beside
    // the others (and Close), the tab says "Net".
    const word = ['Connections', 'Net'].find((w) => Array.isArray(ui[`Tab label ${w}`]));
    assert.ok(word, 'the Connections tab shows a whole word');
    assert.ok(ui['Tab Connections'][2] >= word.length * 7, `"${word}" is cut: ${ui['Tab Connections']}`);
    assert.ok(ui['Tab Connections'][0] + ui['Tab Connections'][2] <= ui['Close drawer'][0], 'the tabs run under Close');
    await waitForState(ann, 'the count is gone', (s, width) => s.ui.Chat[2] === width, chatButton[2]);

    // A tap into the text field focuses the page's hidden text field within the tap itself, as
    // on-screen keyboards require; what the keyboard inserts goes into the chat; Send sends it.
    await ann.evaluate(() => {
      window.touchEnding = false;
      window.focusedInTouch = null;
      window.addEventListener('touchend', () => {
        window.touchEnding = true;
        setTimeout(() => { window.touchEnding = false; }, 0);
      }, true);
      document.addEventListener('focusin', (event) => {
        if (event.target.tagName === 'TEXTAREA') window.focusedInTouch = window.touchEnding;
      });
    });
    await tap(ann, cdp, 'Chat input');
    await waitForState(ann, 'the text field has the keyboard', () => document.activeElement?.tagName === 'TEXTAREA');
    assert.equal(await ann.evaluate(() => window.focusedInTouch), true, 'the focus came after the tap, not in it');
    await waitForState(ann, 'the chat field is active', (s) => s.ui.focus === 'Chat input');
    await cdp.send('Input.insertText', { text: 'hello from the phone' });
    await animationFrames(ann, 3);
    await tap(ann, cdp, 'Send');
    await waitForState(ben, 'Ben reads the line', (s) => s.messages.some((m) => m.text === 'hello from the phone' && !m.self));
    await screenshot(ann, 'phone-chat');

    // A drag down the log shows earlier lines: the content follows the finger, the page stays.
    await ben.evaluate(() => { for (let n = 1; n <= 40; n += 1) window.orbit.sendText(`line ${n}`); });
    await waitForState(ann, 'the 40 lines arrive', (s) => s.messages.filter((m) => m.text.startsWith('line ')).length === 40);
    const log = await itemRect(ann, 'Chat log');
    const last = 'Chat line 42';
    const atEnd = await restingRect(ann, last);
    assert.ok(atEnd[1] + atEnd[3] <= log[1] + log[3] + 1 && atEnd[1] >= log[1], 'the newest line is not in view');
    await drag(ann, cdp, { x: log[0] + log[2] / 2, y: log[1] + log[3] / 4 }, 150);
    const dragged = await restingRect(ann, last);
    const moved = dragged[1] - atEnd[1];
    assert.ok(moved >= 130 && moved <= 170, `a 150 px drag moved the log by ${moved} px`);
    const page = await ann.evaluate(() => ({ scrollY: window.scrollY, scale: window.visualViewport.scale }));
    assert.deepEqual(page, { scrollY: 0, scale: 1 }, 'the page scrolled or zoomed under the drag');
    await drag(ann, cdp, { x: log[0] + log[2] / 2, y: log[1] + (log[3] * 3) / 4 }, -300);
    const back = await restingRect(ann, last);
    assert.ok(Math.abs(back[1] - atEnd[1]) <= 1, `dragging up came back to ${back[1]}, not ${atEnd[1]}`);
    // A flick goes on after the finger lifts, then comes to rest; one the other way comes back
    // to the newest line and stops there.
    await flick(ann, cdp, { x: log[0] + log[2] / 2, y: log[1] + log[3] / 4 }, 100);
    const flicked = await restingRect(ann, last);
    assert.ok(flicked[1] - atEnd[1] >= 150, `a 100 px flick moved the log by only ${flicked[1] - atEnd[1]} px`);
    assert.deepEqual(await ann.evaluate(() => ({ scrollY: window.scrollY, scale: window.visualViewport.scale })),
                     { scrollY: 0, scale: 1 }, 'the page scrolled or zoomed under the flick');
    await flick(ann, cdp, { x: log[0] + log[2] / 2, y: log[1] + (log[3] * 3) / 4 }, -300);
    const flickedBack = await restingRect(ann, last);
    assert.ok(Math.abs(flickedBack[1] - atEnd[1]) <= 1, `flicking up came back to ${flickedBack[1]}, not ${atEnd[1]}`);

    // People from the controls, and from there a message to Ben; a tap on the strip of grid
    // beside the drawer puts it away.
    await tap(ann, cdp, 'People');
    ({ ui } = await waitForState(ann, 'the drawer shows the people', (s) => Array.isArray(s.ui['Message Ben'])));
    assertFingerSized(ui, ['Message Ben']);
    await tap(ann, cdp, 'Message Ben');
    await waitForState(ann, 'Message opens the chat', (s) => Array.isArray(s.ui['Chat input']));
    // The recipient's list: each choice a fingertip high, and a tap on one chooses it.
    await tap(ann, cdp, 'Chat recipient');
    ({ ui } = await waitForState(ann, 'the list of recipients opens', (s) => Array.isArray(s.ui['Chat to Everyone'])));
    assertFingerSized(ui, ['Chat to Everyone', 'Chat to Ben']);
    await tap(ann, cdp, 'Chat to Everyone');
    ({ ui } = await waitForState(ann, 'the list closes', (s) => s.ui['Chat to Everyone'] === undefined));
    await tapAt(ann, cdp, { x: ui.Drawer[0] / 2, y: ui.Drawer[1] + ui.Drawer[3] / 2 });
    await waitForState(ann, 'a tap beside the drawer closes it', (s) => s.ui.Drawer === undefined);

    await tap(ann, cdp, 'Chat');
    await waitForState(ann, 'the drawer opens again', (s) => Array.isArray(s.ui.Drawer));
    await tap(ann, cdp, 'Close drawer');
    await waitForState(ann, 'Close closes it', (s) => s.ui.Drawer === undefined);
    assert.equal((await stateOf(ann)).media.muted, true, 'a tap on the drawer\'s controls unmuted');

    assert.deepEqual(errorsOf(ann), []);
    assert.deepEqual(errorsOf(ben), []);
  } finally {
    await hand.close();
    await desk.close();
  }
});

test('on a phone the lobby\'s controls and a public room\'s Join are a fingertip\'s size, and a tap joins', async () => {
  const room = await createRoom(shared.server.url, { name: 'Beach', public: true });
  const hand = await shared.browser.newContext(phone);
  try {
    const ann = await openPage(hand, `${shared.server.url}/?name=Ann`);
    const cdp = await hand.newCDPSession(ann);
    await waitForState(ann, 'the lobby lists the public room, in the UI\'s own fonts',
                       (s, id) => s.screen === 'lobby' && s.fonts.own && Array.isArray(s.ui[`Join ${id}`]), room);
    // The table's columns take their widths a frame or two after their content.
    await animationFrames(ann, 6);
    const { ui } = await stateOf(ann);
    const controls = ['Room name', 'Room password', 'Guest limit', 'Public', 'Create', 'Join name', 'Join by name',
                      `Join ${room}`];
    await screenshot(ann, 'phone-lobby');
    assertFingerSized(ui, controls);
    for (const name of controls) assert.ok(within(ui[name], [0, 0, 390, 844]), `${name} at ${ui[name]} is off screen`);
    await tap(ann, cdp, `Join ${room}`);
    await waitForState(ann, 'the tap leaves the lobby for the room', (s) => s.screen === 'prejoin' || s.screen === 'room');
    assert.deepEqual(errorsOf(ann), []);
  } finally {
    await hand.close();
  }
});

test('on a phone a long room name and a long name give way: the connection status and the tile\'s marks stay in view', async () => {
  const context = await shared.browser.newContext(phone);
  try {
    const room = await createRoom(shared.server.url, { name: 'Ежедневная встреча'.padEnd(64, 'я') });
    const name = 'Александра Константиновна Преображенская-Римская';
    const page = await openPage(context, `${shared.server.url}/room/${room}?name=${encodeURIComponent(name)}`);
    const state = await waitForState(page, 'in the call, with its status on the title\'s line',
                                     (s) => s.screen === 'room' && s.connection === 'open' && Array.isArray(s.ui['Connection status']));
    const [titleX, titleY, titleWidth] = state.ui['Room title'];
    const [statusX, statusY, statusWidth] = state.ui['Connection status'];
    assert.equal(statusY, titleY, 'the status is on the title\'s line');
    assert.ok(titleX + titleWidth < statusX && statusX + statusWidth <= 390, `the status is in view: ${state.ui['Connection status']}`);
    // The tile's label: the name cut short, "(you)" and the mute mark after it, within the tile.
    await page.keyboard.press('m');
    await waitForState(page, 'muted', (s) => s.media.muted === true);
    await animationFrames(page, 3);
    const [tileX, , tileWidth] = await itemRect(page, `Tile ${name} (you)`);
    const [labelX, , labelWidth] = await itemRect(page, `Name label ${name} (you)`);
    assert.ok(labelX >= tileX && labelX + labelWidth <= tileX + tileWidth,
              `the label ${labelX}+${labelWidth} is within the tile ${tileX}+${tileWidth}`);
    await screenshot(page, 'phone-long-names');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
