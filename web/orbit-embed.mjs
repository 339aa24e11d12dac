// The embed API as an ES module, beside the script-tag globals of orbit-embed.js:
//
//   import { mount } from 'https://orbit.example/orbit-embed.mjs';
//   const call = mount(canvas, {server: 'https://orbit.example', room: 'standup', name: 'Ann'});
//
// It loads orbit.js and orbit-embed.js from beside itself (once, however often it is
// imported) and exports what they define; the same two globals, createOrbitModule and Orbit,
// exist as with script tags. Types: orbit-embed.d.ts.
function load(name) {
  const src = new URL(name, import.meta.url).href;
  const present = [...document.scripts].find((script) => script.src === src);
  if (present && present.dataset.orbitLoaded) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = present || document.createElement('script');
    script.addEventListener('load', () => { script.dataset.orbitLoaded = 'yes'; resolve(); }, { once: true });
    script.addEventListener('error', () => reject(new Error(`orbit: could not load ${src}`)), { once: true });
    if (!present) {
      script.src = src;
      script.crossOrigin = 'anonymous';
      document.head.appendChild(script);
    }
  });
}

if (typeof window.createOrbitModule !== 'function') await load('orbit.js');
if (!window.Orbit) await load('orbit-embed.js');

export const { mount, frame, bridge, OrbitError } = window.Orbit;
export default window.Orbit;
