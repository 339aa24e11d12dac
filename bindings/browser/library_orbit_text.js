// What bindings/browser/browser_text_painter.cpp calls: text painted with the browser's own
// fonts and text shaper on a 2D canvas, for the characters ImGui's font lacks. The browser
// picks a font for each character (CJK, Devanagari, colour emoji ...), joins Arabic letters
// and orders a right-to-left word; Orbit's download carries no font for them.
mergeInto(LibraryManager.library, {
  $OrbitText: {
    context: null,
    image: null,  // the last painted glyph's pixels, until orbit_text_copy takes them
    // The widest glyph the atlas takes (a long word in a script written without spaces).
    maxWidth: 4000,
  },

  // Paints `text` in type `pixels` high and writes its measures to `metrics` (int32s: width,
  // height, left, baseline, advance in 1/64 pixels, coloured). 0: nothing to paint.
  orbit_text_paint__deps: ['$OrbitText'],
  orbit_text_paint: function(text, pixels, rightToLeft, metrics) {
    if (!OrbitText.context) {
      OrbitText.context = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    }
    var context = OrbitText.context;
    var string = UTF8ToString(text);
    var configure = function() {
      context.font = pixels + 'px sans-serif';
      context.direction = rightToLeft ? 'rtl' : 'ltr';
      context.textAlign = 'left';
      context.textBaseline = 'alphabetic';
    };
    configure();
    var measure = context.measureText(string);
    var left = Math.ceil(Math.max(measure.actualBoundingBoxLeft, 0)) + 1;
    var right = Math.ceil(Math.max(measure.actualBoundingBoxRight, measure.width)) + 1;
    var ascent = Math.ceil(Math.max(measure.actualBoundingBoxAscent, 0)) + 1;
    var descent = Math.ceil(Math.max(measure.actualBoundingBoxDescent, 0)) + 1;
    var width = Math.min(left + right, OrbitText.maxWidth);
    var height = ascent + descent;
    if (width <= 0 || height <= 0) return 0;
    var canvas = context.canvas;
    if (canvas.width < width || canvas.height < height) {
      canvas.width = Math.max(canvas.width, width);
      canvas.height = Math.max(canvas.height, height);
    }
    configure();  // a resize resets the context's settings
    context.clearRect(0, 0, width, height);
    context.fillStyle = '#fff';
    context.fillText(string, left, ascent);
    var image = context.getImageData(0, 0, width, height);
    // White text comes back white wherever it is opaque enough to tell; anything else has
    // colours of its own.
    var data = image.data;
    var colored = 0;
    for (var i = 0; i < data.length && !colored; i += 4) {
      if (data[i + 3] > 128 && (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200)) colored = 1;
    }
    OrbitText.image = image;
    var at = metrics >> 2;
    HEAP32[at] = width;
    HEAP32[at + 1] = height;
    HEAP32[at + 2] = -left;
    HEAP32[at + 3] = ascent;
    HEAP32[at + 4] = Math.round(measure.width) * 64;
    HEAP32[at + 5] = colored;
    return 1;
  },

  // Copies the last painted glyph's pixels to `rgba` (width * height * 4 bytes).
  orbit_text_copy__deps: ['$OrbitText'],
  orbit_text_copy: function(rgba) {
    HEAPU8.set(OrbitText.image.data, rgba);
    OrbitText.image = null;
  },
});
