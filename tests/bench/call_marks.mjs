// An init script (context.addInitScript) that notes, in window.orbitBenchMarks, when the page
// reached each step of a call's start (performance.now(), ms since the page began loading):
// first time only, each under its name. It wraps the browser APIs the client uses, so it
// measures the client as it is, with nothing added to it.
export function recordCallMarks() {
  const marks = {};
  window.orbitBenchMarks = marks;
  const mark = (name) => { if (!(name in marks)) marks[name] = performance.now(); };

  for (const key of ['instantiate', 'instantiateStreaming', 'compile', 'compileStreaming']) {
    const original = WebAssembly[key];
    if (!original) continue;
    WebAssembly[key] = function (...args) {
      mark(`wasm ${key} called`);
      return original.apply(this, args).then((result) => { mark('wasm ready'); return result; });
    };
  }

  const NativeSocket = window.WebSocket;
  window.WebSocket = function (...args) {
    mark('websocket created');
    const socket = new NativeSocket(...args);
    socket.addEventListener('open', () => mark('websocket open'));
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      const type = /"type"\s*:\s*"([^"]+)"/.exec(event.data)?.[1];
      if (type) mark(`received ${type}`);
    });
    return socket;
  };
  window.WebSocket.prototype = NativeSocket.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  const send = NativeSocket.prototype.send;
  NativeSocket.prototype.send = function (data) {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    const type = /"type"\s*:\s*"([^"]+)"/.exec(text)?.[1];
    if (type) mark(`sent ${type}`);
    return send.call(this, data);
  };

  const nativeFetch = window.fetch.bind(window);
  window.fetch = (target, ...rest) => {
    const what = String(target).replace(/^https?:\/\/[^/]+/, '').replace(/\/rooms?\/[^/?]+/, '/room/*').split('?')[0];
    mark(`fetch ${what}`);
    return nativeFetch(target, ...rest).then((response) => { mark(`fetched ${what}`); return response; });
  };

  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = (constraints) => {
    mark('getUserMedia called');
    return getUserMedia(constraints).then((stream) => { mark('getUserMedia resolved'); return stream; });
  };

  const remoteTracks = new Set();
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    mark('peer connection created');
    const pc = new NativePc(...args);
    pc.addEventListener('iceconnectionstatechange', () => mark(`ice ${pc.iceConnectionState}`));
    pc.addEventListener('negotiationneeded', () => mark('negotiationneeded'));
    pc.addEventListener('track', (event) => { mark(`track ${event.track.kind}`); remoteTracks.add(event.track); });
    return pc;
  };
  window.RTCPeerConnection.prototype = NativePc.prototype;
  for (const key of ['setLocalDescription', 'setRemoteDescription']) {
    const original = NativePc.prototype[key];
    NativePc.prototype[key] = function (...args) {
      return original.apply(this, args).then((result) => {
        mark(`${key} ${(key === 'setLocalDescription' ? this.localDescription : this.remoteDescription)?.type} done`);
        return result;
      });
    };
  }

  const frameCallback = HTMLVideoElement.prototype.requestVideoFrameCallback;
  if (frameCallback) {
    HTMLVideoElement.prototype.requestVideoFrameCallback = function (callback) {
      return frameCallback.call(this, (...args) => {
        const track = this.srcObject?.getVideoTracks?.()[0];
        mark(track && remoteTracks.has(track) ? 'remote frame presented' : 'local frame presented');
        return callback(...args);
      });
    };
  }
}
