// The embed API: puts an Orbit client in a canvas of any page. README.md ("Embedding") documents
// it in full, with every event's payload and every error code.
//
//   <script src="https://orbit.example/orbit.js"></script>
//   <script src="https://orbit.example/orbit-embed.js"></script>
//   const call = Orbit.mount(canvas, {server: 'https://orbit.example', room: 'standup', name: 'Ann'});
//   call.on('text', (event) => console.log(event.name, event.text));
//   call.ready.then(() => call.sendText('hello'), (error) => console.log(error.code));
//
// Options: {server, room, name, uplinkKbps, relay, password} — or {url, password}, a full room
// address such as https://orbit.example/room/standup?name=Ann (the default page passes its own).
// `server` is the server's address, with its base path if it has one (https://example.org/orbit);
// without it, the server this script was loaded from. Without a room the client shows the lobby.
// A room name becomes its id as the server keeps it ("Team Sync" → "team-sync"); `joined` and
// state() carry that id. uplinkKbps: what a call may send in all, 100 to 100000 kbit/s (2500 by
// default), shared among the connections of a mesh (?uplink= in a URL). relay: true sends every
// connection through the TURN server the Orbit server names, never straight between browsers
// (?relay=1 in a URL); a connection that cannot get through it is told as a 'peer-failed' event.
// password: a password room's, to join it without its prompt (never put in a URL). `canvas` is a
// <canvas> element, or a selector that finds one.
//
// The handle:
//   ready              a Promise: resolves with the handle once the client is in the room (at
//                      once for the lobby); rejects with an Orbit.OrbitError whose `code` says
//                      why it could not get there: 'bad-canvas', 'bad-url', 'unreachable',
//                      'room-full', 'password-required', 'wrong-password', 'bad-name',
//                      'refused', 'unsupported' (no WebGL2), 'destroyed'. The call's own
//                      screen still offers what it can (waiting for a place, the password
//                      field): a later success is a 'joined' event.
//   state()            plain JSON: {self: {id, name}, room, connection, screen,
//                      peers: [{id, name, connection, ice, audio, muted, cameraOff,
//                               video: {received, width, height, frames}, stats}],
//                      messages: [{from, fromId, to, text, time, self}],
//                      media: {muted, cameraEnabled, camera, microphone, devices, ...},
//                      notifications, ...};
//                      null until the module has started, and after destroy()
//   sendText(text, to) to the room, or to one participant's id; throws an Orbit.OrbitError
//                      saying why not
//   setMuted(bool), setCamera(bool), leave(), rejoin() (after leave(), the same room again)
//   setScreenShare(bool) shares the screen, or stops; browsers ask for a click first, so call it
//                      from one (the share's failure is a 'media-error' event)
//   switchDevice(kind, deviceId) takes the 'camera' or 'microphone' from that device, one of
//                      state().media.devices (on the pre-join screen and in the call)
//   destroy()          ends the call and frees everything: the camera, the socket, the frame
//                      loop, every listener the client added to the page; 'left' (reason
//                      'destroy') if it was in a room. The canvas gets its own size back.
//
// Orbit.frame(iframe) is the same handle (each method returning a Promise) for a call in an
// iframe of Orbit's room page opened with ?parent=<this page's origin>: see bridge() below.
//
//   on(name, fn)       subscribe to an event, or '*' for all; returns a function that
//                      unsubscribes. Events: 'joined', 'peer-joined', 'peer-left',
//                      'peer-state', 'peer-failed', 'peer-media', 'media', 'text', 'left', 'error',
//                      'disconnected', 'reconnected', 'media-error', 'problem', and 'state'
//                      (the state changed).
(function () {
  'use strict';

  // Where this script came from (its folder, such as https://orbit.example/ or, under a base
  // path, https://example.org/orbit/): the server a mount without `server` or `url` talks to.
  var ownFolder = document.currentScript && document.currentScript.src
    ? new URL('.', document.currentScript.src).href : null;

  // An error with a stable `code` beside its message.
  function OrbitError(code, message) {
    var error = new Error(message);
    Object.setPrototypeOf(error, OrbitError.prototype);
    error.name = 'OrbitError';
    error.code = code;
    return error;
  }
  OrbitError.prototype = Object.create(Error.prototype, {
    constructor: { value: OrbitError, writable: true, configurable: true },
  });

  // A handle's subscribers: on(name, fn) adds one and returns what removes it; emit(name,
  // event) calls those of `name` and of '*', a throwing listener not stopping the others.
  function subscribers() {
    var listeners = {};
    return {
      on: function (name, listener) {
        (listeners[name] = listeners[name] || []).push(listener);
        return function () {
          listeners[name] = (listeners[name] || []).filter(function (l) { return l !== listener; });
        };
      },
      emit: function (name, event) {
        [name, '*'].forEach(function (key) {
          (listeners[key] || []).slice().forEach(function (listener) {
            try {
              listener(event);
            } catch (error) {
              console.error('orbit: an event listener threw', error);
            }
          });
        });
      },
      clear: function () { listeners = {}; },
    };
  }

  // The room's address, or an OrbitError('bad-url').
  function roomUrl(options) {
    var address;
    try {
      if (options.url) {
        address = new URL(String(options.url), window.location.href);
      } else {
        var server = new URL(String(options.server || ownFolder || window.location.origin), window.location.href);
        address = new URL(server.origin + server.pathname.replace(/\/+$/, '') + '/' +
                          (options.room ? 'room/' + encodeURIComponent(options.room) : ''));
        if (options.name) address.searchParams.set('name', String(options.name));
        if (options.uplinkKbps) address.searchParams.set('uplink', String(options.uplinkKbps));
        if (options.relay) address.searchParams.set('relay', '1');
      }
    } catch (e) {
      return OrbitError('bad-url', 'orbit: not a server address: ' + (options.url || options.server));
    }
    if (address.protocol !== 'http:' && address.protocol !== 'https:') {
      return OrbitError('bad-url', 'orbit: the server address must be http: or https:, not ' + address.href);
    }
    return address.href;
  }

  // The <canvas> to draw in, or an OrbitError('bad-canvas').
  function canvasOf(target) {
    var element = target;
    if (typeof target === 'string') {
      try {
        element = document.querySelector(target);
      } catch (e) {
        element = null;
      }
    }
    if (typeof HTMLCanvasElement === 'undefined' || !(element instanceof HTMLCanvasElement)) {
      return OrbitError('bad-canvas', 'orbit: mount needs a <canvas> element (or a selector that finds one), not ' +
                        (typeof target === 'string' ? '"' + target + '"' : String(target)));
    }
    if (element.orbitCall) {
      return OrbitError('bad-canvas', 'orbit: this canvas already carries a call: destroy() it first');
    }
    return element;
  }

  // Whether the client will open a room at `url` (rather than the lobby): the rule of
  // parsePageAddress (wasm/page_address.cpp), <base>/room/<id> with nothing after the id.
  // <base>/room/<id>: the base is what orbit-server --base-path serves under ("" at the root).
  var roomPath = /^(.*)\/room\/([^/]+)\/?$/;
  function namesRoom(url) {
    return roomPath.test(new URL(url, window.location.href).pathname);
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

  // A room's page looks the room up (GET /api/rooms/<id>: does it want a password, is it full)
  // before it joins. Asked here, the answer is back before the module has started, and the
  // client takes it as its own first request for that address (library_orbit_http.js):
  // {url, reply: Promise of {status, body}}. Only for an address that names the room by an id in
  // a-z, 0-9 and '-' (the common case; shared/slug.cpp has the whole rule, Unicode letters too):
  // anything else the client turns into an id itself ("Team Sync" is team-sync) and asks.
  function startLookup(url) {
    var address = new URL(url, window.location.href);
    var room = roomPath.exec(address.pathname);
    if (!room || !/^[a-z0-9-]{1,64}$/.test(room[2])) return null;
    var api = new URL(room[1] + '/api/rooms/' + room[2], address).href;
    var reply = fetch(api, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      return response.text().then(function (body) { return { status: response.status, body: body }; });
    });
    reply.catch(function () {});  // a failure is the client's to report, once it takes this
    return { url: api, reply: reply };
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

  // A handle that only says why it never started.
  function failedHandle(error) {
    console.error(error.message);
    var refuse = function () { throw error; };
    var ready = Promise.reject(error);
    ready.catch(function () {});  // the page may not ask; the console has it
    return {
      ready: ready,
      state: function () { return null; },
      sendText: refuse, setMuted: refuse, setCamera: refuse, setScreenShare: refuse, switchDevice: refuse,
      leave: refuse, rejoin: refuse,
      destroy: function () {},
      on: function () { return function () {}; },
    };
  }

  function mount(target, options) {
    options = options || {};
    var canvas = canvasOf(target);
    if (canvas instanceof Error) return failedHandle(canvas);
    var url = roomUrl(options);
    if (url instanceof Error) return failedHandle(url);

    var module = null;
    var destroyed = false;
    var events = subscribers();
    var inRoom = namesRoom(url);
    var settleReady = null;  // (error or null) until ready is settled

    function command(payload) {
      if (destroyed) throw OrbitError('destroyed', 'orbit: the call was destroyed');
      if (!module) throw OrbitError('not-started', 'orbit: the client has not started yet');
      var refusal = module.ccall('orbit_embed_command', 'string', ['string'], [JSON.stringify(payload)]);
      if (refusal) throw OrbitError('refused', refusal);
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
      setScreenShare: function (on) { command({ command: 'setScreenShare', on: !!on }); },
      switchDevice: function (kind, deviceId) {
        command({ command: 'switchDevice', kind: String(kind), deviceId: String(deviceId) });
      },
      leave: function () { command({ command: 'leave' }); },
      rejoin: function () { command({ command: 'rejoin' }); },
      destroy: function () {
        if (destroyed) return;
        destroyed = true;
        releaseCapture(settings);
        if (settleReady) settleReady(OrbitError('destroyed', 'orbit: the call was destroyed before it joined'));
        if (module) {
          // The client's own teardown ends the call ('left') and lets go of the page.
          module.ccall('orbit_embed_destroy', null, [], []);
          module = null;
        }
        events.clear();
        delete canvas.orbitCall;
      },
      on: events.on,
    };

    handle.ready = new Promise(function (resolve, reject) {
      settleReady = function (error) {
        settleReady = null;
        if (error) reject(error);
        else resolve(handle);
      };
    });
    // A page that never asks for ready should not see an unhandled rejection: `error` events
    // and the console say the same.
    handle.ready.catch(function () {});

    var settings = {
      canvas: canvas,
      arguments: [url],
      onOrbitEvent: function (event) {
        if (settleReady && event.event === 'joined') settleReady(null);
        if (settleReady && event.event === 'error') settleReady(OrbitError(event.code, event.message));
        events.emit(event.event, event);
      },
      onOrbitStateChanged: function () { events.emit('state', { event: 'state' }); },
      orbitCapture: inRoom ? startCapture() : null,
      orbitLookup: inRoom ? startLookup(url) : null,
      orbitPassword: options.password ? String(options.password) : null,
    };
    canvas.orbitCall = handle;
    // The client has started by the time this resolves (main has run), so what it has not
    // taken of the early capture by then it never will.
    createOrbitModule(settings).then(function (instance) {
      releaseCapture(settings);
      settings.orbitLookup = null;
      if (destroyed) {
        instance.ccall('orbit_embed_destroy', null, [], []);
        return;
      }
      module = instance;
      if (settleReady && !inRoom) settleReady(null);
      var state = handle.state();
      if (options.room && state && state.prejoin && state.prejoin.room !== String(options.room)) {
        console.info('orbit: the room "' + options.room + '" goes by the id "' + state.prejoin.room + '"');
      }
    }, function (error) {
      releaseCapture(settings);
      if (settleReady) settleReady(OrbitError('unsupported', 'orbit: the client did not start: ' + error));
    });
    return handle;
  }

  // The iframe bridge. A page that frames Orbit's own room page from another origin reaches
  // the call through postMessage, with the same commands and events. The frame's address names
  // the one origin it talks to (?parent=https://intranet.example): it takes commands only from
  // its parent window at that origin, and posts events only to that origin. Messages are
  // {orbit: 1, type, ...}: the host sends 'call' (a handle method and its arguments) with an
  // id, and the frame answers 'result' with that id; the frame sends 'event' for each event.
  var handleMethods = ['state', 'sendText', 'setMuted', 'setCamera', 'setScreenShare', 'switchDevice', 'leave',
                       'rejoin', 'destroy', 'ready'];

  function errorJson(error) {
    return { code: error && error.code ? error.code : 'refused', message: String(error && error.message || error) };
  }

  // The frame's side: serves `handle` to the parent window at `origin`.
  function bridge(handle, origin) {
    try {
      origin = new URL(origin).origin;
    } catch (e) {
      console.error('orbit: no bridge: "' + origin + '" is not an origin');
      return;
    }
    if (window.parent === window || origin === 'null') return;
    var target = window.parent;
    var post = function (message) {
      message.orbit = 1;
      target.postMessage(message, origin);
    };
    handle.on('*', function (event) { post({ type: 'event', event: event }); });
    window.addEventListener('message', function (message) {
      var data = message.data;
      if (message.source !== target || message.origin !== origin) return;
      if (data && data.orbit === 1 && data.type === 'hello') return post({ type: 'event', event: { event: 'bridge' } });
      if (!data || data.orbit !== 1 || data.type !== 'call') return;
      var answer = function (result, error) {
        post({ type: 'result', id: data.id, result: result === undefined ? null : result,
               error: error ? errorJson(error) : null });
      };
      if (handleMethods.indexOf(data.method) < 0) return answer(null, OrbitError('refused', 'no method ' + data.method));
      if (data.method === 'ready') {
        return handle.ready.then(function () { answer(null); }, function (error) { answer(null, error); });
      }
      try {
        answer(handle[data.method].apply(handle, Array.isArray(data.args) ? data.args : []));
      } catch (error) {
        answer(null, error);
      }
    });
    post({ type: 'event', event: { event: 'bridge' } });
  }

  // The host's side: a handle on the call in `iframe`, whose page is served from `origin`
  // (by default, the origin of the iframe's src). Methods return Promises; on() as mount's.
  function frame(iframe, options) {
    options = options || {};
    var origin = options.origin || new URL(iframe.src, window.location.href).origin;
    var events = subscribers();
    var pending = {};
    var queued = [];  // calls made before the frame's bridge answered
    var bridged = false;
    var lastId = 0;
    var closed = false;

    function post(message) {
      message.orbit = 1;
      if (iframe.contentWindow) iframe.contentWindow.postMessage(message, origin);
    }

    function receive(message) {
      var data = message.data;
      if (message.source !== iframe.contentWindow || message.origin !== origin) return;
      if (!data || data.orbit !== 1) return;
      if (data.type === 'event' && data.event && data.event.event === 'bridge') {
        bridged = true;
        queued.splice(0).forEach(post);
      } else if (data.type === 'event' && data.event) {
        events.emit(data.event.event, data.event);
      } else if (data.type === 'result' && pending[data.id]) {
        var settle = pending[data.id];
        delete pending[data.id];
        if (data.error) settle.reject(OrbitError(data.error.code, data.error.message));
        else settle.resolve(data.result);
      }
    }
    window.addEventListener('message', receive);
    // The frame says hello once its page runs; a host that comes later asks (a message to a
    // page not loaded yet is dropped, so both ways are needed).
    var hello = function () { post({ type: 'hello' }); };
    iframe.addEventListener('load', hello);
    hello();

    function call(method, args) {
      if (closed) return Promise.reject(OrbitError('destroyed', 'orbit: the call was destroyed'));
      return new Promise(function (resolve, reject) {
        var id = ++lastId;
        pending[id] = { resolve: resolve, reject: reject };
        var message = { type: 'call', id: id, method: method, args: args };
        if (bridged) post(message);
        else queued.push(message);
      });
    }

    var handle = {
      destroy: function () {
        var done = call('destroy', []);
        closed = true;
        var stop = function () {
          window.removeEventListener('message', receive);
          iframe.removeEventListener('load', hello);
        };
        done.then(stop, stop);
        return done;
      },
      on: events.on,
    };
    // Each method of mount's handle, run in the frame (which checks and converts the arguments).
    ['state', 'sendText', 'setMuted', 'setCamera', 'setScreenShare', 'switchDevice', 'leave', 'rejoin'].forEach(function (method) {
      handle[method] = function () { return call(method, Array.prototype.slice.call(arguments)); };
    });
    handle.ready = call('ready', []).then(function () { return handle; });
    handle.ready.catch(function () {});
    return handle;
  }

  window.Orbit = { mount: mount, OrbitError: OrbitError, bridge: bridge, frame: frame };
})();
