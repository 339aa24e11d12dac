// Checked by types.test.mjs with tsc --strict: web/orbit-embed.d.ts as an ES module's user
// sees it. Each @ts-expect-error is a misuse the types must catch.
import { mount, OrbitError, type OrbitCall, type OrbitEvents } from '../../../web/orbit-embed';

const call: OrbitCall = mount('#call', { server: 'https://orbit.example', room: 'standup', name: 'Ann' });
call.ready.then((ready) => ready.sendText('hello'), (error: unknown) => {
  if (error instanceof Error && (error as OrbitError).code === 'room-full') console.log('wait');
});
call.on('peer-joined', (event) => {
  const present: boolean = event.present;
  const muted: boolean | null = event.muted;
  console.log(event.peer, event.name, present, muted);
});
call.on('text', (event) => console.log(event.private ? `${event.to}` : event.text));
call.on('error', (event) => {
  const code: 'room-full' | 'unreachable' | string = event.code;
  console.log(code, event.message);
});
call.on('*', (event) => console.log(event.event));
const unsubscribe: () => void = call.on('left', (event: OrbitEvents['left']) => console.log(event.reason));
unsubscribe();
const state = call.state();
if (state) console.log(state.peers.map((peer) => peer.video.frames), state.media.muted);
const microphone = state?.media.devices.find((device) => device.kind === 'microphone');
if (microphone) call.switchDevice(microphone.kind, microphone.deviceId);
// Relay-only, and why a connection could not come up.
const relayed: OrbitCall = mount('#relayed', { server: 'https://orbit.example', room: 'standup', relay: true });
relayed.on('peer-failed', (event) => console.log(event.peer, event.name, event.text));
const relayState = relayed.state();
if (relayState?.iceTransportPolicy === 'relay') console.log(relayState.peers.map((peer) => peer.failure ?? 'fine'));
call.destroy();

// @ts-expect-error: no such event
call.on('peer-came', () => {});
// @ts-expect-error: a text event has no `state`
call.on('text', (event) => console.log(event.state));
// @ts-expect-error: setMuted takes a boolean
call.setMuted('yes');
// @ts-expect-error: a camera or a microphone, not a speaker
call.switchDevice('speaker', 'default');
// @ts-expect-error: a canvas or a selector, not a number
mount(42);
// @ts-expect-error: relay is a boolean, as the README says
mount('#call', { room: 'standup', relay: 'yes' });
// @ts-expect-error: a media-error code is one of the documented ones
const wrong: OrbitEvents['media-error']['code'] = 'camera-on-fire';
console.log(wrong, OrbitError);
