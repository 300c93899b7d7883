'use strict';
// The reference server for bench/run.sh: Herald's classic semantics (protocol.md section 1) written the way
// ws users write a broadcast chat, so that the benchmark compares Herald with what people deploy today.
//
//   node --expose-gc server.js --port 0 --mem-port 0     (0: any free port; both are printed)
//
// - on connection: `Hey all, a new client has joined us` to every open client, the newcomer included;
// - on text T from client n: `Client(n) said: T` to every open client, the sender included;
// - binary frames close with 1003, as Herald does;
// - /rooms/<room>?name=<name>: Herald's room semantics (protocol.md section 2), as much as scenario (e) needs: a
//   `welcome` to the newcomer with the members, `joined` and `left` to the others, `publish` becomes a `message`
//   with the room's next offset, to every member;
// - GET http://127.0.0.1:<mem-port>/mem[?gc=1] answers process.memoryUsage() as JSON (after global.gc() when
//   gc=1), plus the ws-level backlog (bufferedAmount), so the load generator can read heap and buffers.
// Both listeners bind 127.0.0.1 only: the benchmark never leaves loopback.

const http = require('http');
const { WebSocketServer, WebSocket } = require('ws');

function flag(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = '127.0.0.1';
const port = Number(flag('port', '0')); // 0: any free port, printed on start
const memPort = Number(flag('mem-port', '-1'));
const JOIN = 'Hey all, a new client has joined us';

// perMessageDeflate is off by default in ws 8; Herald does not compress either. maxPayload matches Herald's
// default max-message-bytes (64 KiB).
const wss = new WebSocketServer({ host, port, maxPayload: 65536, clientTracking: true });

function broadcast(text) {
  // The straightforward loop: ws's send() turns the string into a Buffer for every recipient.
  wss.clients.forEach((c) => !c.inRoom && c.readyState === WebSocket.OPEN && c.send(text));
}

const rooms = new Map(); // room name -> { members: Map(ws -> member), offset }

function toRoom(room, frame, except) {
  const text = JSON.stringify(frame);
  room.members.forEach((member, c) => c !== except && c.readyState === WebSocket.OPEN && c.send(text));
}

function joinRoom(ws, n, url) {
  const name = decodeURIComponent(url.pathname.slice('/rooms/'.length));
  const member = { id: 'ws-' + n, name: url.searchParams.get('name') || 'anonymous' };
  let room = rooms.get(name);
  if (!room) {
    room = { members: new Map(), offset: 0 };
    rooms.set(name, room);
  }
  room.members.set(ws, member);
  ws.inRoom = true; // the classic broadcast is not for room members, as on Herald
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => {
    let frame;
    try {
      frame = isBinary ? null : JSON.parse(data.toString());
    } catch (e) {
      frame = null;
    }
    if (frame && frame.type === 'publish' && typeof frame.text === 'string') {
      toRoom(room, { type: 'message', room: name, offset: ++room.offset, from: member, text: frame.text });
    }
  });
  ws.on('close', () => {
    room.members.delete(ws);
    toRoom(room, { type: 'left', room: name, member, count: room.members.size });
    if (room.members.size === 0) {
      rooms.delete(name);
    }
  });
  ws.send(JSON.stringify({ type: 'welcome', room: name, you: member, members: [...room.members.values()],
    offset: room.offset, heartbeatSeconds: 25 }));
  toRoom(room, { type: 'joined', room: name, member, count: room.members.size }, ws);
}

let numbers = 0;
wss.on('connection', (ws, req) => {
  const n = ++numbers;
  const url = new URL(req.url, 'http://' + host);
  if (url.pathname.startsWith('/rooms/')) {
    joinRoom(ws, n, url);
    return;
  }
  // Socket errors (a load generator resetting thousands of connections) end the connection; they are not bugs.
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(1003, 'binary not supported');
      return;
    }
    broadcast('Client(' + n + ') said: ' + data.toString());
  });
  ws.on('close', () => {
    // Herald logs `Client(n) disconnected` too; logging 10 000 lines here would only measure the console.
  });
  broadcast(JOIN);
});

wss.on('listening', () => {
  console.log('ws reference listening on ws://' + host + ':' + wss.address().port + '/ (ws ' +
    require('ws/package.json').version + ', node ' + process.version + ')');
});

function memory(gc) {
  if (gc && typeof global.gc === 'function') {
    // Twice: the first pass can leave weak/finalizable garbage that the second collects.
    global.gc();
    global.gc();
  }
  let totalBuffered = 0;
  let maxBuffered = 0;
  wss.clients.forEach((c) => {
    totalBuffered += c.bufferedAmount;
    maxBuffered = Math.max(maxBuffered, c.bufferedAmount);
  });
  return Object.assign({ gcAvailable: typeof global.gc === 'function', clients: wss.clients.size,
    totalBuffered, maxBuffered }, process.memoryUsage());
}

if (memPort >= 0) {
  const side = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://' + host);
    if (url.pathname !== '/mem') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(memory(url.searchParams.get('gc') === '1')));
  });
  side.listen(memPort, host, () => console.log('memory side port http://' + host + ':' + side.address().port + '/mem'));
}

// SIGUSR2 prints the same figures on stdout (for a person poking at a running server).
process.on('SIGUSR2', () => console.log(JSON.stringify(memory(true))));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
