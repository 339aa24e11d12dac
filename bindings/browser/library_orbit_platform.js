// What bindings/browser/browser_platform.cpp calls in the page. Only numbers and strings
// cross; the page's side of the embed API is web/orbit-loader.js.
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
});
