// What bindings/browser/browser_media_sink.cpp calls in the page. Only numbers and strings
// cross: JS keeps each presented track's <video>/<audio> element, WebGL texture and
// AnalyserNode in OrbitSink.slots, keyed by a slot number C++ holds. Remote tracks are found
// in OrbitRtc (library_orbit_rtc.js), local ones in OrbitMedia.tracks.
//
// For tests and page code, once the module has started:
//   Module.orbitSink.elements() -> how many <video>/<audio> elements the sinks hold
mergeInto(LibraryManager.library, {
  $OrbitSink__deps: ['$GL', '$OrbitMedia', '$OrbitRtc', 'orbit_sink_on_frame'],
  $OrbitSink__postset: 'OrbitSink.publish();',
  $OrbitSink: {
    nextHandle: 1,
    sinks: {},  // sink handle -> {slots: {slot: true}} while its C++ owner lives
    slots: {},  // slot -> entry, see add()
    // One for the page: browsers limit how many a page may open.
    audioContext: null,
    levelTimer: 0,

    publish: function() {
      Module['orbitSink'] = {
        elements: function() {
          var n = 0;
          for (var slot in OrbitSink.slots) {
            var e = OrbitSink.slots[slot];
            if (e.video) ++n;
            if (e.audio) ++n;
          }
          return n;
        },
      };
    },

    context: function() {
      if (!OrbitSink.audioContext) {
        var Context = window.AudioContext || window.webkitAudioContext;
        if (!Context) return null;
        try {
          OrbitSink.audioContext = new Context();
        } catch (e) {
          return null;
        }
      }
      return OrbitSink.audioContext;
    },

    // Kept out of sight but in the document: some browsers stop decoding a video that is
    // not attached, and display:none would take away its size.
    hide: function(element) {
      element.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;opacity:0;' +
                              'pointer-events:none;z-index:-1';
      element.setAttribute('aria-hidden', 'true');
      document.body.appendChild(element);
    },

    add: function(sink, track, remote) {
      var entry = {
        sink: sink, kind: track.kind, remote: remote, released: false,
        video: null, texture: 0, gl: null, dirty: false, frames: 0, width: 0, height: 0,
        callback: 0, raf: 0,
        audio: null, blocked: false, source: null, analyser: null, samples: null, loud: false,
      };
      var stream = new MediaStream([track]);
      if (track.kind === 'video') {
        var video = document.createElement('video');
        video.muted = true;
        video.playsInline = true;
        video.autoplay = true;
        video.srcObject = stream;
        OrbitSink.hide(video);
        entry.video = video;
        // A muted video may always play; the promise only fails when the track is gone.
        OrbitMedia.attempt(function() { return video.play(); }).catch(function() {});
        OrbitSink.watch(entry);
      } else {
        // Local audio only feeds the level meter: playing it would echo the user's own voice.
        if (remote) {
          var audio = document.createElement('audio');
          audio.autoplay = true;
          audio.srcObject = stream;
          OrbitSink.hide(audio);
          entry.audio = audio;
          OrbitSink.play(entry);
        }
        var context = OrbitSink.context();
        if (context) {
          try {
            entry.source = context.createMediaStreamSource(stream);
            entry.analyser = context.createAnalyser();
            entry.analyser.fftSize = 1024;
            entry.samples = new Float32Array(entry.analyser.fftSize);
            // An analyser needs no path to the speakers to be fed: the <audio> element plays.
            entry.source.connect(entry.analyser);
            OrbitSink.watchLevels();
          } catch (e) {
            entry.source = entry.analyser = null;
          }
          if (context.state === 'suspended') context.resume().catch(function() {});
        }
      }
      var slot = OrbitSink.nextHandle++;
      OrbitSink.slots[slot] = entry;
      OrbitSink.sinks[sink].slots[slot] = true;
      return slot;
    },

    play: function(entry) {
      OrbitMedia.attempt(function() { return entry.audio.play(); }).then(function() {
        entry.blocked = false;
      }, function(e) {
        // Autoplay policy: only a user's click lets this element play (resumeAudio).
        if (!entry.released && e && e.name === 'NotAllowedError') entry.blocked = true;
      });
    },

    // Counts frames as the browser presents them and tells C++, which uploads on its next draw.
    watch: function(entry) {
      var video = entry.video;
      var arrived = function() {
        ++entry.frames;
        entry.dirty = true;
        if (OrbitSink.sinks[entry.sink]) _orbit_sink_on_frame(entry.sink);
      };
      if (video.requestVideoFrameCallback) {
        var onFrame = function() {
          if (entry.released) return;
          arrived();
          entry.callback = video.requestVideoFrameCallback(onFrame);
        };
        entry.callback = video.requestVideoFrameCallback(onFrame);
        return;
      }
      // Without requestVideoFrameCallback (older Firefox), a new currentTime is a new frame.
      var last = -1;
      var poll = function() {
        if (entry.released) return;
        if (video.readyState >= 2 && video.currentTime !== last) {
          last = video.currentTime;
          arrived();
        }
        entry.raf = requestAnimationFrame(poll);
      };
      entry.raf = requestAnimationFrame(poll);
    },

    // The RMS of the newest 1024 samples, 0..1.
    level: function(entry) {
      var samples = entry.samples;
      entry.analyser.getFloatTimeDomainData(samples);
      var sum = 0;
      for (var i = 0; i < samples.length; ++i) sum += samples[i] * samples[i];
      return Math.min(1, Math.sqrt(sum / samples.length));
    },

    // The UI draws only when told something changed, and a voice changes nothing else: ten
    // times a second, a sink with sound (or that has just fallen silent) is told, so that its
    // speaking rings follow. Silence costs no drawing; no audio at all, not even the timer.
    watchLevels: function() {
      if (OrbitSink.levelTimer) return;
      OrbitSink.levelTimer = setInterval(function() {
        var told = {};
        var any = false;
        for (var slot in OrbitSink.slots) {
          var entry = OrbitSink.slots[slot];
          if (!entry.analyser) continue;
          any = true;
          var loud = OrbitSink.level(entry) > 0.02;
          if ((loud || entry.loud) && !told[entry.sink] && OrbitSink.sinks[entry.sink]) {
            told[entry.sink] = true;
            _orbit_sink_on_frame(entry.sink);
          }
          entry.loud = loud;
        }
        if (!any) {
          clearInterval(OrbitSink.levelTimer);
          OrbitSink.levelTimer = 0;
        }
      }, 100);
    },

    release: function(slot) {
      var entry = OrbitSink.slots[slot];
      if (!entry) return;
      delete OrbitSink.slots[slot];
      var sink = OrbitSink.sinks[entry.sink];
      if (sink) delete sink.slots[slot];
      entry.released = true;
      var video = entry.video;
      if (video) {
        if (entry.callback && video.cancelVideoFrameCallback) video.cancelVideoFrameCallback(entry.callback);
        if (entry.raf) cancelAnimationFrame(entry.raf);
        video.pause();
        video.srcObject = null;
        video.remove();
      }
      if (entry.texture) {
        var texture = GL.textures[entry.texture];
        if (texture) {
          entry.gl.deleteTexture(texture);
          texture.name = 0;
          GL.textures[entry.texture] = null;
        }
      }
      if (entry.audio) {
        entry.audio.pause();
        entry.audio.srcObject = null;
        entry.audio.remove();
      }
      if (entry.source) entry.source.disconnect();
    },

    // Copies the video's current frame into its texture. Reads no GL state back: in Chromium a
    // getParameter may wait for the GPU process to catch up, and the reads this did to leave
    // the bindings and unpack state as they were cost more than the upload itself (a CPU
    // profile of a call: 1.0 s of every 5 in getParameter under upload). So it writes what it
    // needs: the unpack state at its defaults (nothing in the client wants other values; ImGui's
    // renderer sets ROW_LENGTH to 0 itself), no pixel-unpack buffer, and TEXTURE_2D unbound
    // after, which ImGui's renderer binds anew for every draw.
    upload: function(entry) {
      var gl = GLctx;
      var video = entry.video;
      var width = video.videoWidth, height = video.videoHeight;
      var created = false;
      if (!entry.texture) {
        var texture = gl.createTexture();
        if (!texture) return;  // a lost context
        var id = GL.getNewId(GL.textures);
        texture.name = id;
        GL.textures[id] = texture;
        entry.texture = id;
        entry.gl = gl;
        created = true;
      }
      gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      if (typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext) {
        // WebGL2 applies these to uploads from a <video> as well.
        gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, null);
        gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 0);
        gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 0);
        gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 0);
        gl.pixelStorei(gl.UNPACK_SKIP_IMAGES, 0);
        gl.pixelStorei(gl.UNPACK_IMAGE_HEIGHT, 0);
      }
      gl.bindTexture(gl.TEXTURE_2D, GL.textures[entry.texture]);
      if (created) {
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      }
      try {
        // Same size: overwrite in place rather than reallocate.
        if (width === entry.width && height === entry.height) {
          gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, gl.RGBA, gl.UNSIGNED_BYTE, video);
        } else {
          gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, video);
          entry.width = width;
          entry.height = height;
        }
        entry.dirty = false;
      } catch (e) {
        // The element had no frame to give after all; the texture keeps the last one.
      }
      gl.bindTexture(gl.TEXTURE_2D, null);
    },
  },

  orbit_sink_create__deps: ['$OrbitSink'],
  orbit_sink_create: function() {
    var sink = OrbitSink.nextHandle++;
    OrbitSink.sinks[sink] = {slots: {}};
    return sink;
  },

  // Releases everything the sink presents; later frame events for it are dropped.
  orbit_sink_destroy__deps: ['$OrbitSink'],
  orbit_sink_destroy: function(sink) {
    var entry = OrbitSink.sinks[sink];
    if (!entry) return;
    Object.keys(entry.slots).forEach(function(slot) { OrbitSink.release(slot); });
    delete OrbitSink.sinks[sink];
  },

  // Returns the new slot, or 0 while the connection has not reported the track (yet).
  orbit_sink_add_remote__deps: ['$OrbitSink'],
  orbit_sink_add_remote: function(sink, trackId) {
    if (!OrbitSink.sinks[sink]) return 0;
    var found = OrbitRtc.findRemote(0, UTF8ToString(trackId));
    return found ? OrbitSink.add(sink, found.track, true) : 0;
  },

  orbit_sink_add_local__deps: ['$OrbitSink'],
  orbit_sink_add_local: function(sink, trackHandle) {
    if (!OrbitSink.sinks[sink]) return 0;
    var track = OrbitMedia.tracks[trackHandle];
    return track ? OrbitSink.add(sink, track, false) : 0;
  },

  orbit_sink_release__deps: ['$OrbitSink'],
  orbit_sink_release: function(slot) {
    OrbitSink.release(slot);
  },

  // Uploads the newest frame if one came since the last call, writes {texture, width, height}
  // to `out` and returns the frame count; -1 before the first frame is in the texture.
  orbit_sink_frame__deps: ['$OrbitSink'],
  orbit_sink_frame: function(slot, out) {
    var entry = OrbitSink.slots[slot];
    if (!entry || !entry.video) return -1;
    var video = entry.video;
    if (entry.dirty && video.readyState >= 2 && video.videoWidth > 0 && GLctx) OrbitSink.upload(entry);
    if (!entry.texture || !entry.width) return -1;
    HEAP32[out >> 2] = entry.texture;
    HEAP32[(out >> 2) + 1] = entry.width;
    HEAP32[(out >> 2) + 2] = entry.height;
    return entry.frames;
  },

  orbit_sink_level__deps: ['$OrbitSink'],
  orbit_sink_level: function(slot) {
    var entry = OrbitSink.slots[slot];
    return entry && entry.analyser ? OrbitSink.level(entry) : 0;
  },

  orbit_sink_audio_blocked__deps: ['$OrbitSink'],
  orbit_sink_audio_blocked: function(sink) {
    var entry = OrbitSink.sinks[sink];
    if (!entry) return 0;
    for (var slot in entry.slots) {
      if (OrbitSink.slots[slot] && OrbitSink.slots[slot].blocked) return 1;
    }
    return 0;
  },

  // Meant to run inside a click handler, or soon after one: that is what lets audio start.
  orbit_sink_resume_audio__deps: ['$OrbitSink'],
  orbit_sink_resume_audio: function(sink) {
    var entry = OrbitSink.sinks[sink];
    if (!entry) return;
    var context = OrbitSink.audioContext;
    if (context && context.state === 'suspended') context.resume().catch(function() {});
    for (var slot in entry.slots) {
      var e = OrbitSink.slots[slot];
      if (e && e.audio) OrbitSink.play(e);
    }
  },
});
