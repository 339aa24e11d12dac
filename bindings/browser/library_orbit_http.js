// What bindings/browser/browser_http.cpp calls in the page: fetch(), with only numbers and
// strings crossing. A client handle stays in OrbitHttp.clients while its C++ owner lives;
// an answer that arrives after that is dropped.
mergeInto(LibraryManager.library, {
  $OrbitHttp__deps: ['$stringToNewUTF8', 'free'],
  $OrbitHttp: {
    nextHandle: 1,
    clients: {},

    errorText: function(e) {
      if (e && e.name && e.message) return e.name + ': ' + e.message;
      return String(e);
    },

    // Strings go to C as NUL-terminated UTF-8 that is freed afterwards; C++ copies them.
    finish: function(client, op, status, body, error) {
      if (!OrbitHttp.clients[client]) return;
      var strings = [body, error].map(function(s) {
        return s === null || s === undefined ? 0 : stringToNewUTF8(s);
      });
      try {
        _orbit_http_done(client, op, status, strings[0], strings[1]);
      } finally {
        strings.forEach(function(p) { if (p) _free(p); });
      }
    },
  },

  orbit_http_create__deps: ['$OrbitHttp'],
  orbit_http_create: function() {
    var client = OrbitHttp.nextHandle++;
    OrbitHttp.clients[client] = true;
    return client;
  },

  orbit_http_destroy__deps: ['$OrbitHttp'],
  orbit_http_destroy: function(client) {
    delete OrbitHttp.clients[client];
  },

  orbit_http_request__deps: ['$OrbitHttp', 'orbit_http_done'],
  orbit_http_request: function(client, op, method, url, body) {
    var init = {method: UTF8ToString(method), credentials: 'same-origin', cache: 'no-store'};
    if (body) {
      init.body = UTF8ToString(body);
      init.headers = {'Content-Type': 'application/json'};
    }
    var target = UTF8ToString(url);
    // The room's look-up the embed API started as the page opened (orbit-embed.js,
    // startLookup), taken once, by the first GET of that address.
    var early = Module['orbitLookup'];
    if (early && init.method === 'GET' && early.url === target) {
      Module['orbitLookup'] = null;
    } else {
      early = null;
    }
    // Settled in a later task even when fetch() throws at once (a malformed URL), so the
    // completion never runs inside the C++ call.
    Promise.resolve().then(function() {
      if (early) return early.reply;
      return fetch(target, init).then(function(response) {
        return response.text().then(function(text) { return {status: response.status, body: text}; });
      });
    }).then(function(reply) {
      OrbitHttp.finish(client, op, reply.status, reply.body, null);
    }).catch(function(e) {
      OrbitHttp.finish(client, op, 0, null, 'cannot reach ' + target + ': ' + OrbitHttp.errorText(e));
    });
  },
});
