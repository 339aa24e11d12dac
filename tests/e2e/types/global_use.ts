// The script-tag user: the global Orbit, typed by web/orbit-embed.d.ts.
/// <reference path="../../../web/orbit-embed.d.ts" />
const canvas = document.createElement('canvas');
const globalCall = Orbit.mount(canvas, { url: 'https://orbit.example/room/standup?name=Ann' });
globalCall.on('media-error', (event) => console.log(event.code.endsWith('-denied')));
window.Orbit.mount(canvas).leave();
// @ts-expect-error: url and server do not go together
Orbit.mount(canvas, { url: 'https://orbit.example/', room: 'x', server: 'y' });
const framed = Orbit.frame(document.createElement('iframe'));
framed.sendText('hi').then(() => framed.state()).then((state) => console.log(state?.connection));
// @ts-expect-error: a framed call's commands are Promises, not values
const direct: OrbitCallLike = framed.sendText('hi');
type OrbitCallLike = undefined;
export {};
