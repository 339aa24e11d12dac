// Keyboard-only use: joining a room, reaching the controls, muting, leaving and rejoining
// without the mouse; Escape closing menus; single-key shortcuts out of the way while a text
// field is typed into. Headless Chromium against a real orbit-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  animationFrames, clickItem, errorsOf, openPage, pressKey, screenshot, serverAndBrowserPerFile, stateOf,
  waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

const controls = ['Mute', 'Camera', 'Share screen', 'Devices', 'Keys', 'Leave'];

// Moves the keyboard's focus to `name` with the arrow keys, whichever way it lies: a key held
// across slow frames may repeat and overshoot, so each press looks again.
async function moveFocusTo(page, name, limit = 20) {
  for (let i = 0; i < limit; i += 1) {
    const { ui } = await stateOf(page);
    if (ui.focus === name) return;
    const target = ui[name];
    const at = ui[ui.focus];
    let key = 'ArrowDown';
    if (at && Math.abs(at[1] - target[1]) < target[3]) key = at[0] < target[0] ? 'ArrowRight' : 'ArrowLeft';
    else if (at && at[1] > target[1]) key = 'ArrowUp';
    await pressKey(page, key);
    await animationFrames(page, 3);
  }
  assert.equal((await stateOf(page)).ui.focus, name, `the arrow keys never brought the focus to ${name}`);
}

test('a room can be joined, muted and left with the keyboard alone', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
  try {
    const page = await openPage(context, `${shared.server.url}/room/keys-only`);
    await waitForState(page, 'the pre-join screen is up', (s) => s.screen === 'prejoin' && s.prejoin.access === 'open');
    // The name field has the keyboard from the start.
    await waitForState(page, 'the name field has the focus', (s) => s.ui.focus === 'Your name');
    await page.keyboard.type('Kim');
    await animationFrames(page, 2);
    await pressKey(page, 'Enter');
    await waitForState(page, 'Kim is in the room', (s) => s.screen === 'room' && s.connection === 'open');
    await waitForState(page, 'the microphone is on', (s) => s.media.microphone !== null && !s.media.muted);

    // The arrows reach the buttons; Space presses the one in focus.
    await animationFrames(page, 4);
    await moveFocusTo(page, 'Mute');
    await screenshot(page, 'keyboard-focus-on-mute');
    await pressKey(page, 'Space');
    await waitForState(page, 'Space on Mute muted the microphone', (s) => s.media.muted === true);
    await moveFocusTo(page, 'Camera');
    await pressKey(page, 'Space');
    await waitForState(page, 'Space on Camera turned it off', (s) => s.media.cameraEnabled === false);

    // Single-key shortcuts, listed by H; Escape closes the list.
    await pressKey(page, 'm');
    await waitForState(page, 'M unmuted', (s) => s.media.muted === false);
    await pressKey(page, 'v');
    await waitForState(page, 'V turned the camera back on', (s) => s.media.cameraEnabled === true);
    await pressKey(page, 'h');
    await waitForState(page, 'H shows the list of keys', (s) => Array.isArray(s.ui['Keys list']));
    await screenshot(page, 'keyboard-keys-list');
    await pressKey(page, 'Escape');
    await waitForState(page, 'Escape closed it', (s) => s.ui['Keys list'] === undefined);

    await pressKey(page, 'l');
    await waitForState(page, 'L left the room', (s) => s.screen === 'left');
    // The Left screen: Rejoin has the keyboard, and Space brings Kim back.
    await waitForState(page, 'Rejoin has the focus', (s) => s.ui.focus === 'Rejoin');
    await screenshot(page, 'keyboard-left-screen');
    await pressKey(page, 'Space');
    await waitForState(page, 'Kim is back in the room', (s) => s.screen === 'room' && s.connection === 'open'
      && s.self.name === 'Kim');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('Escape closes the Devices menu and the recipient list, and typing M in the chat is just a letter', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
  try {
    const page = await openPage(context, `${shared.server.url}/room/keys-escape?name=Ann`);
    await waitForState(page, 'Ann is in the room', (s) => s.screen === 'room' && s.connection === 'open');
    await waitForState(page, 'the devices are known', (s) => s.media.microphone !== null);

    await clickItem(page, 'Devices');
    await waitForState(page, 'the Devices menu is open', (s) => Array.isArray(s.ui['Devices menu']));
    const [, menuTop, , menuHeight] = (await stateOf(page)).ui['Devices menu'];
    for (const name of controls) {
      const [, top] = (await stateOf(page)).ui[name];
      assert.ok(menuTop + menuHeight <= top, `the Devices menu covers ${name}`);
    }
    await pressKey(page, 'Escape');
    await waitForState(page, 'Escape closed the Devices menu', (s) => s.ui['Devices menu'] === undefined);

    await clickItem(page, 'Chat recipient');
    await waitForState(page, 'the recipient list is open', (s) => Array.isArray(s.ui['Chat to Everyone']));
    await pressKey(page, 'Escape');
    await waitForState(page, 'Escape closed the recipient list', (s) => s.ui['Chat to Everyone'] === undefined);

    await clickItem(page, 'Chat input');
    await page.keyboard.type('mvl');
    await pressKey(page, 'Enter');
    await waitForState(page, 'the letters are sent as text', (s) => s.messages.some((m) => m.text === 'mvl'));
    const state = await stateOf(page);
    assert.equal(state.media.muted, false);
    assert.equal(state.media.cameraEnabled, true);
    assert.equal(state.screen, 'room');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

// Where the page's keyboard focus is: the call's canvas, its hidden field for typed text (one
// of the canvas's text fields is being typed into), or a page element by its label.
function pageFocus(page) {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (active === document.getElementById('canvas')) return 'canvas';
    if (active.tagName === 'TEXTAREA' && active.getAttribute('aria-hidden') === 'true') return 'canvas text field';
    return `${active.tagName.toLowerCase()} ${active.getAttribute('aria-label') ?? active.textContent}` +
           (active.tagName === 'INPUT' ? `: ${active.value}` : '');
  });
}

// What the page's copy of the call's chat field holds.
function pageChatField(page) {
  return page.evaluate(() => document.querySelector('.orbit-a11y [data-screen=room] form input').value);
}

// Whom the page's copy of the chat sends to, and what its field is called.
function pageRecipient(page) {
  return page.evaluate(() => {
    const form = document.querySelector('.orbit-a11y [data-screen=room] form');
    return { to: form.querySelector('select').selectedOptions[0]?.textContent,
             field: form.querySelector('input').getAttribute('aria-label') };
  });
}

async function pressTab(page, { shift = false } = {}) {
  if (shift) await page.keyboard.down('Shift');
  await pressKey(page, 'Tab');
  if (shift) await page.keyboard.up('Shift');
  await animationFrames(page, 2);
}

test('Tab goes from each of the canvas\'s text fields to the next, and from the last on to the page, keeping what was typed', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
  try {
    // The pre-join screen's one field: Tab takes the name typed into it to the page's copy of the
    // screen (library_orbit_a11y.js), and the page's Join joins under it.
    const page = await openPage(context, `${shared.server.url}/room/tab-out`);
    await waitForState(page, 'the pre-join screen is up', (s) => s.screen === 'prejoin' && s.prejoin.access === 'open');
    await waitForState(page, 'the name field has the focus', (s) => s.ui.focus === 'Your name');
    assert.equal(await pageFocus(page), 'canvas text field');
    await page.keyboard.type('Kim');
    await animationFrames(page, 2);
    await pressTab(page);
    assert.equal(await pageFocus(page), 'input Your name: Kim');
    // The other way: what is typed on the page is in the canvas's field, whose Join takes it.
    await page.keyboard.type('Lee');  // Tab selected the field's text: typing replaces it
    await pressTab(page, { shift: true });
    assert.equal(await pageFocus(page), 'canvas');
    await page.keyboard.type('xyz');  // the canvas has the keyboard, but no field of it is typed into
    await animationFrames(page, 2);
    await clickItem(page, 'Join');
    await waitForState(page, 'Lee is in the room', (s) => s.screen === 'room' && s.self.name === 'Lee');

    // The chat's field: a line half typed stays while the keyboard is on the page's controls.
    await clickItem(page, 'Chat input');
    await page.keyboard.type('half a line');
    await animationFrames(page, 2);
    await pressTab(page);
    assert.equal(await pageFocus(page), 'button Mute');
    assert.equal(await pageChatField(page), 'half a line');  // the page's chat field has it too
    await clickItem(page, 'Chat input');
    await pressKey(page, 'Enter');
    await waitForState(page, 'the line typed before Tab is sent', (s) => s.messages.some((m) => m.text === 'half a line'));
    await animationFrames(page, 2);
    assert.equal(await pageChatField(page), '');  // sent from either, it leaves both

    // Whom a line goes to is one choice too. Ann comes in; the canvas's list picks her, and the
    // page's list and field say so; the page's list picks Everyone, and the canvas's line goes
    // to everyone.
    const annContext = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
    try {
      const ann = await openPage(annContext, `${shared.server.url}/room/tab-out?name=Ann`);
      await waitForState(ann, 'Ann is in the room', (s) => s.screen === 'room' && s.self.name === 'Ann');
      await waitForState(page, 'Lee sees Ann in the room', (s) => s.roomInfo?.clients.length === 2);
      await clickItem(page, 'Chat recipient');
      await clickItem(page, 'Chat to Ann');
      await animationFrames(page, 2);
      assert.deepEqual(await pageRecipient(page), { to: 'Ann', field: 'Private message to Ann' });
      await page.focus('.orbit-a11y select[aria-label="Send to"]');
      await pressKey(page, 'ArrowUp');
      assert.deepEqual(await pageRecipient(page), { to: 'Everyone', field: 'Chat message to everyone' });
      await clickItem(page, 'Chat input');
      await page.keyboard.type('to all');
      await pressKey(page, 'Enter');
      const got = await waitForState(ann, 'Ann gets the line', (s) => s.messages.some((m) => m.text === 'to all'));
      assert.ok(!got.messages.find((m) => m.text === 'to all').to, 'the line went to everyone');
    } finally {
      await annContext.close();
    }

    // The lobby's fields, one after the other in the canvas; the last one's Tab leaves it.
    await page.goto(`${shared.server.url}/`);
    await waitForState(page, 'the lobby is up', (s) => s.screen === 'lobby');
    await clickItem(page, 'Room name');
    await page.keyboard.type('Hall');
    for (const [next, typed] of [['Room password', 'sesame'], ['Guest limit', ''], ['Join name', '']]) {
      await pressTab(page);
      await waitForState(page, `Tab went on to ${next}`, (s, name) => s.ui.focus === name, next);
      assert.equal(await pageFocus(page), 'canvas text field');
      await page.keyboard.type(typed);
    }
    await pressTab(page, { shift: true });
    await waitForState(page, 'Shift+Tab went back to Guest limit', (s) => s.ui.focus === 'Guest limit');
    await pressTab(page);
    await pressTab(page);
    // The page's copy of the lobby has what was typed into the canvas.
    assert.equal(await pageFocus(page), 'input Room name: Hall');
    await screenshot(page, 'keyboard-tab-out-of-the-lobby');
    await pressTab(page);
    assert.equal(await pageFocus(page), 'input Room password: sesame');
    // The other way: a name typed on the page is the canvas's.
    await pressTab(page, { shift: true });
    await page.keyboard.type('Yard');  // Tab selected the field's text: typing replaces it
    await pressTab(page, { shift: true });
    assert.equal(await pageFocus(page), 'canvas');
    // Nothing typed was lost on the way: the canvas's Create makes the room under the name typed
    // on the page, with the password typed in the canvas.
    await clickItem(page, 'Create');
    await waitForState(page, 'the room Yard is created and opened', (s) => s.screen !== 'lobby' && s.prejoin.room === 'yard');
    const yard = await (await fetch(`${shared.server.url}/api/rooms/yard`)).json();
    assert.equal(yard.has_password, true);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
