// What bindings/browser/browser_media_backend.cpp calls in the page. Only numbers and
// strings cross: JS keeps every MediaStreamTrack in OrbitMedia.tracks, keyed by the handle
// C++ knows as LocalTrack::id. library_orbit_rtc.js finds local tracks there too.
mergeInto(LibraryManager.library, {
  $OrbitMedia__deps: ['$stringToNewUTF8', 'free'],
  $OrbitMedia: {
    nextHandle: 1,
    tracks: {},    // handle -> MediaStreamTrack
    backends: {},  // backend handle -> true while its C++ owner lives
    // One stream for every local track, so the remote side sees one msid.
    stream: null,
    // C++ gets a kind as its index here: the order of TrackKind and DeviceKind
    // (wasm/media_backend.hpp), which tests/browser/enum_tables.mjs checks.
    trackKinds: ['audio', 'video', 'screen'],
    deviceKinds: ['audioinput', 'videoinput', 'audiooutput'],

    // The text a person can read: "NotAllowedError: Permission denied".
    errorText: function(e) {
      if (e && e.name && e.message) return e.name + ': ' + e.message;
      if (e && e.name) return e.name;
      return String(e);
    },

    // Calls a C entry point with JS strings as NUL-terminated UTF-8 it frees afterwards;
    // C++ copies whatever it keeps. null stays a null pointer.
    callWithStrings: function(fn, numbers, strings) {
      var pointers = strings.map(function(s) {
        return s === null || s === undefined ? 0 : stringToNewUTF8(s);
      });
      try {
        return fn.apply(null, numbers.concat(pointers));
      } finally {
        pointers.forEach(function(p) { if (p) _free(p); });
      }
    },

    localStream: function() {
      if (!OrbitMedia.stream) OrbitMedia.stream = new MediaStream();
      return OrbitMedia.stream;
    },

    // Registers the tracks of a capture and describes them to C++ as JSON.
    adopt: function(backend, stream, screen) {
      return stream.getTracks().map(function(track) {
        var handle = OrbitMedia.nextHandle++;
        OrbitMedia.tracks[handle] = track;
        // A screen share ends when the user stops it from the browser's own UI.
        track.addEventListener('ended', function() {
          if (!OrbitMedia.backends[backend] || !OrbitMedia.tracks[handle]) return;
          _orbit_media_track_ended(backend, handle);
        });
        var kind = track.kind === 'audio' ? 'audio' : (screen ? 'screen' : 'video');
        return {id: handle, kind: OrbitMedia.trackKinds.indexOf(kind), label: track.label || ''};
      });
    },

    // Hands a capture to C++, or stops it when its backend is gone: nobody else could.
    finishCapture: function(backend, op, promise, screen) {
      promise.then(function(stream) {
        if (!OrbitMedia.backends[backend]) {
          stream.getTracks().forEach(function(track) { track.stop(); });
          return;
        }
        var tracks = OrbitMedia.adopt(backend, stream, screen);
        OrbitMedia.callWithStrings(_orbit_media_done, [backend, op], [null, JSON.stringify(tracks)]);
      }, function(e) {
        if (!OrbitMedia.backends[backend]) return;
        OrbitMedia.callWithStrings(_orbit_media_done, [backend, op], [OrbitMedia.errorText(e), null]);
      });
    },

    // A promise for `call()`, rejected rather than thrown when the call throws at once.
    attempt: function(call) {
      try {
        return Promise.resolve(call());
      } catch (e) {
        return Promise.reject(e);
      }
    },
  },

  orbit_media_create__deps: ['$OrbitMedia', 'orbit_media_device_change'],
  orbit_media_create: function() {
    var backend = OrbitMedia.nextHandle++;
    OrbitMedia.backends[backend] = true;
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
      var listener = function() {
        if (!OrbitMedia.backends[backend]) {
          navigator.mediaDevices.removeEventListener('devicechange', listener);
          return;
        }
        _orbit_media_device_change(backend);
      };
      navigator.mediaDevices.addEventListener('devicechange', listener);
      OrbitMedia.backends[backend] = {listener: listener};
    }
    return backend;
  },

  orbit_media_destroy__deps: ['$OrbitMedia'],
  orbit_media_destroy: function(backend) {
    var entry = OrbitMedia.backends[backend];
    if (entry && entry.listener) navigator.mediaDevices.removeEventListener('devicechange', entry.listener);
    delete OrbitMedia.backends[backend];
  },

  orbit_media_get_user_media__deps: ['$OrbitMedia', 'orbit_media_done', 'orbit_media_track_ended'],
  orbit_media_get_user_media: function(backend, op, audio, video, audioDevice, videoDevice) {
    var audioId = UTF8ToString(audioDevice);
    var videoId = UTF8ToString(videoDevice);
    var constraints = {
      audio: audio ? (audioId ? {deviceId: {exact: audioId}} : true) : false,
      video: video ? (videoId ? {deviceId: {exact: videoId}} : true) : false,
    };
    OrbitMedia.finishCapture(backend, op, OrbitMedia.attempt(function() {
      // web/orbit-embed.js may have asked for both default devices while the module loaded.
      var early = Module['orbitCapture'];
      if (early && audio && video && !audioId && !videoId) {
        Module['orbitCapture'] = null;
        return early;
      }
      if (!navigator.mediaDevices) throw new Error('this page has no camera access (not a secure context)');
      return navigator.mediaDevices.getUserMedia(constraints);
    }), false);
  },

  orbit_media_get_display_media__deps: ['$OrbitMedia', 'orbit_media_done', 'orbit_media_track_ended'],
  orbit_media_get_display_media: function(backend, op) {
    OrbitMedia.finishCapture(backend, op, OrbitMedia.attempt(function() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
        throw new Error('this browser cannot share the screen');
      }
      return navigator.mediaDevices.getDisplayMedia({video: true, audio: false});
    }), true);
  },

  orbit_media_enumerate_devices__deps: ['$OrbitMedia', 'orbit_media_done'],
  orbit_media_enumerate_devices: function(backend, op) {
    OrbitMedia.attempt(function() {
      if (!navigator.mediaDevices) throw new Error('this page has no device access (not a secure context)');
      return navigator.mediaDevices.enumerateDevices();
    }).then(function(devices) {
      if (!OrbitMedia.backends[backend]) return;
      var kinds = OrbitMedia.deviceKinds;
      var list = devices.filter(function(d) { return kinds.indexOf(d.kind) >= 0; }).map(function(d) {
        return {deviceId: d.deviceId, kind: kinds.indexOf(d.kind), label: d.label || ''};
      });
      OrbitMedia.callWithStrings(_orbit_media_done, [backend, op], [null, JSON.stringify(list)]);
    }, function(e) {
      if (!OrbitMedia.backends[backend]) return;
      OrbitMedia.callWithStrings(_orbit_media_done, [backend, op], [OrbitMedia.errorText(e), null]);
    });
  },

  orbit_media_set_enabled__deps: ['$OrbitMedia'],
  orbit_media_set_enabled: function(handle, enabled) {
    var track = OrbitMedia.tracks[handle];
    if (track) track.enabled = !!enabled;
  },

  orbit_media_stop__deps: ['$OrbitMedia'],
  orbit_media_stop: function(handle) {
    var track = OrbitMedia.tracks[handle];
    if (!track) return;
    // stop() fires no `ended` on the track it stops; only the browser's own stop does.
    track.stop();
    delete OrbitMedia.tracks[handle];
    if (OrbitMedia.stream) OrbitMedia.stream.removeTrack(track);
  },
});
