// What bindings/browser/browser_peer_backend.cpp calls in the page. Only numbers and strings
// cross: JS keeps each RTCPeerConnection, its senders and the tracks it receives in
// OrbitRtc.connections, keyed by the handle C++ holds. Local tracks come from
// OrbitMedia.tracks (library_orbit_media.js).
//
// For other JS (video -> WebGL texture), once the module has started:
//   Module.orbitRtc.remoteTrack(pc, trackId)       -> MediaStreamTrack or null
//   Module.orbitRtc.remoteStream(pc, trackId)      -> a MediaStream holding just that track, or null
//   Module.orbitRtc.remoteTransceiver(pc, trackId) -> its RTCRtpTransceiver, or null
// `pc` is the handle BrowserPeerConnection::handle() returns; 0 searches every connection.
// `trackId` is RemoteTrack::id, i.e. the receiving MediaStreamTrack's id. Entries go away
// when their connection is closed.
mergeInto(LibraryManager.library, {
  $OrbitRtc__deps: ['$OrbitMedia'],
  $OrbitRtc__postset: 'OrbitRtc.publish();',
  $OrbitRtc: {
    nextHandle: 1,
    // handle -> {pc, error, senders: {track handle: RTCRtpSender}, remote: {track id: {...}},
    //            previous: {time, sent, received, lost, packets}}
    connections: {},

    // C++ gets a state or type as its index here: the order of the enums in
    // wasm/peer_backend.hpp, which tests/browser/enum_tables.mjs checks.
    signaling: ['stable', 'have-local-offer', 'have-remote-offer', 'have-local-pranswer',
                'have-remote-pranswer', 'closed'],
    connection: ['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed'],
    ice: ['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed'],
    sdpTypes: ['offer', 'answer', 'pranswer', 'rollback'],
    candidateTypes: ['unknown', 'host', 'srflx', 'prflx', 'relay'],

    publish: function() {
      Module['orbitRtc'] = {
        remoteTrack: function(pc, trackId) {
          var entry = OrbitRtc.findRemote(pc, trackId);
          return entry ? entry.track : null;
        },
        remoteStream: function(pc, trackId) {
          var entry = OrbitRtc.findRemote(pc, trackId);
          if (!entry) return null;
          if (!entry.stream) entry.stream = new MediaStream([entry.track]);
          return entry.stream;
        },
        remoteTransceiver: function(pc, trackId) {
          var entry = OrbitRtc.findRemote(pc, trackId);
          return entry ? entry.transceiver : null;
        },
      };
    },

    findRemote: function(pc, trackId) {
      var handles = pc ? [pc] : Object.keys(OrbitRtc.connections);
      for (var i = 0; i < handles.length; ++i) {
        var connection = OrbitRtc.connections[handles[i]];
        if (connection && connection.remote[trackId]) return connection.remote[trackId];
      }
      return null;
    },

    index: function(names, name) {
      var i = names.indexOf(name);
      return i < 0 ? names.length - 1 : i;
    },

    // Runs `call(pc)` and reports its promise to C++ as completion `op`. A synchronous throw
    // becomes a rejection, so C++ hears of it later, never from inside its own call; and the
    // call itself happens now, so it takes its place in the connection's operations chain.
    run: function(handle, op, call) {
      var connection = OrbitRtc.connections[handle];
      var promise = OrbitMedia.attempt(function() {
        if (!connection || !connection.pc) {
          throw connection ? connection.error : new Error('the connection is closed');
        }
        return call(connection.pc, connection);
      });
      promise.then(function() {
        if (OrbitRtc.connections[handle]) _orbit_rtc_done(handle, op, 0);
      }, function(e) {
        if (!OrbitRtc.connections[handle]) return;
        OrbitMedia.callWithStrings(_orbit_rtc_done, [handle, op], [OrbitMedia.errorText(e)]);
      });
    },

    // Events are dropped once C++ has closed the connection: the entry is gone by then.
    listen: function(handle, pc) {
      var live = function() { return !!OrbitRtc.connections[handle]; };
      pc.onicecandidate = function(event) {
        if (!live()) return;
        var c = event.candidate;
        // Firefox ends each round twice: an empty candidate (the end of a generation), then
        // null (gathering complete). Only null is passed on, or the core would count a second
        // round that gathered nothing and report that no network path was found.
        if (c && !c.candidate) return;
        var text = c ? c.candidate : '';
        var mid = c ? c.sdpMid : null;
        var index = c && c.sdpMLineIndex !== null && c.sdpMLineIndex !== undefined ? c.sdpMLineIndex : -1;
        OrbitMedia.callWithStrings(_orbit_rtc_candidate, [handle, index], [text, mid]);
      };
      // A STUN or TURN server that answered with an error (401: credentials it does not
      // accept) or not at all (701).
      pc.onicecandidateerror = function(event) {
        if (!live()) return;
        OrbitMedia.callWithStrings(_orbit_rtc_candidate_error, [handle, event.errorCode || 0],
                                   [event.url || '', event.errorText || '']);
      };
      pc.onnegotiationneeded = function() {
        if (live()) _orbit_rtc_event(handle, 0, 0);
      };
      pc.onsignalingstatechange = function() {
        if (live()) _orbit_rtc_event(handle, 1, OrbitRtc.index(OrbitRtc.signaling, pc.signalingState));
      };
      pc.onconnectionstatechange = function() {
        if (live()) _orbit_rtc_event(handle, 2, OrbitRtc.index(OrbitRtc.connection, pc.connectionState));
      };
      pc.oniceconnectionstatechange = function() {
        if (live()) _orbit_rtc_event(handle, 3, OrbitRtc.index(OrbitRtc.ice, pc.iceConnectionState));
      };
      pc.ontrack = function(event) {
        var connection = OrbitRtc.connections[handle];
        if (!connection) return;
        var track = event.track;
        connection.remote[track.id] = {
          track: track, streams: event.streams, receiver: event.receiver,
          transceiver: event.transceiver, stream: null,
        };
        var mid = event.transceiver && event.transceiver.mid !== null ? event.transceiver.mid : '';
        OrbitMedia.callWithStrings(_orbit_rtc_track, [handle], [track.id, track.kind, mid]);
      };
    },

    // The selected pair and the RTP totals of one getStats() report, as rates since the last.
    condense: function(connection, report) {
      var sent = 0, received = 0, lost = 0, packets = 0;
      var width = 0, height = 0, fps = 0;
      var pairId = null, pairs = [], byId = {};
      report.forEach(function(s) {
        byId[s.id] = s;
        if (s.type === 'outbound-rtp') {
          sent += s.bytesSent || 0;
        } else if (s.type === 'inbound-rtp') {
          received += s.bytesReceived || 0;
          lost += Math.max(0, s.packetsLost || 0);
          packets += s.packetsReceived || 0;
          if ((s.kind || s.mediaType) === 'video' && (s.frameWidth || 0) * (s.frameHeight || 0) > width * height) {
            width = s.frameWidth || 0;
            height = s.frameHeight || 0;
            fps = s.framesPerSecond || 0;
          }
        } else if (s.type === 'transport' && s.selectedCandidatePairId) {
          pairId = s.selectedCandidatePairId;
        } else if (s.type === 'candidate-pair') {
          pairs.push(s);
        }
      });
      // Firefox has no transport stats; its pairs say `selected` themselves.
      var pair = pairId ? byId[pairId] : null;
      if (!pair) {
        pair = pairs.filter(function(p) { return p.selected || (p.nominated && p.state === 'succeeded'); })[0] || null;
      }
      var candidateType = function(id) {
        var c = id ? byId[id] : null;
        return c ? OrbitRtc.index(OrbitRtc.candidateTypes, c.candidateType) : 0;
      };
      var now = performance.now();
      var previous = connection.previous;
      var seconds = previous ? (now - previous.time) / 1000 : 0;
      var rate = function(total, before) {
        return seconds > 0 && total >= before ? (total - before) * 8 / 1000 / seconds : 0;
      };
      var newLost = previous ? lost - previous.lost : lost;
      var newPackets = previous ? packets - previous.packets : packets;
      connection.previous = {time: now, sent: sent, received: received, lost: lost, packets: packets};
      return {
        send: previous ? rate(sent, previous.sent) : 0,
        receive: previous ? rate(received, previous.received) : 0,
        rtt: pair && pair.currentRoundTripTime !== undefined ? pair.currentRoundTripTime * 1000 : 0,
        loss: newLost > 0 && newLost + newPackets > 0 ? newLost / (newLost + newPackets) : 0,
        width: width, height: height, fps: fps,
        local: pair ? candidateType(pair.localCandidateId) : 0,
        remote: pair ? candidateType(pair.remoteCandidateId) : 0,
      };
    },
  },

  // Returns the connection's handle. `configurationJson` is an RTCConfiguration:
  // {iceServers, iceTransportPolicy}. When the browser refuses it (a bad ICE server URL), the
  // handle still exists and every operation on it fails with that error.
  orbit_rtc_create__deps: ['$OrbitRtc'],
  orbit_rtc_create: function(configurationJson) {
    var handle = OrbitRtc.nextHandle++;
    var connection = {pc: null, error: null, senders: {}, remote: {}, previous: null};
    try {
      connection.pc = new RTCPeerConnection(JSON.parse(UTF8ToString(configurationJson)));
    } catch (e) {
      connection.error = e;
    }
    OrbitRtc.connections[handle] = connection;
    if (connection.pc) OrbitRtc.listen(handle, connection.pc);
    return handle;
  },

  orbit_rtc_close__deps: ['$OrbitRtc'],
  orbit_rtc_close: function(handle) {
    var connection = OrbitRtc.connections[handle];
    delete OrbitRtc.connections[handle];
    if (connection && connection.pc) {
      try { connection.pc.close(); } catch (e) { /* already closed */ }
    }
  },

  orbit_rtc_set_local_description__deps: ['$OrbitRtc'],
  orbit_rtc_set_local_description: function(handle, op) {
    OrbitRtc.run(handle, op, function(pc) { return pc.setLocalDescription(); });
  },

  orbit_rtc_rollback__deps: ['$OrbitRtc'],
  orbit_rtc_rollback: function(handle, op) {
    OrbitRtc.run(handle, op, function(pc) { return pc.setLocalDescription({type: 'rollback'}); });
  },

  orbit_rtc_set_remote_description__deps: ['$OrbitRtc'],
  orbit_rtc_set_remote_description: function(handle, op, type, sdp) {
    var description = {type: OrbitRtc.sdpTypes[type], sdp: UTF8ToString(sdp)};
    OrbitRtc.run(handle, op, function(pc) { return pc.setRemoteDescription(description); });
  },

  orbit_rtc_add_ice_candidate__deps: ['$OrbitRtc'],
  orbit_rtc_add_ice_candidate: function(handle, op, candidate, mid, index) {
    var init = {candidate: UTF8ToString(candidate)};
    if (mid) init.sdpMid = UTF8ToString(mid);
    if (index >= 0) init.sdpMLineIndex = index;
    // An empty candidate is the end of candidates: addIceCandidate wants it with no mid and
    // no index, or it looks for a media section to add it to.
    if (!init.candidate) init = {candidate: ''};
    OrbitRtc.run(handle, op, function(pc) { return pc.addIceCandidate(init); });
  },

  orbit_rtc_restart_ice__deps: ['$OrbitRtc'],
  orbit_rtc_restart_ice: function(handle) {
    var connection = OrbitRtc.connections[handle];
    if (connection && connection.pc && connection.pc.restartIce) connection.pc.restartIce();
  },

  // 0-3 for offer..rollback, -1 when there is none. `remote` picks the side.
  orbit_rtc_description_type__deps: ['$OrbitRtc'],
  orbit_rtc_description_type: function(handle, remote) {
    var connection = OrbitRtc.connections[handle];
    var d = connection && connection.pc ? (remote ? connection.pc.remoteDescription : connection.pc.localDescription) : null;
    return d ? OrbitRtc.sdpTypes.indexOf(d.type) : -1;
  },

  // The SDP as UTF-8 the caller frees, or null.
  orbit_rtc_description_sdp__deps: ['$OrbitRtc', '$stringToNewUTF8'],
  orbit_rtc_description_sdp: function(handle, remote) {
    var connection = OrbitRtc.connections[handle];
    var d = connection && connection.pc ? (remote ? connection.pc.remoteDescription : connection.pc.localDescription) : null;
    return d ? stringToNewUTF8(d.sdp) : 0;
  },

  // 0 signaling, 1 connection, 2 ICE connection: the index of the state's name.
  orbit_rtc_state__deps: ['$OrbitRtc'],
  orbit_rtc_state: function(handle, which) {
    var connection = OrbitRtc.connections[handle];
    var pc = connection ? connection.pc : null;
    // A connection whose RTCPeerConnection could not be made has failed; a closed one is gone.
    var state = connection ? 'failed' : 'closed';
    if (which === 0) return OrbitRtc.index(OrbitRtc.signaling, pc ? pc.signalingState : 'closed');
    if (which === 1) return OrbitRtc.index(OrbitRtc.connection, pc ? pc.connectionState : state);
    return OrbitRtc.index(OrbitRtc.ice, pc ? pc.iceConnectionState : state);
  },

  // Returns null on success, else an error text the caller frees.
  orbit_rtc_add_track__deps: ['$OrbitRtc', '$OrbitMedia', '$stringToNewUTF8'],
  orbit_rtc_add_track: function(handle, trackHandle) {
    var text = null;
    try {
      var connection = OrbitRtc.connections[handle];
      var track = OrbitMedia.tracks[trackHandle];
      if (!connection) throw new Error('the connection is closed');
      if (!connection.pc) throw connection.error;
      if (!track) throw new Error('no local track ' + trackHandle + ' (stopped?)');
      connection.senders[trackHandle] = connection.pc.addTrack(track, OrbitMedia.localStream());
    } catch (e) {
      text = OrbitMedia.errorText(e);
    }
    return text === null ? 0 : stringToNewUTF8(text);
  },

  // A receive-only transceiver of `kind` ('audio' or 'video'); a later addTrack of that kind
  // reuses it (it has never sent). Null on success, else an error text the caller frees.
  orbit_rtc_add_receiver__deps: ['$OrbitRtc', '$OrbitMedia', '$stringToNewUTF8'],
  orbit_rtc_add_receiver: function(handle, kind) {
    var text = null;
    try {
      var connection = OrbitRtc.connections[handle];
      if (!connection) throw new Error('the connection is closed');
      if (!connection.pc) throw connection.error;
      connection.pc.addTransceiver(UTF8ToString(kind), {direction: 'recvonly'});
    } catch (e) {
      text = OrbitMedia.errorText(e);
    }
    return text === null ? 0 : stringToNewUTF8(text);
  },

  // A send-only transceiver with one encoding per simulcast layer; `layersJson` is the
  // sendEncodings array as JSON.
  orbit_rtc_add_simulcast_track__deps: ['$OrbitRtc', '$OrbitMedia', '$stringToNewUTF8'],
  orbit_rtc_add_simulcast_track: function(handle, trackHandle, layersJson) {
    var text = null;
    try {
      var connection = OrbitRtc.connections[handle];
      var track = OrbitMedia.tracks[trackHandle];
      if (!connection) throw new Error('the connection is closed');
      if (!connection.pc) throw connection.error;
      if (!track) throw new Error('no local track ' + trackHandle + ' (stopped?)');
      var transceiver = connection.pc.addTransceiver(track, {
        direction: 'sendonly', streams: [OrbitMedia.localStream()], sendEncodings: JSON.parse(UTF8ToString(layersJson)),
      });
      connection.senders[trackHandle] = transceiver.sender;
    } catch (e) {
      text = OrbitMedia.errorText(e);
    }
    return text === null ? 0 : stringToNewUTF8(text);
  },

  // The mid of the transceiver sending the track, or null (not sent, or not negotiated yet).
  orbit_rtc_mid_of__deps: ['$OrbitRtc', '$stringToNewUTF8'],
  orbit_rtc_mid_of: function(handle, trackHandle) {
    var connection = OrbitRtc.connections[handle];
    var sender = connection && connection.pc ? connection.senders[trackHandle] : null;
    if (!sender) return 0;
    var transceiver = connection.pc.getTransceivers().find(function(t) { return t.sender === sender; });
    return transceiver && transceiver.mid !== null ? stringToNewUTF8(transceiver.mid) : 0;
  },

  orbit_rtc_remove_track__deps: ['$OrbitRtc', '$OrbitMedia', '$stringToNewUTF8'],
  orbit_rtc_remove_track: function(handle, trackHandle) {
    var text = null;
    try {
      var connection = OrbitRtc.connections[handle];
      if (!connection) throw new Error('the connection is closed');
      if (!connection.pc) throw connection.error;
      var sender = connection.senders[trackHandle];
      if (!sender) throw new Error('InvalidAccessError: track ' + trackHandle + ' is not sent on this connection');
      connection.pc.removeTrack(sender);
      delete connection.senders[trackHandle];
    } catch (e) {
      text = OrbitMedia.errorText(e);
    }
    return text === null ? 0 : stringToNewUTF8(text);
  },

  orbit_rtc_replace_track__deps: ['$OrbitRtc', '$OrbitMedia'],
  orbit_rtc_replace_track: function(handle, op, currentHandle, replacementHandle) {
    OrbitRtc.run(handle, op, function(pc, connection) {
      var sender = connection.senders[currentHandle];
      var track = OrbitMedia.tracks[replacementHandle];
      if (!sender) throw new Error('InvalidAccessError: track ' + currentHandle + ' is not sent on this connection');
      if (!track) throw new Error('no local track ' + replacementHandle + ' (stopped?)');
      // The sender is found by the track it carries from now on, so that a removeTrack called
      // before the promise settles finds it; a failed replacement puts it back.
      delete connection.senders[currentHandle];
      connection.senders[replacementHandle] = sender;
      return sender.replaceTrack(track).catch(function(e) {
        if (connection.senders[replacementHandle] === sender) delete connection.senders[replacementHandle];
        connection.senders[currentHandle] = sender;
        throw e;
      });
    });
  },

  // RTCRtpSender.setParameters: maxBitrate (0: none) and scaleResolutionDownBy on every
  // encoding of the track's sender.
  orbit_rtc_set_send_limits__deps: ['$OrbitRtc'],
  orbit_rtc_set_send_limits: function(handle, op, trackHandle, maxBitrate, scaleDown) {
    OrbitRtc.run(handle, op, function(pc, connection) {
      var sender = connection.senders[trackHandle];
      if (!sender) throw new Error('InvalidAccessError: track ' + trackHandle + ' is not sent on this connection');
      var parameters = sender.getParameters();
      if (!parameters.encodings || parameters.encodings.length === 0) parameters.encodings = [{}];
      parameters.encodings.forEach(function(encoding) {
        if (maxBitrate > 0) encoding.maxBitrate = maxBitrate; else delete encoding.maxBitrate;
        if (sender.track === null || sender.track.kind === 'video') encoding.scaleResolutionDownBy = scaleDown;
      });
      return sender.setParameters(parameters);
    });
  },

  orbit_rtc_get_stats__deps: ['$OrbitRtc', '$OrbitMedia'],
  orbit_rtc_get_stats: function(handle, op) {
    var connection = OrbitRtc.connections[handle];
    OrbitMedia.attempt(function() {
      if (!connection || !connection.pc) throw connection ? connection.error : new Error('the connection is closed');
      return connection.pc.getStats();
    }).then(function(report) {
      if (!OrbitRtc.connections[handle]) return;
      var s = OrbitRtc.condense(connection, report);
      _orbit_rtc_stats(handle, op, s.send, s.receive, s.rtt, s.loss, s.width, s.height, s.fps, s.local, s.remote);
    }, function(e) {
      if (!OrbitRtc.connections[handle]) return;
      OrbitMedia.callWithStrings(_orbit_rtc_done, [handle, op], [OrbitMedia.errorText(e)]);
    });
  },
});
