// What bindings/browser/browser_platform.cpp calls in the page. Only numbers and strings
// cross; the page's side of the embed API is web/orbit-embed.js, which hands the module
// the onOrbit* callbacks below.
mergeInto(LibraryManager.library, {
  // What the client does to the page it is mounted in, and undoes when it is destroyed: the
  // listeners it adds (each through listen()), the canvas's size, focus and keyboard.
  $OrbitPage__deps: ['$Browser', '$GLFW', '$OrbitTextInput'],
  $OrbitPage: {
    undo: [],
    listen: function(target, type, listener, options) {
      target.addEventListener(type, listener, options);
      OrbitPage.undo.push(function() { target.removeEventListener(type, listener, options); });
    },

    // The host sizes the canvas however it likes: a stylesheet, an inline style, its width and
    // height attributes, or nothing at all. The client sets only the backing store (CSS size
    // times devicePixelRatio), which must never feed back into the CSS size. Emscripten's
    // Browser.setCanvasSize removes an inline width and height (library_browser.js,
    // updateCanvasDimensions), so the client's own copy below leaves the style alone; and a
    // canvas whose CSS size follows its backing store (no CSS size of its own) is pinned in
    // CSS pixels at the size it has, before the backing store changes.
    adopt: function(canvas) {
      Browser.updateCanvasDimensions = function(target, width, height) {
        if (width && height) {
          target.widthNative = width;
          target.heightNative = height;
        }
        if (target.width != target.widthNative) target.width = target.widthNative;
        if (target.height != target.heightNative) target.height = target.heightNative;
      };
      var attributes = { width: canvas.getAttribute('width'), height: canvas.getAttribute('height'),
                         tabindex: canvas.getAttribute('tabindex') };
      var style = { width: canvas.style.getPropertyValue('width'), height: canvas.style.getPropertyValue('height'),
                    widthPriority: canvas.style.getPropertyPriority('width'),
                    heightPriority: canvas.style.getPropertyPriority('height'),
                    touchAction: canvas.style.getPropertyValue('touch-action') };
      OrbitPage.undo.push(function() {
        ['width', 'height', 'tabindex'].forEach(function(name) {
          if (attributes[name] === null) canvas.removeAttribute(name);
          else canvas.setAttribute(name, attributes[name]);
        });
        canvas.style.setProperty('width', style.width, style.widthPriority);
        canvas.style.setProperty('height', style.height, style.heightPriority);
        canvas.style.setProperty('touch-action', style.touchAction);
      });
      // A finger on the call drags its lists and presses its buttons: the page must neither
      // scroll nor zoom meanwhile (orbit_platform_listen_touch).
      canvas.style.setProperty('touch-action', 'none');
      OrbitPage.pin(canvas);
      // Focusable, so that the keyboard reaches the call only while it has the focus.
      if (attributes.tabindex === null) canvas.setAttribute('tabindex', '0');
    },

    pin: function(canvas) {
      var width = canvas.clientWidth;
      var height = canvas.clientHeight;
      if (!width || !height) return;  // not laid out (display: none): asked again when shown
      var follows = function(dimension, client) {
        var before = canvas[dimension];
        canvas[dimension] = before + 16;
        var moved = canvas[client] !== (dimension === 'width' ? width : height);
        canvas[dimension] = before;
        return moved;
      };
      if (follows('width', 'clientWidth')) canvas.style.setProperty('width', width + 'px');
      if (follows('height', 'clientHeight')) canvas.style.setProperty('height', height + 'px');
    },

    // The call's keyboard: keys reach it only while its canvas (or the hidden text field of
    // an input method, OrbitTextInput) has the focus. Emscripten's GLFW listens on the whole
    // window, and blocks Backspace and Tab there; its handlers are wrapped before glfwInit
    // adds them, so that its listeners (and glfwTerminate's removal) are the wrapped ones.
    // A key released elsewhere is still let through if the call saw it go down. Tab is the
    // page's, so that the focus is never trapped in the call: on to what follows the canvas,
    // and back with Shift+Tab. In one of the call's text fields it goes to the next (previous)
    // one while there is one (OrbitTextInput.tabs); from the last (first), the client lets go
    // of the field, keeping what was typed, and the browser moves on from the canvas.
    ownsFocus: function() {
      var active = document.activeElement;
      return active !== null && (active === Module['canvas'] ||
                                 (OrbitTextInput.area !== null && active === OrbitTextInput.area));
    },
    scopeKeyboard: function() {
      var keydown = GLFW.onKeydown;
      var keypress = GLFW.onKeyPress;
      var keyup = GLFW.onKeyup;
      GLFW.onKeydown = function(event) {
        if (event.keyCode === 9 && OrbitPage.ownsFocus()) {
          if (document.activeElement === Module['canvas']) return;
          if (event.shiftKey ? OrbitTextInput.tabs.previous : OrbitTextInput.tabs.next) return keydown(event);
          OrbitTextInput.wanted = null;
          Module['canvas'].focus({ preventScroll: true });
          _orbit_platform_text_field_left();
          return;
        }
        if (OrbitPage.ownsFocus()) keydown(event);
      };
      GLFW.onKeyPress = function(event) { if (OrbitPage.ownsFocus()) keypress(event); };
      GLFW.onKeyup = function(event) {
        if (OrbitPage.ownsFocus() || (GLFW.active && GLFW.active.domKeys[event.keyCode])) keyup(event);
      };
      // The focus went to the host page with a key held: the call lets go of it.
      var releaseKeys = function() {
        if (!GLFW.active || OrbitPage.ownsFocus()) return;
        GLFW.active.domKeys.forEach(function(down, keyCode) {
          if (down) GLFW.onKeyChanged(keyCode, 0);
        });
      };
      OrbitPage.listen(Module['canvas'], 'blur', function() { setTimeout(releaseKeys, 0); });
      OrbitPage.listen(Module['canvas'], 'focus', function() { OrbitTextInput.take(); });
      // The wheel goes through orbit_platform_listen_wheel instead.
      GLFW.onMouseWheel = function() {};
    },

    // Emscripten's GLFW takes a touch for a press of the mouse at wherever the mouse last was
    // (touch events carry no pageX), and a moving finger for no move at all: touches go
    // through orbit_platform_listen_touch instead, and GLFW sees only the mouse.
    scopeTouch: function() {
      var unlessTouch = function(handler) {
        return function(event) { if (event.type.lastIndexOf('touch', 0) !== 0) handler(event); };
      };
      GLFW.onMousemove = unlessTouch(GLFW.onMousemove);
      GLFW.onMouseButtonDown = unlessTouch(GLFW.onMouseButtonDown);
      GLFW.onMouseButtonUp = unlessTouch(GLFW.onMouseButtonUp);
    },
  },

  orbit_platform_init__deps: ['$OrbitPage', '$OrbitClipboard', '$OrbitA11y'],
  orbit_platform_init: function() {
    // A program without a canvas (the binding tests in tests/browser) draws nothing and takes
    // no keys.
    if (!Module['canvas']) return;
    OrbitPage.adopt(Module['canvas']);
    OrbitPage.scopeKeyboard();
    OrbitPage.scopeTouch();
    OrbitClipboard.listen();
    OrbitA11y.mount(Module['canvas']);
  },

  // Undoes what the client did to the page: its listeners, its hidden text field, the canvas's
  // attributes and inline size. After glfwTerminate, which removes GLFW's own listeners.
  orbit_platform_release__deps: ['$OrbitPage', '$OrbitTextInput'],
  orbit_platform_release: function() {
    while (OrbitPage.undo.length) OrbitPage.undo.pop()();
    if (OrbitTextInput.area) OrbitTextInput.area.remove();
    OrbitTextInput.area = null;
    OrbitTextInput.wanted = null;
    OrbitTextInput.tabs = { previous: false, next: false };
  },

  // Returns 0 when the canvas is not shown (display: none, or no size): nothing is drawn then.
  orbit_platform_fit_canvas__deps: ['$Browser', '$OrbitPage'],
  orbit_platform_fit_canvas: function() {
    var canvas = Module['canvas'];
    if (!canvas.clientWidth || !canvas.clientHeight) return 0;
    var ratio = window.devicePixelRatio || 1;
    var width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    var height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width != width || canvas.height != height) {
      OrbitPage.pin(canvas);
      // Through Browser rather than canvas.width, so Emscripten's GLFW learns the new size
      // and reports it to the app as a window resize.
      Browser.setCanvasSize(width, height);
    }
    return 1;
  },

  // The password the embedder gave (mount's `password`), handed over once and forgotten here.
  orbit_platform_take_password__deps: ['$stringToNewUTF8'],
  orbit_platform_take_password: function() {
    var password = Module['orbitPassword'];
    Module['orbitPassword'] = null;
    return stringToNewUTF8(password ? String(password) : '');
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
  $OrbitClipboard__deps: ['$OrbitPage'],
  $OrbitClipboard: {
    text: '',
    listen: function() {
      OrbitPage.listen(window, 'paste', function(event) {
        var data = event.clipboardData;
        if (data && OrbitPage.ownsFocus()) OrbitClipboard.text = data.getData('text/plain');
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
  // is emptied so it never grows. Text inserted with no key press before it (an input method
  // that commits without composing, an on-screen keyboard, dictation) goes to the client too:
  // GLFW never saw it.
  $OrbitTextInput__deps: ['$stringToNewUTF8', 'free'],
  //
  // The hidden field takes the focus only from the canvas (a click into one of the call's text
  // fields, or the keyboard already in the call), never from the host page: a field made
  // active while the focus is elsewhere gets it once the canvas is focused.
  $OrbitTextInput: {
    area: null,
    wanted: null,  // {x, y}: where the active field's cursor is, in CSS pixels of the canvas
    tabs: { previous: false, next: false },  // the active field has one before it, after it
    take: function() {
      var wanted = OrbitTextInput.wanted;
      if (!wanted || !OrbitPage.ownsFocus()) return;
      var area = OrbitTextInput.area || (OrbitTextInput.area = OrbitTextInput.make());
      var rect = Module['canvas'].getBoundingClientRect();
      area.style.left = (rect.left + wanted.x) + 'px';
      area.style.top = (rect.top + wanted.y) + 'px';
      if (document.activeElement !== area) area.focus({ preventScroll: true });
    },
    // A tap on one of the call's text fields: on-screen keyboards open only for a focus given
    // within the tap's own event handler, before the client has drawn the field as active.
    // The client says soon after whether a field did become active (orbit_platform_text_input).
    focusNow: function(x, y) {
      var area = OrbitTextInput.area || (OrbitTextInput.area = OrbitTextInput.make());
      var rect = Module['canvas'].getBoundingClientRect();
      area.style.left = (rect.left + x) + 'px';
      area.style.top = (rect.top + y) + 'px';
      if (document.activeElement !== area) area.focus({ preventScroll: true });
    },
    make: function() {
      var area = document.createElement('textarea');
      area.setAttribute('aria-hidden', 'true');
      area.setAttribute('autocomplete', 'off');
      area.tabIndex = -1;  // only ever focused by the client: Tab does not stop on it
      area.style.cssText = 'position:fixed;left:0;top:0;width:2em;height:1.5em;opacity:0;' +
                           'border:0;padding:0;resize:none;pointer-events:none;z-index:-1';
      var send = function(data) {
        var text = stringToNewUTF8(data);
        _orbit_platform_composed(text);
        _free(text);
      };
      // keydown, keypress, input: a key's character went through GLFW's keypress listener.
      var keyed = false;
      area.addEventListener('keydown', function() { keyed = false; });
      area.addEventListener('keypress', function() { keyed = true; });
      area.addEventListener('compositionend', function(event) {
        if (event.data) send(event.data);
        area.value = '';
      });
      area.addEventListener('input', function(event) {
        if (event.isComposing) return;
        if (event.inputType === 'insertText' && event.data && !keyed) send(event.data);
        keyed = false;
        area.value = '';
      });
      document.body.appendChild(area);
      return area;
    },
  },

  // The hidden field takes the focus only from the canvas (a click into one of the call's text
  // fields, or the keyboard already in the call), never from the host page.
  orbit_platform_text_input__deps: ['$OrbitTextInput', '$OrbitPage'],
  orbit_platform_text_input: function(active, x, y) {
    var canvas = Module['canvas'];
    if (!active) {
      OrbitTextInput.wanted = null;
      var area = OrbitTextInput.area;
      if (area && document.activeElement === area) canvas.focus({ preventScroll: true });
      return;
    }
    OrbitTextInput.wanted = { x: x, y: y };
    OrbitTextInput.take();
  },

  orbit_platform_text_field_tabs__deps: ['$OrbitTextInput'],
  orbit_platform_text_field_tabs: function(previous, next) {
    OrbitTextInput.tabs = { previous: !!previous, next: !!next };
  },

  // The wheel over the canvas goes to the client with the browser's own units and sign
  // (Emscripten's GLFW would hand ImGui the raw deltaY: pixels taken for steps, with the sign
  // of a native wheel reversed; its listener is a no-op, OrbitPage.scopeKeyboard). The client
  // takes the event only when what is under the pointer can still scroll that way
  // (orbit_platform_wheel returns 1); otherwise it is the host page's, to scroll the page.
  orbit_platform_listen_wheel__deps: ['$OrbitPage'],
  orbit_platform_listen_wheel: function() {
    if (!Module['canvas'] || Module['orbitWheelListening']) return;
    Module['orbitWheelListening'] = true;
    OrbitPage.listen(Module['canvas'], 'wheel', function(event) {
      if (_orbit_platform_wheel(event.deltaX, event.deltaY, event.deltaMode)) event.preventDefault();
    }, { passive: false });
  },

  // One finger at a time over the canvas goes to the client (orbit_platform_touch), which makes
  // a tap a click and a drag a scroll. Every touch event is the client's: its default would
  // scroll or zoom the page, and the mouse events a browser makes up after a tap would click a
  // second time. Taking them also keeps the focus where it is, so a tap gives it to the canvas,
  // or to the hidden text field when the tap lands on a text field.
  orbit_platform_listen_touch__deps: ['$OrbitPage', '$OrbitTextInput'],
  orbit_platform_listen_touch: function() {
    var canvas = Module['canvas'];
    if (!canvas || Module['orbitTouchListening']) return;
    Module['orbitTouchListening'] = true;
    var phases = { touchstart: 0, touchmove: 1, touchend: 2, touchcancel: 3 };
    var handle = function(event) {
      if (event.cancelable) event.preventDefault();
      var rect = canvas.getBoundingClientRect();
      var phase = phases[event.type];
      for (var i = 0; i < event.changedTouches.length; i++) {
        var touch = event.changedTouches[i];
        var x = touch.clientX - rect.left;
        var y = touch.clientY - rect.top;
        var onTextField = _orbit_platform_touch(phase, touch.identifier, x, y, event.timeStamp);
        if (phase !== 2) continue;
        if (onTextField) OrbitTextInput.focusNow(x, y);
        else if (!OrbitPage.ownsFocus()) canvas.focus({ preventScroll: true });
      }
    };
    Object.keys(phases).forEach(function(type) { OrbitPage.listen(canvas, type, handle, { passive: false }); });
  },

  // Whether the main pointer is a finger, as CSS media queries say; asked before each drawn
  // frame, of one live query.
  $OrbitPointer: { coarse: null },
  orbit_platform_coarse_pointer__deps: ['$OrbitPointer'],
  orbit_platform_coarse_pointer: function() {
    if (!OrbitPointer.coarse) {
      OrbitPointer.coarse = window.matchMedia ? window.matchMedia('(pointer: coarse)') : { matches: false };
    }
    return OrbitPointer.coarse.matches ? 1 : 0;
  },

  orbit_platform_listen_resume__deps: ['$OrbitPage'],
  orbit_platform_listen_resume: function() {
    if (Module['orbitResumeListening']) return;
    Module['orbitResumeListening'] = true;
    OrbitPage.listen(window, 'online', function() { _orbit_platform_resume(); });
    OrbitPage.listen(window, 'focus', function() { _orbit_platform_resume(); });
    OrbitPage.listen(document, 'visibilitychange', function() {
      if (document.visibilityState === 'visible') _orbit_platform_resume();
    });
  },

  // What can change the canvas's backing store while the frame loop sleeps: its CSS size (a
  // ResizeObserver sees the page's layout and the window alike, and the canvas shown again
  // after display: none) and the pixel density (a window moved to another screen, or zoomed),
  // which a media query on the current one sees.
  orbit_platform_listen_resize__deps: ['$OrbitPage'],
  orbit_platform_listen_resize: function() {
    var canvas = Module['canvas'];
    if (!canvas || Module['orbitResizeListening']) return;
    Module['orbitResizeListening'] = true;
    if (typeof ResizeObserver !== 'undefined') {
      var observer = new ResizeObserver(function() { _orbit_platform_resized(); });
      observer.observe(canvas);
      OrbitPage.undo.push(function() { observer.disconnect(); });
    } else {
      OrbitPage.listen(window, 'resize', function() { _orbit_platform_resized(); });
    }
    var watchDensity = function() {
      var query = window.matchMedia('(resolution: ' + (window.devicePixelRatio || 1) + 'dppx)');
      var changed = function() {
        _orbit_platform_resized();
        watchDensity();
      };
      query.addEventListener('change', changed, { once: true });
      OrbitPage.undo.push(function() { query.removeEventListener('change', changed, { once: true }); });
    };
    if (window.matchMedia) watchDensity();
  },

  // Fetches a file served beside orbit.js (the UI's fonts), where Emscripten looks for
  // orbit.wasm: the script's own folder, on the page's origin or another. Its bytes go to
  // orbit_platform_file, or nothing (size -1) if it could not be had: the UI keeps its
  // built-in font, and the console says why.
  orbit_platform_fetch_file__deps: ['malloc', 'free'],
  orbit_platform_fetch_file: function(name, id) {
    var url = locateFile(UTF8ToString(name));
    fetch(url, { credentials: 'same-origin' }).then(function(response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.arrayBuffer();
    }).then(function(buffer) {
      var bytes = new Uint8Array(buffer);
      var at = _malloc(Math.max(bytes.length, 1));
      HEAPU8.set(bytes, at);
      _orbit_platform_file(id, at, bytes.length);
      _free(at);
    }, function(error) {
      console.warn('orbit: ' + url + ': ' + error.message);
      _orbit_platform_file(id, 0, -1);
    });
  },

  // statsOnly: only the connection figures changed, which the page elements do not show.
  // What was typed into the canvas's fields changed: the page's copies of them follow.
  orbit_platform_drafts_changed__deps: ['$OrbitA11y'],
  orbit_platform_drafts_changed: function() {
    OrbitA11y.fillDrafts();
  },

  orbit_platform_state_changed__deps: ['$OrbitA11y'],
  orbit_platform_state_changed: function(statsOnly) {
    if (!statsOnly) OrbitA11y.changed();
    var onChange = Module['onOrbitStateChanged'];
    if (onChange) onChange();
  },

  // An embedder decides for itself through Module.onOrbitAddress. Otherwise the address bar
  // changes only on the client's own page (served by the same server at <base>/ or <base>/room/...), never
  // on a page that merely embeds it. replaceState, not pushState: nothing would answer Back.
  orbit_platform_show_address: function(url) {
    var target = UTF8ToString(url);
    var onAddress = Module['onOrbitAddress'];
    if (onAddress) return onAddress(target);
    try {
      var next = new URL(target, window.location.href);
      // The lobby is <base>/ and a room <base>/room/<id>, where <base> is the server's path
      // (empty at the site's root, /orbit behind a proxy at /orbit/).
      var base = next.pathname.replace(/\/room\/[^/]*\/?$/, '').replace(/\/$/, '');
      var path = window.location.pathname;
      var ownPage = next.origin === window.location.origin &&
                    (path === base + '/' || path.indexOf(base + '/room/') === 0);
      if (ownPage) window.history.replaceState(null, '', next.href);
    } catch (e) {
      console.warn('orbit: cannot show the address ' + target + ': ' + e);
    }
  },
});
