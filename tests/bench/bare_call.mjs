// Two bare pages of the same browser in a call with each other, the floor Orbit is measured
// against: no server logic and no wasm. Each page gets its fake camera and microphone, and
// the two RTCPeerConnections exchange one offer and one answer (candidates gathered first)
// through the benchmark's script. How a page shows the videos is `show`:
//   - 'none'   the remote video in a hidden <video>, nothing drawn (call start);
//   - 'video'  the local and the remote video in two plain <video> elements;
//   - 'webgl'  both videos drawn into a WebGL canvas, a video's texture uploaded and the
//              canvas drawn on each new frame of that video (requestVideoFrameCallback).
// window.bare.shown resolves once the remote video has presented its first frame;
// window.bare.remoteFrames counts the frames it presented, window.bare.painted the canvas's
// paints.

async function barePeer(page, show) {
  await page.evaluate(async (show) => {
    const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const pc = new RTCPeerConnection();
    for (const track of media.getTracks()) pc.addTrack(track, media);
    window.bare = { pc, painted: 0, remoteFrames: 0 };
    const element = (stream, visible) => {
      const video = document.createElement('video');
      video.muted = true;
      video.playsInline = true;
      video.srcObject = stream;
      if (visible) video.style.cssText = 'width:320px;height:240px';
      document.body.appendChild(video);
      video.play().catch(() => {});
      return video;
    };
    let draw = null;
    if (show === 'webgl') {
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 400;
      document.body.appendChild(canvas);
      const gl = canvas.getContext('webgl2');
      const compile = (type, source) => {
        const shader = gl.createShader(type);
        gl.shaderSource(shader, source);
        gl.compileShader(shader);
        return shader;
      };
      const program = gl.createProgram();
      gl.attachShader(program, compile(gl.VERTEX_SHADER, `#version 300 es
        in vec2 p; uniform vec4 r; out vec2 uv;
        void main() { uv = vec2(p.x, 1.0 - p.y); gl_Position = vec4(r.xy + p * r.zw, 0, 1); }`));
      gl.attachShader(program, compile(gl.FRAGMENT_SHADER, `#version 300 es
        precision mediump float; in vec2 uv; uniform sampler2D t; out vec4 c;
        void main() { c = texture(t, uv); }`));
      gl.linkProgram(program);
      gl.useProgram(program);
      gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
      const rect = gl.getUniformLocation(program, 'r');
      const tiles = [];  // {video, texture, rect}
      const paint = () => {
        window.bare.painted += 1;
        gl.clearColor(0.06, 0.07, 0.09, 1);
        gl.clear(gl.COLOR_BUFFER_BIT);
        for (const tile of tiles) {
          if (!tile.width) continue;
          gl.bindTexture(gl.TEXTURE_2D, tile.texture);
          gl.uniform4fv(rect, tile.rect);
          gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
        }
      };
      draw = (video, at) => {
        const tile = { video, texture: gl.createTexture(), rect: at, width: 0 };
        gl.bindTexture(gl.TEXTURE_2D, tile.texture);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
        tiles.push(tile);
        const onFrame = () => {
          gl.bindTexture(gl.TEXTURE_2D, tile.texture);
          if (tile.width === video.videoWidth && tile.height === video.videoHeight) {
            gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, gl.RGBA, gl.UNSIGNED_BYTE, video);
          } else {
            gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, video);
            tile.width = video.videoWidth;
            tile.height = video.videoHeight;
          }
          paint();
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
      };
      // The two tiles side by side, as a two-person call lays them out.
      draw(element(media, false), [-1, -0.5, 1, 1]);
    } else if (show === 'video') {
      element(media, true);
    }
    window.bare.shown = new Promise((resolve) => {
      pc.ontrack = (event) => {
        if (event.track.kind !== 'video') return;
        const video = element(new MediaStream([event.track]), show === 'video');
        if (draw) draw(video, [0, -0.5, 1, 1]);
        const counted = () => {
          window.bare.remoteFrames += 1;
          resolve();
          video.requestVideoFrameCallback(counted);
        };
        video.requestVideoFrameCallback(counted);
      };
    });
  }, show);
}

const gathered = () => new Promise((resolve) => {
  const { pc } = window.bare;
  if (pc.iceGatheringState === 'complete') return resolve(pc.localDescription.toJSON());
  pc.addEventListener('icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'complete') resolve(pc.localDescription.toJSON());
  });
});

// Puts pages a and b (already open on a secure origin) in a call; resolves once both have
// presented the other's first frame.
export async function bareCall(a, b, show = 'none') {
  await Promise.all([barePeer(a, show), barePeer(b, show)]);
  await a.evaluate(() => window.bare.pc.setLocalDescription());
  const offer = await a.evaluate(gathered);
  await b.evaluate(async (description) => {
    await window.bare.pc.setRemoteDescription(description);
    await window.bare.pc.setLocalDescription();
  }, offer);
  const answer = await b.evaluate(gathered);
  await a.evaluate((description) => window.bare.pc.setRemoteDescription(description), answer);
  await Promise.all([a, b].map((page) => page.evaluate(() => window.bare.shown)));
}
