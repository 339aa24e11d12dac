// What a screen reader gets of Orbit: the page elements beside the canvas
// (bindings/browser/library_orbit_a11y.js), read from Chromium's own accessibility tree (CDP
// Accessibility.getFullAXTree), its fields and buttons found by role and name, focused with Tab
// or through their accessibility node, and typed into and pressed with the keyboard: the lobby,
// the pre-join screen, the call and the Left screen. Headless Chromium against a real orbit-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  createRoom as createRoomAt, errorsOf, openPage, serverAndBrowserPerFile, stateOf, waitForState,
} from './harness.mjs';

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
        focused: property('focused') === true, disabled: property('disabled') === true,
        checked: property('checked'), description: node.description?.value ?? '', text: textOf(node),
        backendId: node.backendDOMNodeId,
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

// Moves the focus to the element behind an accessibility node, as a screen reader does when
// the person picks it from its list of fields or buttons.
async function focusNode(page, node) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.focus', { backendNodeId: node.backendId });
  } finally {
    await cdp.detach();
  }
}

// The names of the buttons a screen reader finds on the page.
const buttonsIn = (tree) => tree.filter((node) => node.role === 'button').map((node) => node.name);

// Console errors, less Chromium's line for every 4xx answer: the API's 401 (a wrong password)
// and 409 (a taken name) are answers these tests ask for.
function unexpectedErrors(page) {
  return errorsOf(page).filter(
    (line) => !/Failed to load resource: the server responded with a status of (401|409)/.test(line));
}

const createRoom = (body) => createRoomAt(shared.server.url, body);

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

// A page at `url` in a 1000×600 context of its own, which goes into `contexts` for the test to close.
async function newPage(contexts, url) {
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
  contexts.push(context);
  return openPage(context, url);
}

test('a screen reader hears the people, the chat and the notifications, and its buttons act as the canvas\'s do', async () => {
  const contexts = [];
  const pages = {};
  for (const name of ['Ann', 'Ben']) {
    pages[name] = await newPage(contexts, `${shared.server.url}/room/a11y?name=${name}`);
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

    // A line to Ann alone: Ben picks her in "Send to", and the field's name says so.
    const recipient = only(await axTree(ben), 'combobox', 'Send to');
    await focusNode(ben, recipient);
    await ben.keyboard.press('ArrowDown');
    const privateField = ben.getByRole('textbox', { name: 'Private message to Ann' });
    await privateField.pressSequentially('just for Ann');
    await privateField.press('Enter');
    const annId = (await stateOf(ann)).self.id;
    const got = await waitForState(ann, 'Ann gets Ben\'s private line', (s) => s.messages.some((m) => m.text === 'just for Ann'));
    assert.equal(got.messages.find((m) => m.text === 'just for Ann').to, annId, 'the line went to Ann alone');
    assert.ok((await heard(ann)).lines.includes('Ben (private): just for Ann'));
    await focusNode(ben, recipient);
    await ben.keyboard.press('ArrowUp');
    await ben.getByRole('textbox', { name: 'Chat message to everyone' }).waitFor();

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
    assert.deepEqual(buttonsIn(ax.tree), ['Rejoin', 'Back to the lobby']);
    assert.ok(ax.tree.some((node) => node.text === 'You left "a11y".'), 'the Left screen says what it is');
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
    // The lobby's buttons, none of the call's.
    const lobbyButtons = buttonsIn(await axTree(page));
    assert.ok(lobbyButtons.includes('Create room') && !lobbyButtons.includes('Mute'), JSON.stringify(lobbyButtons));

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

test('from the home page the mirror alone opens a room, gets through the pre-join screen and joins under the typed name', async () => {
  const contexts = [];
  try {
    const ann = await newPage(contexts, `${shared.server.url}/`);
    await waitForState(ann, 'the lobby is up with its list', (s) => s.screen === 'lobby' && s.lobby.listed);
    let ax = await axTree(ann);
    // No public room yet, and the mirror says so.
    assert.ok(ax.some((node) => node.text === 'No public rooms yet: create one above.'), 'the empty list is told');
    // The lobby's fields and buttons, and nothing of the call or the other screens.
    for (const [role, name] of [['textbox', 'Room name'], ['textbox', 'Room password'],
                                ['spinbutton', 'Guest limit (0: the server\'s)'],
                                ['checkbox', 'Listed in public rooms'], ['button', 'Create room'],
                                ['textbox', 'Name of the room to join'], ['button', 'Join by name']]) {
      only(ax, role, name);
    }
    assert.equal(only(ax, 'checkbox', 'Listed in public rooms').checked, 'true');
    for (const name of ['Mute', 'Leave', 'Rejoin', 'Join the room']) {
      assert.ok(!buttonsIn(ax).includes(name), `no ${name} in the lobby: ${JSON.stringify(buttonsIn(ax))}`);
    }
    assert.ok(!ax.some((node) => node.name === 'Your name' || node.name === 'Chat message to everyone'));

    // Tab goes from the canvas to the lobby's first field.
    await ann.locator('#canvas').focus();
    await ann.keyboard.press('Tab');
    assert.ok(only(await axTree(ann), 'textbox', 'Room name').focused, 'Tab from the canvas reaches the room name');

    // The room's name, typed into the field a screen reader lists; Enter opens it.
    await focusNode(ann, only(ax, 'textbox', 'Name of the room to join'));
    await ann.keyboard.type('Mirror Hall');
    await ann.keyboard.press('Enter');
    await waitForState(ann, 'the pre-join screen of mirror-hall is up, the room looked up',
                       (s) => s.screen === 'prejoin' && s.prejoin.room === 'mirror-hall' && s.prejoin.access === 'open');
    const withCamera = await waitForState(ann, 'the camera and microphone are on',
                                          (s) => s.media.camera !== null && s.media.microphone !== null);
    ax = await axTree(ann);
    // The focus moved with the screen, to its name field, which says where and with what.
    const name = only(ax, 'textbox', 'Your name');
    assert.ok(name.focused, 'the focus is on the name field');
    assert.match(name.description, /mirror-hall/);
    assert.ok(name.description.includes(`Camera: ${withCamera.media.camera.label}`), name.description);
    assert.ok(name.description.includes(`Microphone: ${withCamera.media.microphone.label}`), name.description);
    assert.ok(!ax.some((node) => node.name === 'Room name' || node.name === 'Password'), 'the lobby is gone, no password asked');
    assert.deepEqual(buttonsIn(ax), ['Join the room']);

    await ann.keyboard.type('Ann Mirror');
    await ann.keyboard.press('Tab');
    assert.ok(only(await axTree(ann), 'button', 'Join the room').focused, 'Tab goes on to Join');
    await ann.keyboard.press('Space');
    const inside = await waitForState(ann, 'Ann is in the room', inRoom);
    assert.equal(inside.self.name, 'Ann Mirror');
    ax = await heard(ann);
    assert.ok(only(ax.tree, 'button', 'Mute').focused, 'the focus went on to the call\'s first button');
    assert.ok(ax.lines.includes('You are in the call.'), JSON.stringify(ax.lines));
    assert.ok(!ax.tree.some((node) => node.name === 'Your name' || node.name === 'Join the room'));

    // An ordinary page in the same room has her under the name typed in the mirror.
    const ben = await newPage(contexts, `${shared.server.url}/room/mirror-hall?name=Ben`);
    await waitForState(ben, 'Ben sees Ann Mirror', (s) => s.screen === 'room' && s.peers.some((p) => p.name === 'Ann Mirror'));
    await waitForState(ann, 'Ann hears Ben joined', (s) => s.peers.length === 1);
    assert.deepEqual((await heard(ann)).people, ['Ann Mirror (you)', 'Ben']);

    // Leave, then back to the lobby: the focus follows each screen.
    await focusNode(ann, only(await axTree(ann), 'button', 'Leave'));
    await ann.keyboard.press('Enter');
    await waitForState(ann, 'Ann left', (s) => s.screen === 'left');
    assert.ok(only(await axTree(ann), 'button', 'Rejoin').focused);
    await ann.keyboard.press('Tab');
    assert.ok(only(await axTree(ann), 'button', 'Back to the lobby').focused);
    await ann.keyboard.press('Enter');
    await waitForState(ann, 'Ann is back in the lobby', (s) => s.screen === 'lobby');
    ax = await axTree(ann);
    assert.ok(only(ax, 'textbox', 'Room name').focused, 'the focus is on the lobby\'s first field');
    assert.ok(!buttonsIn(ax).includes('Rejoin') && !buttonsIn(ax).includes('Mute'), JSON.stringify(buttonsIn(ax)));
    for (const page of [ann, ben]) assert.deepEqual(errorsOf(page), []);
  } finally {
    for (const context of contexts) await context.close();
  }
});

test('a password room asks for its password in the mirror, a wrong one is announced, the right one lets in', async () => {
  await createRoom({ name: 'Mirror Vault', password: 'sesame', public: false });
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
  try {
    const page = await openPage(context, `${shared.server.url}/`);
    await waitForState(page, 'the lobby is up', (s) => s.screen === 'lobby');
    await focusNode(page, only(await axTree(page), 'textbox', 'Name of the room to join'));
    await page.keyboard.type('Mirror Vault');
    await page.keyboard.press('Enter');
    await waitForState(page, 'the pre-join screen asks for the password',
                       (s) => s.screen === 'prejoin' && s.prejoin.room === 'mirror-vault' && s.prejoin.access === 'password');
    let ax = await heard(page);
    assert.ok(only(ax.tree, 'textbox', 'Your name').focused);
    assert.match(only(ax.tree, 'textbox', 'Your name').description, /protected by a password/);
    only(ax.tree, 'textbox', 'Password');

    await page.keyboard.type('Pat');
    await page.keyboard.press('Tab');
    assert.ok(only(await axTree(page), 'textbox', 'Password').focused, 'Tab goes on to the password');
    await page.keyboard.type('guess');
    await page.keyboard.press('Enter');
    await waitForState(page, 'the wrong password is refused',
                       (s) => s.prejoin.errorCode === 'wrong-password' && !s.prejoin.busy);
    ax = await heard(page);
    assert.ok(ax.lines.includes('Wrong password: try again.'), JSON.stringify(ax.lines));
    assert.ok(only(ax.tree, 'textbox', 'Password').focused, 'the focus stays on the password');

    await page.keyboard.press('Control+A');
    await page.keyboard.type('sesame');
    await page.keyboard.press('Enter');
    const inside = await waitForState(page, 'Pat is in', inRoom);
    assert.equal(inside.self.name, 'Pat');
    assert.equal(inside.room, 'mirror-vault');
    assert.ok(only(await axTree(page), 'button', 'Mute').focused);
    assert.deepEqual(unexpectedErrors(page), []);
  } finally {
    await context.close();
  }
});

test('the mirror lists the public rooms, each with its count and a Join button, and says why a room cannot be created', async () => {
  await createRoom({ name: 'Open Plaza', public: true });
  await createRoom({ name: 'Full House', public: true, guest_limit: 1 });
  const contexts = [];
  try {
    const cy = await newPage(contexts, `${shared.server.url}/room/full-house?name=Cy`);
    await waitForState(cy, 'Cy is in Full House', inRoom);
    const page = await newPage(contexts, `${shared.server.url}/`);
    await waitForState(page, 'the lobby lists both rooms, Full House with Cy in it',
                       (s) => s.screen === 'lobby' && s.lobby.rooms.some((r) => r.room_id === 'open-plaza') &&
                              s.lobby.rooms.some((r) => r.room_id === 'full-house' && r.clients === 1));
    let ax = await axTree(page);
    const list = only(ax, 'list', 'Public rooms');
    const items = list.children().map((item) => item.text);
    assert.ok(items.some((text) => /^Open Plaza: 0 of \d+ people, open(?!, full)/.test(text)), JSON.stringify(items));
    assert.ok(items.some((text) => text.startsWith('Full House: 1 of 1 people, open, full')), JSON.stringify(items));
    assert.equal(only(ax, 'button', 'Join Open Plaza').disabled, false);
    assert.equal(only(ax, 'button', 'Join Full House').disabled, true);

    // A taken name, announced.
    await focusNode(page, only(ax, 'textbox', 'Room name'));
    await page.keyboard.type('Open Plaza');
    await page.keyboard.press('Enter');
    await waitForState(page, 'the taken name is refused', (s) => s.lobby.createError !== '');
    ax = await heard(page);
    assert.ok(ax.lines.some((line) => line.startsWith('A room called "open-plaza" exists already')),
              JSON.stringify(ax.lines));
    assert.ok(only(ax.tree, 'textbox', 'Room name').focused, 'the focus stays in the form');

    // Its Join button opens the room.
    await focusNode(page, only(ax.tree, 'button', 'Join Open Plaza'));
    await page.keyboard.press('Enter');
    await waitForState(page, 'the pre-join screen of Open Plaza',
                       (s) => s.screen === 'prejoin' && s.prejoin.room === 'open-plaza');
    ax = await axTree(page);
    assert.ok(only(ax, 'textbox', 'Your name').focused);
    assert.ok(!ax.some((node) => node.role === 'list' && node.name === 'Public rooms'));
    assert.deepEqual(unexpectedErrors(page), []);
    assert.deepEqual(errorsOf(cy), []);
  } finally {
    for (const context of contexts) await context.close();
  }
});

test('the mirror lists the cameras and microphones, and one chosen there is the one the call takes', async () => {
  const contexts = [];
  try {
    const page = await newPage(contexts, `${shared.server.url}/room/devices-mirror`);
    const before = await waitForState(page, 'the pre-join screen has the devices and their names',
                                      (s) => s.screen === 'prejoin' && s.media.microphone !== null &&
                                             s.media.devices.filter((d) => d.kind === 'microphone' && d.label).length > 1);
    const microphones = before.media.devices.filter((d) => d.kind === 'microphone');
    // Chromium's fake devices: one camera, a default microphone and two more.
    const other = microphones.find((d) => d.label !== before.media.microphone.label);
    let ax = await axTree(page);
    const list = only(ax, 'combobox', 'Microphone');
    only(ax, 'combobox', 'Camera');
    const chosen = () => page.evaluate(() => [...document.querySelectorAll('.orbit-a11y [data-screen]:not([hidden]) [aria-label=Devices] select')]
      .map((select) => `${select.getAttribute('aria-label')}: ${select.selectedOptions[0]?.textContent ?? '(none)'}`));
    assert.deepEqual(await chosen(), [`Camera: ${before.media.camera.label}`, `Microphone: ${before.media.microphone.label}`]);

    // The keyboard picks another microphone, as a screen reader's user does: the call takes it.
    await focusNode(page, list);
    const steps = microphones.indexOf(other) - microphones.findIndex((d) => d.label === before.media.microphone.label);
    for (let i = 0; i < Math.abs(steps); i += 1) await page.keyboard.press(steps > 0 ? 'ArrowDown' : 'ArrowUp');
    await waitForState(page, `the microphone is ${other.label}`, (s, label) => s.media.microphone?.label === label,
                       other.label);

    // In the call, the call's own list says so, and the camera can be chosen there too.
    await focusNode(page, only(await axTree(page), 'textbox', 'Your name'));
    await page.keyboard.type('Dee');
    await focusNode(page, only(await axTree(page), 'button', 'Join the room'));
    await page.keyboard.press('Enter');
    await waitForState(page, 'in the call', inRoom);
    ax = await axTree(page);
    only(ax, 'combobox', 'Camera');
    only(ax, 'combobox', 'Microphone');
    assert.deepEqual(await chosen(), [`Camera: ${before.media.camera.label}`, `Microphone: ${other.label}`]);
    assert.equal((await stateOf(page)).media.microphone.label, other.label);
    assert.deepEqual(unexpectedErrors(page), []);
  } finally {
    for (const context of contexts) await context.close();
  }
});
