// What bindings/browser/browser_platform.cpp calls in the page. Only numbers and strings
// cross; the page's side of the embed API is web/orbit-embed.js, which hands the module
// the onOrbit* callbacks below.
mergeInto(LibraryManager.library, {
  orbit_platform_fit_canvas__deps: ['$Browser'],
  orbit_platform_fit_canvas: function() {
    var canvas = Module['canvas'];
    var ratio = window.devicePixelRatio || 1;
    var width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    var height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    // Through Browser rather than canvas.width, so Emscripten's GLFW learns the new size
    // and reports it to the app as a window resize.
    if (canvas.width != width || canvas.height != height) Browser.setCanvasSize(width, height);
  },

  orbit_platform_publish_state: function(json) {
    var onState = Module['onOrbitState'];
    if (onState) onState(UTF8ToString(json));
  },

  orbit_platform_publish_event: function(json) {
    var onEvent = Module['onOrbitEvent'];
    if (onEvent) onEvent(JSON.parse(UTF8ToString(json)));
  },

  // The page's clipboard as far as the client can know it: what the user last pasted into
  // the page, or what the client last copied. Browsers show the clipboard itself only to a
  // paste event, which fires after the Ctrl+V keydown and before the frame that handles it.
  $OrbitClipboard__postset: 'OrbitClipboard.listen();',
  $OrbitClipboard: {
    text: '',
    listen: function() {
      window.addEventListener('paste', function(event) {
        var data = event.clipboardData;
        if (data) OrbitClipboard.text = data.getData('text/plain');
      }, true);
    },
  },

  orbit_platform_clipboard_text__deps: ['$OrbitClipboard', '$stringToNewUTF8'],
  orbit_platform_clipboard_text: function() {
    return stringToNewUTF8(OrbitClipboard.text);
  },

  orbit_platform_copy_text__deps: ['$OrbitClipboard'],
  orbit_platform_copy_text: function(text) {
    var value = UTF8ToString(text);
    OrbitClipboard.text = value;
    // The async clipboard needs a secure context and, in some browsers, a recent click;
    // either way a failure is no reason to stop the client.
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(value).catch(function(e) {
        console.warn('orbit: could not copy to the clipboard: ' + e);
      });
    }
  },

  // A text field is active in the canvas: a hidden textarea at its cursor takes the focus,
  // so that input methods compose there; their result goes to the client. Plain typing
  // still reaches the client through GLFW's key listeners on the window, and the textarea
  // is emptied so it never grows.
  $OrbitTextInput__deps: ['$stringToNewUTF8', 'free'],
  $OrbitTextInput: {
    area: null,
    make: function() {
      var area = document.createElement('textarea');
      area.setAttribute('aria-hidden', 'true');
      area.setAttribute('autocomplete', 'off');
      area.style.cssText = 'position:fixed;left:0;top:0;width:2em;height:1.5em;opacity:0;' +
                           'border:0;padding:0;resize:none;pointer-events:none;z-index:-1';
      area.addEventListener('compositionend', function(event) {
        if (event.data) {
          var text = stringToNewUTF8(event.data);
          _orbit_platform_composed(text);
          _free(text);
        }
        area.value = '';
      });
      area.addEventListener('input', function(event) {
        if (!event.isComposing) area.value = '';
      });
      document.body.appendChild(area);
      return area;
    },
  },

  orbit_platform_text_input__deps: ['$OrbitTextInput'],
  orbit_platform_text_input: function(active, x, y) {
    var canvas = Module['canvas'];
    if (!active) {
      var area = OrbitTextInput.area;
      if (area && document.activeElement === area) canvas.focus();
      return;
    }
    if (!OrbitTextInput.area) OrbitTextInput.area = OrbitTextInput.make();
    var rect = canvas.getBoundingClientRect();
    var area = OrbitTextInput.area;
    area.style.left = (rect.left + x) + 'px';
    area.style.top = (rect.top + y) + 'px';
    if (document.activeElement !== area) area.focus({ preventScroll: true });
  },

  // The wheel over the canvas goes to the client with the browser's own units and sign.
  // Emscripten's GLFW would hand ImGui the raw deltaY instead: pixels taken for steps, with
  // the sign of a native wheel reversed. Listening on the window in the capture phase runs
  // before GLFW's listener on the canvas, which then never sees the event.
  orbit_platform_listen_wheel: function() {
    if (Module['orbitWheelListening']) return;
    Module['orbitWheelListening'] = true;
    window.addEventListener('wheel', function(event) {
      if (event.target !== Module['canvas']) return;
      event.stopPropagation();
      event.preventDefault();
      _orbit_platform_wheel(event.deltaX, event.deltaY, event.deltaMode);
    }, { capture: true, passive: false });
  },

  orbit_platform_listen_resume: function() {
    if (Module['orbitResumeListening']) return;
    Module['orbitResumeListening'] = true;
    window.addEventListener('online', function() { _orbit_platform_resume(); });
    window.addEventListener('focus', function() { _orbit_platform_resume(); });
    document.addEventListener('visibilitychange', function() {
      if (document.visibilityState === 'visible') _orbit_platform_resume();
    });
  },

  // What can change the canvas's backing store while the frame loop sleeps: its CSS size (a
  // ResizeObserver sees the page's layout and the window alike) and the pixel density (a
  // window moved to another screen, or zoomed), which a media query on the current one sees.
  orbit_platform_listen_resize: function() {
    var canvas = Module['canvas'];
    if (!canvas || Module['orbitResizeListening']) return;
    Module['orbitResizeListening'] = true;
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver(function() { _orbit_platform_resized(); }).observe(canvas);
    } else {
      window.addEventListener('resize', function() { _orbit_platform_resized(); });
    }
    var watchDensity = function() {
      var query = window.matchMedia('(resolution: ' + (window.devicePixelRatio || 1) + 'dppx)');
      query.addEventListener('change', function() {
        _orbit_platform_resized();
        watchDensity();
      }, { once: true });
    };
    if (window.matchMedia) watchDensity();
  },

  orbit_platform_state_changed: function() {
    var onChange = Module['onOrbitStateChanged'];
    if (onChange) onChange();
  },

  // An embedder decides for itself through Module.onOrbitAddress. Otherwise the address bar
  // changes only on the client's own page (served by the same server at / or /room/...), never
  // on a page that merely embeds it. replaceState, not pushState: nothing would answer Back.
  orbit_platform_show_address: function(url) {
    var target = UTF8ToString(url);
    var onAddress = Module['onOrbitAddress'];
    if (onAddress) return onAddress(target);
    try {
      var next = new URL(target, window.location.href);
      var path = window.location.pathname;
      var ownPage = next.origin === window.location.origin && (path === '/' || path.indexOf('/room/') === 0);
      if (ownPage) window.history.replaceState(null, '', next.href);
    } catch (e) {
      console.warn('orbit: cannot show the address ' + target + ': ' + e);
    }
  },
});
