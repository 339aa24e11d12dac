// The embed API: puts an Orbit client in a canvas of any page.
//
//   <script src="https://orbit.example/orbit.js"></script>
//   <script src="https://orbit.example/orbit-embed.js"></script>
//   const call = Orbit.mount(canvas, {server: 'https://orbit.example', room: 'standup', name: 'Ann'});
//   call.on('text', (event) => console.log(event.name, event.text));
//   call.sendText('hello');
//
// Options: {server, room, name, uplinkKbps} — or {url}, a full room address such as
// https://orbit.example/room/standup?name=Ann (the default page passes its own). Without a
// room the client shows the lobby. uplinkKbps: what a call may send in all, 100 to 100000
// kbit/s (2500 by default), shared among the connections of a mesh (?uplink= in a URL).
//
// The handle:
//   state()            plain JSON: {self: {id, name}, room, connection, screen,
//                      peers: [{id, name, connection, ice, audio, muted, cameraOn,
//                               video: {received, width, height, frames}, stats}],
//                      messages: [{from, fromId, to, text, time, self}], media, notifications, ...};
//                      null until the module has started
//   sendText(text, to) to the room, or to one participant's id; throws an Error saying why not
//   setMuted(bool), setCamera(bool), leave(), rejoin() (after leave(), the same room again)
//   on(name, fn)       subscribe to an event ('joined', 'peer-joined', 'peer-left',
//                      'peer-state', 'text', 'media-error', 'problem', 'state' when the
//                      state changed, or '*' for all); returns a function that unsubscribes
//   ready              a Promise that resolves with the handle once the client runs
(function () {
  'use strict';

  function roomUrl(options) {
    if (options.url) return String(options.url);
    var server = String(options.server || window.location.origin).replace(/\/+$/, '');
    if (!options.room) return server + '/';
    var url = server + '/room/' + encodeURIComponent(options.room);
    var query = [];
    if (options.name) query.push('name=' + encodeURIComponent(options.name));
    if (options.uplinkKbps) query.push('uplink=' + encodeURIComponent(options.uplinkKbps));
    return query.length ? url + '?' + query.join('&') : url;
  }

  // Whether the client will open a room at `url` (rather than the lobby): the rule of
  // parsePageAddress (wasm/page_address.cpp), /room/<id> with nothing after the id.
  function namesRoom(url) {
    return /^\/room\/[^/]+\/?$/.test(new URL(url, window.location.href).pathname);
  }

  // A room's page asks for the camera and microphone as soon as it opens. Asked here, before
  // the module is even fetched, the second or so a camera takes to start overlaps the
  // module's download and start and the join; the client takes this capture as its first
  // request for both default devices (library_orbit_media.js).
  function startCapture() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return null;
    var capture = navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    capture.catch(function () {});  // a refusal is the client's to report, once it takes this
    return capture;
  }

  // Stops a capture the client did not take, so that no camera stays on for nobody.
  // `settings` is the module's own object (Emscripten's MODULARIZE builds on it).
  function releaseCapture(settings) {
    var capture = settings.orbitCapture;
    settings.orbitCapture = null;
    if (capture) {
      capture.then(function (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
      }, function () {});
    }
  }

  function mount(canvas, options) {
    options = options || {};
    var module = null;
    var listeners = {};
    var url = roomUrl(options);

    function emit(name, event) {
      [name, '*'].forEach(function (key) {
        (listeners[key] || []).slice().forEach(function (listener) {
          try {
            listener(event);
          } catch (error) {
            console.error('orbit: an event listener threw', error);
          }
        });
      });
    }

    function command(payload) {
      if (!module) throw new Error('orbit: the client has not started yet');
      var refusal = module.ccall('orbit_embed_command', 'string', ['string'], [JSON.stringify(payload)]);
      if (refusal) throw new Error(refusal);
    }

    var handle = {
      state: function () {
        return module ? JSON.parse(module.ccall('orbit_embed_state', 'string', [], [])) : null;
      },
      sendText: function (text, to) {
        command(to ? { command: 'sendText', text: String(text), to: String(to) }
                   : { command: 'sendText', text: String(text) });
      },
      setMuted: function (muted) { command({ command: 'setMuted', muted: !!muted }); },
      setCamera: function (on) { command({ command: 'setCamera', on: !!on }); },
      leave: function () { command({ command: 'leave' }); },
      rejoin: function () { command({ command: 'rejoin' }); },
      on: function (name, listener) {
        (listeners[name] = listeners[name] || []).push(listener);
        return function () {
          listeners[name] = (listeners[name] || []).filter(function (l) { return l !== listener; });
        };
      },
    };

    var settings = {
      canvas: canvas,
      arguments: [url],
      onOrbitEvent: function (event) { emit(event.event, event); },
      onOrbitStateChanged: function () { emit('state', { event: 'state' }); },
      orbitCapture: namesRoom(url) ? startCapture() : null,
    };
    // The client has started by the time this resolves (main has run), so what it has not
    // taken of the early capture by then it never will.
    handle.ready = createOrbitModule(settings).then(function (instance) {
      module = instance;
      releaseCapture(settings);
      return handle;
    }, function (error) {
      releaseCapture(settings);
      throw error;
    });
    return handle;
  }

  window.Orbit = { mount: mount };
})();
