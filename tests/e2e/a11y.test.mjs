// What a screen reader gets of a call: the page elements beside the canvas
// (bindings/browser/library_orbit_a11y.js), read from Chromium's own accessibility tree (CDP
// Accessibility.getFullAXTree), and its buttons pressed through their roles. Headless Chromium
// against a real orbit-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { errorsOf, openPage, serverAndBrowserPerFile, stateOf, waitForState } from './harness.mjs';

const shared = serverAndBrowserPerFile();

// The page's accessibility tree as Chromium gives it to assistive technology: each node not
// ignored, with its role, name, states and the text under it.
async function axTree(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const byId = new Map(nodes.map((node) => [node.nodeId, node]));
    const childrenOf = (node) => (node.childIds ?? []).map((id) => byId.get(id)).filter(Boolean);
    const textOf = (node) => (node.role?.value === 'StaticText' ? node.name?.value ?? ''
                                                                 : childrenOf(node).map(textOf).join(''));
    const shape = (node) => {
      const property = (name) => node.properties?.find((p) => p.name === name)?.value?.value;
      return {
        role: node.role?.value, name: node.name?.value ?? '', pressed: property('pressed'), live: property('live'),
        focused: property('focused') === true, text: textOf(node),
        children: () => childrenOf(node).filter((child) => !child.ignored).map(shape),
      };
    };
    return nodes.filter((node) => !node.ignored).map(shape);
  } finally {
    await cdp.detach();
  }
}

function only(tree, role, name) {
  const found = tree.filter((node) => node.role === role && node.name === name);
  assert.equal(found.length, 1, `one ${role} "${name}" in the accessibility tree, not ${found.length}: ` +
               JSON.stringify(tree.map((node) => `${node.role} "${node.name}"`)));
  return found[0];
}

// The lines of the live region and the people list (null when there is none), as a screen
// reader has them.
async function heard(page) {
  const tree = await axTree(page);
  const log = only(tree, 'log', 'Chat and notifications');
  assert.equal(log.live, 'polite');
  const list = tree.find((node) => node.role === 'list' && node.name === 'People in the call');
  return { tree, people: list ? list.children().map((item) => item.text) : null,
           lines: log.children().map((line) => line.text) };
}

const inRoom = (s) => s.screen === 'room' && s.connection === 'open';

// Whether the button is on screen where it lies: what a click at its middle would hit.
function shown(page, name) {
  return page.getByRole('button', { name }).evaluate((button) => {
    const box = button.getBoundingClientRect();
    return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === button;
  });
}

test('a screen reader hears the people, the chat and the notifications, and its buttons act as the canvas\'s do', async () => {
  const contexts = [];
  const pages = {};
  for (const name of ['Ann', 'Ben']) {
    const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
    contexts.push(context);
    pages[name] = await openPage(context, `${shared.server.url}/room/a11y?name=${name}`);
    await waitForState(pages[name], `${name} is in the room`, inRoom);
  }
  const { Ann: ann, Ben: ben } = pages;
  try {
    await waitForState(ann, 'Ann knows whether Ben is muted', (s) => s.peers.length === 1 && s.peers[0].muted === false);
    await waitForState(ben, 'Ben knows whether Ann is muted', (s) => s.peers.length === 1 && s.peers[0].muted === false);

    // What the canvas is, and who is in the call.
    let ax = await heard(ann);
    only(ax.tree, 'application', 'Orbit video call');
    assert.deepEqual(ax.people, ['Ann (you)', 'Ben']);
    assert.ok(ax.lines.includes('Ben joined'), JSON.stringify(ax.lines));
    const mute = only(ax.tree, 'button', 'Mute');
    assert.equal(mute.pressed, 'false');

    // Ben types a line into his page's chat field; Ann's live region says it once.
    const field = ben.getByRole('textbox', { name: 'Chat message to everyone' });
    await field.pressSequentially('hello from Ben');
    await field.press('Enter');
    await waitForState(ann, 'Ann gets Ben\'s line', (s) => s.messages.some((m) => m.text === 'hello from Ben'));
    assert.equal(await field.inputValue(), '', 'the field is emptied once the line is sent');
    assert.equal((await stateOf(ben)).media.muted, false, 'the M typed there was a letter, not the call\'s shortcut');
    ax = await heard(ann);
    assert.deepEqual(ax.lines.filter((line) => line === 'Ben: hello from Ben'), ['Ben: hello from Ben'],
                     JSON.stringify(ax.lines));

    // Ann mutes with the button found by its role: the client, the canvas and Ben all see it.
    await ann.getByRole('button', { name: 'Mute' }).press('Enter');
    await waitForState(ann, 'the mirror\'s Mute muted Ann', (s) => s.media.muted === true);
    await waitForState(ann, 'the canvas offers Unmute', (s) => Array.isArray(s.ui.Unmute));
    await waitForState(ben, 'Ben sees Ann muted', (s) => s.peers[0].muted === true);
    ax = await heard(ann);
    assert.equal(only(ax.tree, 'button', 'Mute').pressed, 'true');
    assert.deepEqual(ax.people, ['Ann (you), muted', 'Ben']);
    assert.deepEqual((await heard(ben)).people, ['Ben (you)', 'Ann, muted']);
    // Still said once, after many more updates.
    assert.equal(ax.lines.filter((line) => line === 'Ben: hello from Ben').length, 1, JSON.stringify(ax.lines));

    // The camera and a screen share, the same way.
    await ann.getByRole('button', { name: 'Camera off' }).click();
    await waitForState(ann, 'the camera went off', (s) => s.media.cameraEnabled === false);
    await waitForState(ben, 'Ben sees Ann\'s camera off', (s) => s.peers[0].cameraOff === true);
    assert.deepEqual((await heard(ben)).people, ['Ben (you)', 'Ann, muted, camera off']);
    await ann.getByRole('button', { name: 'Share screen' }).click();
    await waitForState(ann, 'Ann shares her screen', (s) => s.media.screen !== null);
    await waitForState(ben, 'Ben sees the share', (s) => s.peers[0].sharingScreen === true);
    assert.equal(only((await axTree(ann)), 'button', 'Share screen').pressed, 'true');
    // (In a mesh the screen goes out in the camera's place: Ben's client no longer says "camera off".)
    assert.match((await heard(ben)).people[1], /^Ann, muted, .*sharing the screen$/);
    await ann.getByRole('button', { name: 'Share screen' }).click();
    await waitForState(ann, 'the share stopped', (s) => s.media.screen === null);
    await ann.getByRole('button', { name: 'Mute' }).click();
    await waitForState(ben, 'Ben sees Ann unmuted', (s) => s.peers[0].muted === false);

    // Tab goes from the call's canvas to these controls, which show while they have the focus.
    await ann.locator('#canvas').focus();
    await ann.keyboard.press('Tab');
    ax = await axTree(ann);
    assert.ok(only(ax, 'button', 'Mute').focused, 'Tab from the canvas reaches Mute');
    assert.ok(await shown(ann, 'Mute'), 'the focused button is shown');
    await ann.keyboard.press('Tab');
    assert.ok(only(await axTree(ann), 'button', 'Camera off').focused, 'then the camera');
    await ann.keyboard.press('Shift+Tab');
    await ann.keyboard.press('Shift+Tab');
    assert.ok(only(await axTree(ann), 'application', 'Orbit video call').focused, 'Shift+Tab goes back to the call');
    // Unfocused again, the buttons are out of sight.
    assert.equal(await shown(ann, 'Mute'), false, 'Mute is hidden again');

    // Leave, then Rejoin, which takes the focus from the button that went away.
    await ann.getByRole('button', { name: 'Leave' }).press('Enter');
    await waitForState(ann, 'Ann left', (s) => s.screen === 'left');
    await waitForState(ben, 'Ben sees Ann go', (s) => s.peers.length === 0);
    ax = await heard(ann);
    assert.ok(only(ax.tree, 'button', 'Rejoin').focused, 'the focus is on Rejoin');
    assert.ok(ax.lines.includes('You left the call.'), JSON.stringify(ax.lines));
    assert.deepEqual(ax.tree.filter((node) => node.role === 'button').map((node) => node.name), ['Rejoin']);
    assert.equal(ax.people, null);
    assert.ok((await heard(ben)).lines.includes('Ann left'));
    await ann.keyboard.press('Enter');
    await waitForState(ann, 'Ann is back', inRoom);
    await waitForState(ben, 'Ben sees Ann back', (s) => s.peers.length === 1);
    await waitForState(ann, 'Ann sees Ben again', (s) => s.peers.length === 1 && s.peers[0].muted === false);
    ax = await heard(ann);
    assert.deepEqual(ax.people, ['Ann (you), camera off', 'Ben']);  // as she left it
    assert.equal(ax.lines.at(-1), 'You are in the call.');

    for (const page of [ann, ben]) assert.deepEqual(errorsOf(page), []);
  } finally {
    for (const context of contexts) await context.close();
  }
});

test('destroy() takes the page elements away with the call, and mount() puts them back', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 800, height: 500 } });
  try {
    const page = await openPage(context, `${shared.server.url}/`);
    await waitForState(page, 'the lobby is up', (s) => s.screen === 'lobby');
    const mirror = () => page.evaluate(() => {
      const canvas = document.getElementById('canvas');
      return { mirrors: document.querySelectorAll('.orbit-a11y').length,
               nextToCanvas: canvas.nextElementSibling?.className === 'orbit-a11y',
               role: canvas.getAttribute('role'), label: canvas.getAttribute('aria-label') };
    });
    assert.deepEqual(await mirror(), { mirrors: 1, nextToCanvas: true, role: 'application', label: 'Orbit video call' });
    // No call yet: nothing to press.
    assert.equal((await axTree(page)).filter((node) => node.role === 'button').length, 0);

    await page.evaluate(() => window.orbit.destroy());
    assert.deepEqual(await mirror(), { mirrors: 0, nextToCanvas: false, role: null, label: null });
    assert.equal(await stateOf(page), null);

    await page.evaluate(() => { window.orbit = Orbit.mount('#canvas', { server: window.location.origin }); });
    await waitForState(page, 'the lobby is back', (s) => s.screen === 'lobby');
    assert.deepEqual(await mirror(), { mirrors: 1, nextToCanvas: true, role: 'application', label: 'Orbit video call' });
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
