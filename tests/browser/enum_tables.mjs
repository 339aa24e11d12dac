// The browser bindings hand C++ a state, type or kind as an index into a JS table
// (OrbitRtc.signaling, OrbitMedia.trackKinds, ...), and C++ casts it to its enum. This
// checks, without a browser, that every such table lists the enum's names in the enum's
// order. Usage: node tests/browser/enum_tables.mjs REPO_ROOT   (ctest runs it natively)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

const root = process.argv[2] ?? '.';

// Each C++ enum and the JS table that must match it, by its library object and key.
const pairs = [
  ['SignalingState', '$OrbitRtc', 'signaling'],
  ['PeerConnectionState', '$OrbitRtc', 'connection'],
  ['IceConnectionState', '$OrbitRtc', 'ice'],
  ['SdpType', '$OrbitRtc', 'sdpTypes'],
  ['CandidateType', '$OrbitRtc', 'candidateTypes'],
  ['TrackKind', '$OrbitMedia', 'trackKinds'],
  ['DeviceKind', '$OrbitMedia', 'deviceKinds'],
];
const headers = ['wasm/peer_backend.hpp', 'wasm/media_backend.hpp'];
const libraries = ['library_orbit_media.js', 'library_orbit_rtc.js'];

// enum name -> its enumerators' names as toString() gives them, in declaration order.
function cppEnums() {
  const enums = new Map();
  for (const header of headers) {
    const text = readFileSync(join(root, header), 'utf8');
    const names = new Map();  // "Enum::Enumerator" -> "name"
    for (const m of text.matchAll(/case\s+(\w+)::(\w+)\s*:\s*return\s+"([^"]*)"\s*;/g)) {
      names.set(`${m[1]}::${m[2]}`, m[3]);
    }
    for (const m of text.matchAll(/enum\s+class\s+(\w+)\s*(?::\s*[\w:]+\s*)?\{([^}]*)\}/g)) {
      const enumerators = m[2].split(',').map((e) => e.trim()).filter(Boolean);
      if (enumerators.some((e) => e.includes('='))) throw new Error(`${header}: ${m[1]} sets explicit values`);
      enums.set(m[1], enumerators.map((e) => names.get(`${m[1]}::${e}`) ?? `<${e}: no toString case>`));
    }
  }
  return enums;
}

// The JS libraries as Emscripten merges them, without running any of their functions.
function jsLibrary() {
  const library = {};
  const context = { LibraryManager: { library }, mergeInto: (target, entries) => Object.assign(target, entries) };
  for (const file of libraries) {
    const path = join(root, 'bindings/browser', file);
    vm.runInNewContext(readFileSync(path, 'utf8'), context, { filename: path });
  }
  return library;
}

const enums = cppEnums();
const library = jsLibrary();
const problems = [];
for (const [cpp, object, key] of pairs) {
  const expected = enums.get(cpp);
  const table = library[object]?.[key];
  if (!expected) problems.push(`${cpp}: no such enum class in ${headers.join(', ')}`);
  else if (!Array.isArray(table)) problems.push(`${object}.${key}: no such table in ${libraries.join(', ')}`);
  else if (JSON.stringify(table) !== JSON.stringify(expected)) {
    problems.push(`${object}.${key} is ${JSON.stringify(table)} but C++'s ${cpp} is ${JSON.stringify(expected)}`);
  }
}
if (problems.length) {
  console.error('JS tables and C++ enums disagree:\n  ' + problems.join('\n  '));
  process.exit(1);
}
console.log(`${pairs.length} JS tables match their C++ enums`);
