// The call as page elements beside its canvas, for screen readers and for Tab: a canvas is one
// opaque image to assistive technology. Visually hidden until one of its controls has the focus.
// Built from the client's state (orbit_embed_state), never from pixels, and only when that state
// changes (orbit_platform_state_changed, a microtask later so that a burst of changes is one
// update); its buttons send the embed API's commands (orbit_embed_command), which do what the
// canvas's own buttons do. Added by orbit_platform_init, removed with the rest of OrbitPage.undo.
mergeInto(LibraryManager.library, {
  $OrbitA11y__deps: ['$OrbitPage', '$stringToNewUTF8', 'free'],
  $OrbitA11y: {
    parts: null,
    pending: false,
    screen: null,
    seen: {},

    mount: function(canvas) {
      var root = document.createElement('div');
      var id = 'orbit-a11y-' + Math.random().toString(36).slice(2);
      // The standard clip technique, not display: none, which would hide it from screen readers
      // too. Shown as a panel over the canvas's corner while one of its controls has the focus.
      root.className = 'orbit-a11y';
      root.innerHTML =
        '<style>.orbit-a11y:not(:focus-within),.orbit-a11y .orbit-a11y-hidden{position:absolute;width:1px;' +
        'height:1px;margin:-1px;padding:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap}' +
        '.orbit-a11y:focus-within{position:fixed;left:var(--x);top:var(--y);z-index:2147483647;padding:8px;' +
        'background:#0f1217;border:2px solid #ffd84d}.orbit-a11y [hidden]{display:none!important}' +
        '.orbit-a11y [aria-pressed=true]{background:#ffd84d}</style>' +
        '<p class="orbit-a11y-hidden" id="' + id + '">Keys: M mute, V camera, S share screen, H keys, L leave. ' +
        'Tab: the same controls as page elements, the people and the chat.</p>' +
        '<div role="group" aria-label="Call controls"><button aria-pressed="false">Mute</button> ' +
        '<button aria-pressed="false">Camera off</button> <button aria-pressed="false">Share screen</button> ' +
        '<button>Leave</button> <button>Rejoin</button></div>' +
        '<ul class="orbit-a11y-hidden" aria-label="People in the call"></ul>' +
        '<form><input aria-label="Chat message to everyone" autocomplete="off"> <button>Send</button></form>' +
        '<div class="orbit-a11y-hidden" role="log" aria-live="polite" aria-label="Chat and notifications"></div>';
      var controls = root.querySelector('[role=group]');
      var buttons = controls.children;
      var parts = OrbitA11y.parts = {
        root: root, canvas: canvas, controls: controls, buttons: buttons,
        people: root.querySelector('ul'), form: root.querySelector('form'), input: root.querySelector('input'),
        log: root.querySelector('[role=log]'),
      };
      // Each button's command, from the state as it is when pressed.
      [function(media) { return { command: 'setMuted', muted: !media.muted }; },
       function(media) { return { command: 'setCamera', on: !media.cameraEnabled }; },
       function(media) { return { command: 'setScreenShare', on: !media.screen }; },
       function() { return { command: 'leave' }; },
       function() { return { command: 'rejoin' }; }].forEach(function(command, i) {
        buttons[i].addEventListener('click', function() {
          var state = OrbitA11y.read();
          if (state) OrbitA11y.command(command(state.media));
        });
      });
      parts.form.addEventListener('submit', function(event) {
        event.preventDefault();
        // A line refused stays in the field, and the log says why.
        if (parts.input.value && !OrbitA11y.command({ command: 'sendText', text: parts.input.value })) {
          parts.input.value = '';
        }
      });
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
      });
      OrbitA11y.update(null);
    },

    read: function() {
      return JSON.parse(UTF8ToString(_orbit_embed_state()));
    },

    // Runs a command of the embed API; a refusal is said in the log, and returned.
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

    // null: no state yet (or any more), nothing to show but the log.
    update: function(state) {
      var parts = OrbitA11y.parts;
      var screen = state && state.screen;
      var room = screen === 'room';
      var left = screen === 'left';
      var media = room ? state.media : {};
      var active = document.activeElement;
      // Mute, Camera off, Share screen, Leave, Rejoin, the people, the chat field, the buttons' group.
      var show = [room, room, room, room, left, room, room, room || left];
      Array.from(parts.buttons).concat(parts.people, parts.form, parts.controls).forEach(function(element, i) {
        if (element.hidden === show[i]) element.hidden = !show[i];
      });
      [media.muted, !media.cameraEnabled, media.screen].forEach(function(on, i) {
        var value = String(!!on);
        if (parts.buttons[i].getAttribute('aria-pressed') !== value) parts.buttons[i].setAttribute('aria-pressed', value);
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
        var item = list.children[i] || list.appendChild(document.createElement('li'));
        if (item.textContent !== text) item.textContent = text;
      });
      while (list.children.length > people.length) list.lastChild.remove();

      if (!state) return;
      var said = OrbitA11y.fresh('messages', state.messages, function(m) {
        return m.time + '\n' + m.fromId + '\n' + m.text;
      }).map(function(m) {
        return { time: m.time, text: m.from + (m.to ? ' (private)' : '') + ': ' + m.text };
      }).concat(OrbitA11y.fresh('notifications', state.notifications, function(n) {
        return n.time + '\n' + n.kind + '\n' + n.text;
      }));
      if (screen !== OrbitA11y.screen && (room || left)) {
        said.push({ time: Infinity, text: room ? 'You are in the call.' : 'You left the call.' });
      }
      OrbitA11y.screen = screen;
      said.sort(function(a, b) { return a.time - b.time; }).forEach(function(line) { OrbitA11y.say(line.text); });

      // The control in focus went away (Leave, once left): the focus goes to the one shown now,
      // or back to the call.
      if (parts.root.contains(active) && active.closest('[hidden]')) {
        (left ? parts.buttons[4] : room ? parts.buttons[0] : parts.canvas).focus();
      }
    },
  },
});
