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

  orbit_platform_copy_text: function(text) {
    var value = UTF8ToString(text);
    // The async clipboard needs a secure context and, in some browsers, a recent click;
    // either way a failure is no reason to stop the client.
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(value).catch(function(e) {
        console.warn('orbit: could not copy to the clipboard: ' + e);
      });
    }
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
