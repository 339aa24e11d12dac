// What a page's own RTCPeerConnections say, for tests and benchmarks of media: an init script
// that keeps every connection the page makes (and asks for a small camera), and getStats sums.

// Runs in the page before its scripts (context.addInitScript): a small camera (320×240 at 15
// fps, so that two cores carry five pages), and every RTCPeerConnection kept in
// window.orbitTestConnections.
export function smallCameraAndConnections() {
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    if (constraints?.video) {
      const asked = typeof constraints.video === 'object' ? constraints.video : {};
      constraints = { ...constraints, video: { ...asked, width: 320, height: 240, frameRate: 15 } };
    }
    return getUserMedia(constraints);
  };
  const Native = window.RTCPeerConnection;
  window.orbitTestConnections = [];
  window.RTCPeerConnection = function RTCPeerConnection(...args) {
    const pc = new Native(...args);
    window.orbitTestConnections.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
}

// Outbound video streams that have sent something, over every open connection of the page:
// one per sending transceiver, whatever its simulcast layers (each an outbound-rtp of its own).
export function outboundVideo(page) {
  return page.evaluate(async () => {
    let count = 0;
    for (const pc of window.orbitTestConnections) {
      if (pc.connectionState === 'closed') continue;
      const mids = new Set();
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video' && s.bytesSent > 0) mids.add(s.mid ?? s.id);
      });
      count += mids.size;
    }
    return count;
  });
}

// The width of each video the page decodes now (inbound-rtp frameWidth), over open connections.
export function inboundVideoWidths(page) {
  return page.evaluate(async () => {
    const widths = [];
    for (const pc of window.orbitTestConnections) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && s.frameWidth) widths.push(s.frameWidth);
      });
    }
    return widths;
  });
}

// Bytes the page has sent so far (RTP payload and headers of every outbound stream, audio and
// video), over every connection it ever made, closed ones at their last report.
export function bytesSent(page) {
  return page.evaluate(async () => {
    window.orbitTestLastSent ??= new Map();
    let total = 0;
    for (const pc of window.orbitTestConnections) {
      if (pc.connectionState !== 'closed') {
        let sent = 0;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'outbound-rtp') sent += (s.bytesSent || 0) + (s.headerBytesSent || 0);
        });
        window.orbitTestLastSent.set(pc, sent);
      }
      total += window.orbitTestLastSent.get(pc) ?? 0;
    }
    return total;
  });
}

// The encodings every open connection's video senders send with (RTCRtpSender.getParameters).
export function videoSendParameters(page) {
  return page.evaluate(() => {
    const out = [];
    for (const pc of window.orbitTestConnections) {
      if (pc.connectionState === 'closed') continue;
      for (const sender of pc.getSenders()) {
        if (sender.track?.kind !== 'video') continue;
        for (const e of sender.getParameters().encodings) {
          out.push({ maxBitrate: e.maxBitrate ?? null, scaleResolutionDownBy: e.scaleResolutionDownBy ?? 1 });
        }
      }
    }
    return out;
  });
}
