// Types for Orbit's embed API: orbit-embed.js (the global `Orbit`) and orbit-embed.mjs (ES
// module exports). README.md ("Embedding") describes each call and event.

export type OrbitErrorCode =
  | 'bad-canvas' | 'bad-url' | 'unreachable' | 'room-full' | 'password-required' | 'wrong-password'
  | 'bad-name' | 'refused' | 'unsupported' | 'destroyed' | 'not-started';

/** An Error with a stable `code` beside its message. */
export interface OrbitError extends Error {
  name: 'OrbitError';
  code: OrbitErrorCode;
}

export interface OrbitErrorConstructor {
  (code: OrbitErrorCode, message: string): OrbitError;
  readonly prototype: OrbitError;
}

export type MountOptions =
  | { server?: string; room?: string; name?: string; uplinkKbps?: number; relay?: boolean; password?: string;
      url?: undefined }
  | { url: string; password?: string };

export type PeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export type MediaErrorCode =
  `${'camera' | 'microphone' | 'camera-microphone' | 'screen'}-${'denied' | 'missing' | 'busy' | 'stopped' | 'failed'}`;

interface PeerMediaFlags {
  /** null: the other client does not say */
  muted: boolean | null;
  cameraOff: boolean | null;
  sharingScreen: boolean | null;
}

export interface OrbitEvents {
  joined: { event: 'joined'; peer: string; name: string; room: string };
  'peer-joined': { event: 'peer-joined'; peer: string; name: string; present: boolean } & PeerMediaFlags;
  'peer-left': { event: 'peer-left'; peer: string; name: string };
  'peer-media': { event: 'peer-media'; peer: string; name: string } & PeerMediaFlags;
  'peer-state': { event: 'peer-state'; peer: string; name: string; state: PeerConnectionState };
  /** The connection to a peer cannot come up; `text` says why, in the words the call shows. */
  'peer-failed': { event: 'peer-failed'; peer: string; name: string; text: string };
  media: { event: 'media'; muted: boolean; cameraOff: boolean; sharingScreen: boolean; microphone: boolean;
           camera: boolean };
  text: { event: 'text'; peer: string; name: string; text: string; to: string | null; private: boolean };
  left: { event: 'left'; room: string; reason: 'leave' | 'lobby' | 'destroy' };
  error: { event: 'error'; code: OrbitErrorCode; message: string };
  disconnected: { event: 'disconnected'; code: 'connection-lost'; message: string; reconnecting: boolean };
  reconnected: { event: 'reconnected' };
  'media-error': { event: 'media-error'; code: MediaErrorCode; text: string };
  problem: { event: 'problem'; text: string };
  state: { event: 'state' };
}

export type OrbitEvent = OrbitEvents[keyof OrbitEvents];

export interface OrbitPeerState {
  id: string;
  name: string;
  connection: PeerConnectionState;
  ice: string;
  audio: boolean;
  muted: boolean | null;
  cameraOff: boolean | null;
  sharingScreen: boolean | null;
  video: { received: boolean; width: number; height: number; frames: number };
  stats?: { sendKbps: number; receiveKbps: number; rttMs: number; packetLoss: number; fps: number;
            localCandidate: string; remoteCandidate: string };
  /** Why the connection cannot come up, as the tile says it; null while it may still connect. */
  failure?: string | null;
}

export interface OrbitState {
  self: { id: string | null; name: string };
  room: string | null;
  connection: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed' | 'error';
  screen: 'lobby' | 'prejoin' | 'room' | 'left';
  peers: OrbitPeerState[];
  messages: { from: string; fromId: string; to: string | null; text: string; time: number; self: boolean;
              history: boolean }[];
  unsent: { id: number; text: string; to: string | null; state: 'waiting' | 'failed'; why: string }[];
  media: { muted: boolean; cameraEnabled: boolean; microphone: { id: number; label: string } | null;
           camera: { id: number; label: string } | null; screen: { id: number; label: string } | null;
           error: string | null;
           /** The cameras and microphones to choose from; labels are empty until a capture was allowed. */
           devices: { kind: 'camera' | 'microphone'; deviceId: string; label: string }[] };
  notifications: { kind: string; text: string; time: number }[];
  /** 'relay' with ?relay=1 or mount's `relay: true`: every connection through the TURN server. */
  iceTransportPolicy: 'all' | 'relay';
  [more: string]: unknown;
}

export interface OrbitCall {
  /** Resolves once the client is in the room (at once for the lobby); rejects with an OrbitError. */
  readonly ready: Promise<OrbitCall>;
  /** null before the client starts and after destroy(). */
  state(): OrbitState | null;
  /** Throws an OrbitError when the line is not sent. */
  sendText(text: string, to?: string): void;
  setMuted(muted: boolean): void;
  setCamera(on: boolean): void;
  /** Browsers ask for a click before a screen is shared: call it from one. */
  setScreenShare(on: boolean): void;
  /** Takes the camera or microphone from one of state().media.devices; throws an OrbitError when refused. */
  switchDevice(kind: 'camera' | 'microphone', deviceId: string): void;
  leave(): void;
  rejoin(): void;
  destroy(): void;
  on<K extends keyof OrbitEvents>(name: K, listener: (event: OrbitEvents[K]) => void): () => void;
  on(name: '*', listener: (event: OrbitEvent) => void): () => void;
}

/** A call in an iframe of Orbit's room page, reached through its postMessage bridge. */
export interface OrbitFramedCall {
  readonly ready: Promise<OrbitFramedCall>;
  state(): Promise<OrbitState | null>;
  sendText(text: string, to?: string): Promise<void>;
  setMuted(muted: boolean): Promise<void>;
  setCamera(on: boolean): Promise<void>;
  setScreenShare(on: boolean): Promise<void>;
  switchDevice(kind: 'camera' | 'microphone', deviceId: string): Promise<void>;
  leave(): Promise<void>;
  rejoin(): Promise<void>;
  destroy(): Promise<void>;
  on: OrbitCall['on'];
}

export declare function mount(canvas: HTMLCanvasElement | string, options?: MountOptions): OrbitCall;
export declare function frame(iframe: HTMLIFrameElement, options?: { origin?: string }): OrbitFramedCall;
export declare function bridge(call: OrbitCall, parentOrigin: string): void;
export declare const OrbitError: OrbitErrorConstructor;

export interface OrbitApi {
  mount: typeof mount;
  frame: typeof frame;
  bridge: typeof bridge;
  OrbitError: OrbitErrorConstructor;
}
declare const Orbit: OrbitApi;
export default Orbit;

declare global {
  interface Window {
    Orbit: OrbitApi;
  }
  const Orbit: OrbitApi;
}
