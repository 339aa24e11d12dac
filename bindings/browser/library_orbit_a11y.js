// Every screen of the client as page elements beside its canvas, for screen readers and for Tab:
// a canvas is one opaque image to assistive technology. The lobby (its forms and the public
// rooms), the pre-join screen (what it says, the name and password fields, Join), the call (its
// buttons, the people, the chat) and the Left screen (Rejoin, Back to the lobby): only the
// current screen's are present. Visually hidden until one of its controls has the focus.
// Built from the client's state (orbit_embed_state), never from pixels, and only when that state
// changes (orbit_platform_state_changed, a microtask later so that a burst of changes is one
// update); its buttons send commands (orbit_embed_command), which call what the canvas's own
// buttons call. Added by orbit_platform_init, removed with the rest of OrbitPage.undo.
mergeInto(LibraryManager.library, {
  $OrbitA11y__deps: ['$OrbitPage', '$stringToNewUTF8', 'free'],
  $OrbitA11y: {
    parts: null,
    pending: false,
    screen: null,
    seen: {},
    told: {},

    mount: function(canvas) {
      var root = document.createElement('div');
      var id = 'orbit-a11y-' + Math.random().toString(36).slice(2);
      // The standard clip technique, not display: none, which would hide it from screen readers
      // too. Shown as a panel over the canvas's corner while one of its controls has the focus.
      root.className = 'orbit-a11y';
      // The camera and microphone to take, on the pre-join screen and in the call.
      var devices = '<div role="group" aria-label="Devices"><select aria-label="Camera"></select> ' +
                    '<select aria-label="Microphone"></select></div>';
      root.innerHTML =
        '<style>.orbit-a11y:not(:focus-within),.orbit-a11y .orbit-a11y-hidden{position:absolute;width:1px;' +
        'height:1px;margin:-1px;padding:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap}' +
        '.orbit-a11y:focus-within{position:fixed;left:var(--x);top:var(--y);z-index:2147483647;padding:8px;' +
        'max-height:calc(100vh - var(--y) - 20px);overflow:auto;background:#0f1217;color:#e8e8e8;' +
        'border:2px solid #ffd84d}.orbit-a11y [hidden]{display:none!important}' +
        '.orbit-a11y [aria-pressed=true]{background:#ffd84d}</style>' +
        '<p class="orbit-a11y-hidden" id="' + id + '"></p>' +
        // The lobby, in the canvas's order: create, join by name, the public rooms.
        '<div data-screen="lobby" hidden>' +
        '<form aria-label="Create a room"><input name="name" aria-label="Room name" autocomplete="off"> ' +
        '<input name="password" type="password" aria-label="Room password" autocomplete="new-password"> ' +
        '<input name="limit" type="number" min="0" value="0" aria-label="Guest limit (0: the server\'s)"> ' +
        '<label><input name="public" type="checkbox" checked> Listed in public rooms</label> ' +
        '<button>Create room</button><p></p></form>' +
        '<form aria-label="Join a room by its name"><input name="name" aria-label="Name of the room to join" ' +
        'autocomplete="off"> <button>Join by name</button><p></p></form>' +
        '<p></p><ul aria-label="Public rooms"></ul></div>' +
        // The pre-join screen: what it says is the name field's description.
        '<div data-screen="prejoin" hidden><p id="' + id + '-prejoin"></p>' +
        '<form aria-label="Join the room"><input name="name" aria-label="Your name" autocomplete="off" ' +
        'aria-describedby="' + id + '-prejoin"> <input name="password" type="password" aria-label="Password" ' +
        'autocomplete="off"> <button>Join the room</button> <button type="button">Wait for a place</button> ' +
        '<button type="button">Stop waiting</button><p></p></form>' + devices + '</div>' +
        // The call.
        '<div data-screen="room" hidden><div role="group" aria-label="Call controls">' +
        '<button aria-pressed="false">Mute</button> <button aria-pressed="false">Camera off</button> ' +
        '<button aria-pressed="false">Share screen</button> <button>Leave</button></div>' + devices +
        '<ul class="orbit-a11y-hidden" aria-label="People in the call"></ul>' +
        '<form><select aria-label="Send to"><option value="">Everyone</option></select> ' +
        '<input aria-label="Chat message to everyone" autocomplete="off"> <button>Send</button></form></div>' +
        // The Left screen.
        '<div data-screen="left" hidden><p></p><button>Rejoin</button> <button>Back to the lobby</button></div>' +
        '<div class="orbit-a11y-hidden" role="log" aria-live="polite" aria-label="Chat and notifications"></div>';
      var screens = {};
      root.querySelectorAll('[data-screen]').forEach(function(element) { screens[element.dataset.screen] = element; });
      var lobbyForms = screens.lobby.querySelectorAll('form');
      var lobbyNotes = screens.lobby.querySelectorAll('p');
      var preJoinForm = screens.prejoin.querySelector('form');
      var preJoinButtons = preJoinForm.querySelectorAll('button');
      var callButtons = screens.room.querySelectorAll('[role=group] button');
      var chat = screens.room.querySelector('form');
      var leftButtons = screens.left.querySelectorAll('button');
      var parts = OrbitA11y.parts = {
        root: root, canvas: canvas, screens: screens, keys: root.querySelector('#' + id),
        create: lobbyForms[0], createError: lobbyNotes[0], joinByName: lobbyForms[1], joinError: lobbyNotes[1],
        roomsNote: lobbyNotes[2], rooms: screens.lobby.querySelector('ul'),
        preJoinSays: screens.prejoin.querySelector('p'), preJoin: preJoinForm, join: preJoinButtons[0],
        waitForPlace: preJoinButtons[1], stopWaiting: preJoinButtons[2], preJoinError: preJoinForm.querySelector('p'),
        callButtons: callButtons, people: screens.room.querySelector('ul'), chat: chat, input: chat.querySelector('input'),
        recipient: chat.querySelector('select'),
        leftSays: screens.left.querySelector('p'), log: root.querySelector('[role=log]'),
        devices: { prejoin: screens.prejoin.querySelectorAll('[aria-label=Devices] select'),
                   room: screens.room.querySelectorAll('[aria-label=Devices] select') },
      };
      // The control each screen's focus goes to when that screen comes up under it.
      parts.first = {
        lobby: parts.create.elements.name, prejoin: parts.preJoin.elements.name, room: callButtons[0], left: leftButtons[0],
      };
      var submit = function(form, send) {
        form.addEventListener('submit', function(event) {
          event.preventDefault();
          send();
        });
      };

      submit(parts.create, function() {
        var fields = parts.create.elements;
        OrbitA11y.forget('createError');
        OrbitA11y.command({ command: 'createRoom', name: fields.name.value, password: fields.password.value,
                            public: fields.public.checked, guestLimit: Math.trunc(Number(fields.limit.value) || 0) });
      });
      submit(parts.joinByName, function() {
        OrbitA11y.forget('joinError');
        OrbitA11y.command({ command: 'openRoom', name: parts.joinByName.elements.name.value });
      });
      var asTyped = function(command) {
        var fields = parts.preJoin.elements;
        OrbitA11y.forget('preJoinError');
        OrbitA11y.command({ command: command, name: fields.name.value, password: fields.password.value });
      };
      submit(parts.preJoin, function() { asTyped('join'); });
      parts.waitForPlace.addEventListener('click', function() { asTyped('waitForPlace'); });
      parts.stopWaiting.addEventListener('click', function() { OrbitA11y.command({ command: 'stopWaiting' }); });
      // The fields the canvas has too, by their keys in the drafts (orbit_a11y_drafts): the two
      // show one value, so that Tab from one to the other finds what was typed, and either's
      // button sends the same thing. Each edit here goes to the drafts, and the canvas shows it.
      parts.drafts = [
        [parts.create.elements.name, 'roomName'], [parts.create.elements.password, 'roomPassword'],
        [parts.create.elements.limit, 'guestLimit'], [parts.create.elements.public, 'isPublic'],
        [parts.joinByName.elements.name, 'joinName'], [parts.preJoin.elements.name, 'name'],
        [parts.preJoin.elements.password, 'password'], [parts.input, 'chatText'], [parts.recipient, 'chatTo'],
      ];
      parts.drafts.forEach(function(draft) {
        var field = draft[0];
        field.addEventListener(field.type === 'checkbox' ? 'change' : 'input', function() {
          var edit = { command: 'draft' };
          edit[draft[1]] = field.type === 'checkbox' ? field.checked
                         : field.type === 'number' ? Math.max(-2147483648, Math.min(2147483647, Math.trunc(Number(field.value)) || 0))
                         : field.value;
          OrbitA11y.command(edit);
        });
      });

      // Each call button's command, from the state as it is when pressed.
      [function(media) { return { command: 'setMuted', muted: !media.muted }; },
       function(media) { return { command: 'setCamera', on: !media.cameraEnabled }; },
       function(media) { return { command: 'setScreenShare', on: !media.screen }; },
       function() { return { command: 'leave' }; }].forEach(function(command, i) {
        callButtons[i].addEventListener('click', function() {
          var state = OrbitA11y.read();
          if (state) OrbitA11y.command(command(state.media));
        });
      });
      // The field's name says whom it goes to at once, not at the next change of state.
      parts.recipient.addEventListener('change', function() { OrbitA11y.nameChatField(); });
      submit(chat, function() {
        // A line refused stays in the field, and the log says why.
        var line = { command: 'sendText', text: parts.input.value };
        if (parts.recipient.value) line.to = parts.recipient.value;
        if (parts.input.value && !OrbitA11y.command(line)) {
          parts.input.value = '';
          OrbitA11y.command({ command: 'draft', chatText: '' });
        }
      });
      ['prejoin', 'room'].forEach(function(screen) {
        OrbitA11y.deviceKinds.forEach(function(kind, i) {
          var select = parts.devices[screen][i];
          select.addEventListener('change', function() {
            if (select.value) OrbitA11y.command({ command: 'switchDevice', kind: kind, deviceId: select.value });
          });
        });
      });
      leftButtons[0].addEventListener('click', function() { OrbitA11y.command({ command: 'rejoin' }); });
      leftButtons[1].addEventListener('click', function() { OrbitA11y.command({ command: 'backToLobby' }); });

      root.addEventListener('focusin', function() {
        var rect = canvas.getBoundingClientRect();
        root.style.setProperty('--x', Math.max(0, rect.left) + 'px');
        root.style.setProperty('--y', Math.max(0, rect.top) + 'px');
      });
      // After the canvas, so that Tab goes from the call to its controls and Shift+Tab back.
      canvas.after(root);

      // What the canvas is, unless the page has said so itself. "application": a screen reader
      // passes the call's single-key shortcuts through while it has the focus.
      var own = { role: 'application', 'aria-label': 'Orbit video call', 'aria-describedby': id };
      Object.keys(own).forEach(function(name) {
        var value = canvas.getAttribute(name);
        if (value === null) canvas.setAttribute(name, own[name]);
        own[name] = value;
      });
      OrbitPage.undo.push(function() {
        Object.keys(own).forEach(function(name) {
          if (own[name] === null) canvas.removeAttribute(name);
        });
        root.remove();
        OrbitA11y.parts = OrbitA11y.screen = null;
        OrbitA11y.seen = {};
        OrbitA11y.told = {};
      });
      OrbitA11y.update(null);
    },

    read: function() {
      return JSON.parse(UTF8ToString(_orbit_embed_state()));
    },

    // The fields take the drafts, except the one being typed into.
    fillDrafts: function() {
      var parts = OrbitA11y.parts;
      if (!parts) return;
      var drafts = JSON.parse(UTF8ToString(_orbit_a11y_drafts()));
      parts.drafts.forEach(function(draft) {
        var field = draft[0];
        var value = drafts[draft[1]];
        if (field === document.activeElement || value === undefined) return;
        if (field.type === 'checkbox') {
          if (field.checked !== value) field.checked = value;
        } else if (field.value !== String(value)) {
          field.value = String(value);
          if (field.selectedIndex < 0) field.value = '';  // a choice not listed (yet)
        }
      });
      OrbitA11y.nameChatField();
    },

    // Runs a command; a refusal is said in the log, and returned.
    command: function(payload) {
      var json = stringToNewUTF8(JSON.stringify(payload));
      var refusal = _orbit_embed_command(json);
      _free(json);
      if (refusal) OrbitA11y.say('Not done: ' + UTF8ToString(refusal));
      return refusal;
    },

    say: function(text) {
      var log = OrbitA11y.parts.log;
      log.appendChild(document.createElement('p')).textContent = text;
      if (log.childNodes.length > 100) log.firstChild.remove();
    },

    // The error shown under `key` is said again even if it comes back the same: the person
    // pressed the button again.
    forget: function(key) {
      delete OrbitA11y.told[key];
    },

    changed: function() {
      if (!OrbitA11y.parts || OrbitA11y.pending) return;
      OrbitA11y.pending = true;
      queueMicrotask(function() {
        OrbitA11y.pending = false;
        if (OrbitA11y.parts) OrbitA11y.update(OrbitA11y.read());
      });
    },

    // The entries of `list` (the state's latest chat lines, or notifications) that came since the
    // last update, told apart by `key`: the state keeps only the latest, so the new list is the
    // old one with some dropped from its start and some added at its end.
    fresh: function(kind, list, key) {
      var before = OrbitA11y.seen[kind] || [];
      var keys = OrbitA11y.seen[kind] = list.map(key);
      for (var drop = 0; drop < before.length; drop++) {
        var kept = before.length - drop;
        var same = kept <= keys.length;
        for (var i = 0; same && i < kept; i++) same = before[drop + i] === keys[i];
        if (same) return list.slice(kept);
      }
      return list;
    },

    // Writes only what differs, so that an update changes nothing a screen reader is reading.
    show: function(element, on) {
      if (element.hidden === on) element.hidden = !on;
    },
    text: function(element, text) {
      if (element.textContent !== text) element.textContent = text;
    },
    attribute: function(element, name, value) {
      if (element.getAttribute(name) !== value) element.setAttribute(name, value);
    },

    // An error a screen shows, said in the log once when it appears (and shown under its form).
    error: function(key, element, text, said) {
      OrbitA11y.text(element, text);
      OrbitA11y.show(element, text !== '');
      if (text && OrbitA11y.told[key] !== text) said.push({ time: Infinity, text: text });
      OrbitA11y.told[key] = text;
    },

    // The lobby: its errors, and the public rooms, each with its Join button (kept across
    // updates, so that the one in focus stays in focus).
    updateLobby: function(lobby, said) {
      var parts = OrbitA11y.parts;
      OrbitA11y.error('createError', parts.createError, lobby.createError, said);
      OrbitA11y.error('joinError', parts.joinError, lobby.joinError, said);
      OrbitA11y.attribute(parts.create.querySelector('button'), 'aria-disabled', String(lobby.creating));
      var list = parts.rooms;
      var active = document.activeElement;
      var inList = list.contains(active);
      var before = {};
      Array.from(list.children).forEach(function(item) { before[item.dataset.room] = item; });
      lobby.rooms.forEach(function(room, i) {
        var item = before[room.room_id];
        delete before[room.room_id];
        if (!item) {
          item = document.createElement('li');
          item.dataset.room = room.room_id;
          item.innerHTML = '<span></span> <button>Join</button>';
          item.querySelector('button').addEventListener('click', function() {
            var button = item.querySelector('button');
            if (button.getAttribute('aria-disabled') === 'true') {
              OrbitA11y.say('Not done: ' + item.dataset.name + ' is full.');
            } else {
              OrbitA11y.command({ command: 'openRoom', room: item.dataset.room });
            }
          });
        }
        var name = room.name || room.room_id;
        var full = room.guest_limit > 0 && room.clients >= room.guest_limit;
        var count = room.guest_limit > 0 ? room.clients + ' of ' + room.guest_limit + ' people'
                                         : room.clients + (room.clients === 1 ? ' person' : ' people');
        item.dataset.name = name;
        OrbitA11y.text(item.firstChild, name + ': ' + count + ', ' + (room.has_password ? 'password' : 'open') +
                                        (full ? ', full' : ''));
        var button = item.querySelector('button');
        OrbitA11y.attribute(button, 'aria-label', 'Join ' + name);
        OrbitA11y.attribute(button, 'aria-disabled', String(full));
        if (list.children[i] !== item) list.insertBefore(item, list.children[i] || null);
      });
      // A room gone from the list with the focus on its button: the focus goes to the next one,
      // or to the field that joins by name.
      Object.keys(before).forEach(function(room) {
        var item = before[room];
        if (item.contains(active)) {
          var next = item.nextElementSibling;
          while (next && before[next.dataset.room]) next = next.nextElementSibling;
          active = next ? next.querySelector('button') : parts.joinByName.elements.name;
        }
        item.remove();
      });
      OrbitA11y.show(list, lobby.rooms.length > 0);
      // Moving an element takes the focus from it: it goes back.
      if (inList && active !== document.activeElement) active.focus();
      var note = lobby.listError ? lobby.listError.charAt(0).toUpperCase() + lobby.listError.slice(1) + '.'
               : !lobby.listed ? 'Loading the public rooms...'
               : lobby.rooms.length === 0 ? 'No public rooms yet: create one above.' : '';
      OrbitA11y.text(parts.roomsNote, note);
      OrbitA11y.show(parts.roomsNote, note !== '');
      if (lobby.listError && OrbitA11y.told.listError !== lobby.listError) said.push({ time: Infinity, text: note });
      OrbitA11y.told.listError = lobby.listError;
    },

    // The pre-join screen: what it says about the room and the devices, the password field when
    // the room wants one, Join (or waiting for a place in a full room), and its error.
    updatePreJoin: function(state, said) {
      var parts = OrbitA11y.parts;
      var preJoin = state.prejoin;
      var media = state.media;
      var says = ['Joining "' + preJoin.name + '".'];
      if (preJoin.access === 'checking') says.push('Looking the room up.');
      if (preJoin.access === 'password') says.push('This room is protected by a password.');
      if (preJoin.waiting) {
        says.push('The room is full (' + preJoin.clients + ' of ' + preJoin.capacity + '). Waiting for a place: ' +
                  'you join as soon as someone leaves.');
      }
      says.push(media.camera ? 'Camera: ' + (media.camera.label || 'on') + '.' : 'No camera.');
      says.push(media.microphone ? 'Microphone: ' + (media.microphone.label || 'on') + '.' : 'No microphone.');
      if (media.error) says.push(media.error);
      OrbitA11y.text(parts.preJoinSays, says.join(' '));
      OrbitA11y.show(parts.preJoin.elements.password, preJoin.access === 'password');
      OrbitA11y.show(parts.join, !preJoin.waiting);
      OrbitA11y.attribute(parts.join, 'aria-disabled', String(preJoin.busy));
      OrbitA11y.show(parts.waitForPlace, !preJoin.waiting && preJoin.full);
      OrbitA11y.show(parts.stopWaiting, preJoin.waiting);
      OrbitA11y.error('preJoinError', parts.preJoinError, preJoin.waiting ? '' : preJoin.error, said);
    },

    deviceKinds: ['camera', 'microphone'],

    // A screen's camera and microphone lists: the devices to choose from, the one in use chosen
    // (unless the list has the focus: a choice being made is not undone under it).
    updateDevices: function(selects, media) {
      OrbitA11y.deviceKinds.forEach(function(kind, i) {
        var select = selects[i];
        var list = (media.devices || []).filter(function(device) { return device.kind === kind; });
        OrbitA11y.options(select, list.map(function(device, n) {
          return [device.label || (kind === 'camera' ? 'Camera ' : 'Microphone ') + (n + 1), device.deviceId];
        }));
        var current = media[kind];
        if (document.activeElement !== select) {
          select.selectedIndex = list.findIndex(function(device) { return current && device.label === current.label; });
        }
        OrbitA11y.show(select, list.length > 0);
      });
    },

    // Whom the chat field's line goes to: everyone, or one of the people in the call (the
    // drafts say which: fillDrafts). One who left is no choice any more, and the line goes to
    // everyone again.
    updateRecipients: function(peers) {
      var select = OrbitA11y.parts.recipient;
      var chosen = select.value;
      var people = peers.map(function(peer) { return [peer.name, peer.id]; });
      if (OrbitA11y.options(select, [['Everyone', '']].concat(people))) {
        select.value = chosen;
        if (select.selectedIndex < 0) select.value = '';
      }
    },

    // The chat field's name says whom its line goes to.
    nameChatField: function() {
      var parts = OrbitA11y.parts;
      var select = parts.recipient;
      var to = select.selectedIndex > 0 ? select.selectedOptions[0].textContent : '';
      OrbitA11y.attribute(parts.input, 'aria-label', to ? 'Private message to ' + to : 'Chat message to everyone');
    },

    // A list's choices, each [text, value]: put in only when they changed, so that a list being
    // looked through is not rebuilt under the person at every change of state. True when they were.
    options: function(select, choices) {
      var key = JSON.stringify(choices);
      if (select.dataset.listed === key) return false;
      select.dataset.listed = key;
      select.replaceChildren.apply(select, choices.map(function(choice) { return new Option(choice[0], choice[1]); }));
      return true;
    },

    // null: no state yet (or any more), nothing to show but the log.
    update: function(state) {
      var parts = OrbitA11y.parts;
      var screen = state && state.screen;
      var room = screen === 'room';
      var left = screen === 'left';
      var active = document.activeElement;
      var opened = screen !== OrbitA11y.screen;
      Object.keys(parts.screens).forEach(function(name) { OrbitA11y.show(parts.screens[name], name === screen); });
      OrbitA11y.text(parts.keys, room ? 'Keys: M mute, V camera, S share screen, H keys, L leave. ' +
                                        'Tab: the same controls as page elements, the people and the chat.'
                                      : 'Tab: this screen as page elements (from a text field of the canvas, ' +
                                        'once past its last field).');
      var said = [];

      if (screen === 'lobby') OrbitA11y.updateLobby(state.lobby, said);
      if (screen === 'prejoin') {
        OrbitA11y.updatePreJoin(state, said);
        OrbitA11y.updateDevices(parts.devices.prejoin, state.media);
      }
      if (room) {
        OrbitA11y.updateDevices(parts.devices.room, state.media);
        OrbitA11y.updateRecipients(state.peers);
      }
      if (left) OrbitA11y.text(parts.leftSays, 'You left "' + state.prejoin.name + '".');
      if (state) OrbitA11y.fillDrafts();  // after the lists it chooses from

      var media = room ? state.media : {};
      [media.muted, !media.cameraEnabled, media.screen].forEach(function(on, i) {
        OrbitA11y.attribute(parts.callButtons[i], 'aria-pressed', String(!!on));
      });
      var describe = function(name, muted, cameraOff, sharing) {
        return name + (muted ? ', muted' : '') + (cameraOff ? ', camera off' : '') + (sharing ? ', sharing the screen' : '');
      };
      var people = room ? [describe(state.self.name + ' (you)', media.muted, !media.cameraEnabled, media.screen)] : [];
      if (room) {
        state.peers.forEach(function(peer) {
          people.push(describe(peer.name, peer.muted, peer.cameraOff, peer.sharingScreen));
        });
      }
      var list = parts.people;
      people.forEach(function(text, i) {
        OrbitA11y.text(list.children[i] || list.appendChild(document.createElement('li')), text);
      });
      while (list.children.length > people.length) list.lastChild.remove();

      if (!state) return;
      said = said.concat(OrbitA11y.fresh('messages', state.messages, function(m) {
        return m.time + '\n' + m.fromId + '\n' + m.text;
      }).map(function(m) {
        return { time: m.time, text: m.from + (m.to ? ' (private)' : '') + ': ' + m.text };
      }), OrbitA11y.fresh('notifications', state.notifications, function(n) {
        return n.time + '\n' + n.kind + '\n' + n.text;
      }));
      if (opened && (room || left)) {
        said.push({ time: Infinity, text: room ? 'You are in the call.' : 'You left the call.' });
      }
      OrbitA11y.screen = screen;
      // Stable: the errors and the screen's news (at Infinity) keep their order, after the chat.
      said.map(function(line, i) { return { time: line.time, text: line.text, i: i }; })
          .sort(function(a, b) { return a.time - b.time || a.i - b.i; })
          .forEach(function(line) { OrbitA11y.say(line.text); });

      // The control in focus went away with its screen (Leave, once left; Join by name, once the
      // pre-join screen is up): the focus goes to the new screen's first control.
      if (!parts.root.contains(active) || !active.closest('[hidden]')) return;
      // Or, on the pre-join screen, to the button that took the pressed one's place.
      var next = active === parts.waitForPlace ? parts.stopWaiting : active === parts.stopWaiting ? parts.waitForPlace : null;
      if (next && next.hidden) next = parts.join;
      (screen === 'prejoin' && next && !next.hidden ? next : parts.first[screen] || parts.canvas).focus();
    },
  },
});
