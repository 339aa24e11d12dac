// Starts the Orbit client in the page's canvas and exposes window.orbit, the embed API.
(function () {
  'use strict';

  var latestState = null;  // JSON text, as the client last published it

  window.orbit = {
    // The client's state as plain data:
    // {self: {id, name}, room, connection, peers: [{id, name}], roomInfo, close?, error?, problem?}
    state: function () {
      return latestState === null ? null : JSON.parse(latestState);
    },
  };

  createOrbitModule({
    canvas: document.getElementById('canvas'),
    arguments: [window.location.href],
    onOrbitState: function (json) { latestState = json; },
  });
})();
