// Herald chat page: joins a room over the room protocol, shows members, messages and errors in words, and
// reconnects with backoff, resuming the room from the last message it showed (protocol section 6). Everything
// that comes from the network or from other people is put into the page with textContent, never parsed as HTML.
'use strict';

(() => {
  const ROOM_NAME = /^[A-Za-z0-9._-]{1,64}$/;
  const MAX_NAME = 32;
  const MAX_LINES = 500;             // older lines are dropped, so a long session cannot grow without bound
  // Exponential backoff with full jitter between 0.5 s and 20 s (protocol section 6).
  const MIN_RETRY_MS = 500;
  const MAX_RETRY_MS = 20000;
  // Closes after which the page reconnects by itself (protocol section 6): going away or idle, a dropped link,
  // a server error, a restart, a full server, a slow consumer. Every other close is final: 1000, 1003, 1008 and
  // 1009 by the contract, and codes the contract does not name.
  const RECONNECT_CODES = new Set([1001, 1006, 1011, 1012, 1013, 4000]);
  // After 1012 (the server is draining for a restart) or 1013 (it is full), an early retry would only be
  // refused again; the backoff starts further up its curve instead (a retry within 0.5 to 8 s).
  const BUSY_CODES = new Set([1012, 1013]);
  const BUSY_FIRST_ATTEMPT = 3;
  // A connection that brings no frame for heartbeatSeconds + 10 s is dead (protocol section 6). A browser
  // cannot see the server's protocol pings, so the page sends an app-level ping when the room is quiet.
  const DEFAULT_HEARTBEAT_SECONDS = 25;
  const SILENCE_GRACE_MS = 10000;
  const LIVENESS_TICK_MS = 1000;

  const el = (id) => document.getElementById(id);
  const ui = {
    status: el('status'), statusText: el('status-text'), retry: el('retry'),
    join: el('join'), room: el('room'), name: el('name'), token: el('token'), joinError: el('join-error'),
    chat: el('chat'), roomName: el('room-name'), leave: el('leave'),
    members: el('members'), memberCount: el('member-count'),
    messages: el('messages'), error: el('error'),
    composer: el('composer'), text: el('text'), send: el('send'),
  };

  let wanted = null;                 // {room, name, token} while the user wants to be in a room
  let socket = null;
  let attempt = 0;                   // failed connections in a row; 0 once a welcome arrives
  let welcomed = false;              // this connection got its welcome
  let everWelcomed = false;          // some connection to this room did (so the next one is a reconnect)
  let retryTimer = null;
  let countdownTimer = null;
  let livenessTimer = null;
  let lastHeard = 0;                 // when this connection last brought a frame (Date.now())
  let lastPing = 0;
  let heartbeatMs = DEFAULT_HEARTBEAT_SECONDS * 1000;
  // Where this page is in the room's history: the epoch of the last welcome and the offset of the last message
  // shown (or the welcome's offset). A reconnect asks to resume from there; a message at or below it is a
  // duplicate and is dropped. Both reset when the user joins a room.
  let epoch = null;
  let lastOffset = 0;
  let resuming = false;              // this connection asked to resume (since and epoch in its URL)
  let me = null;
  let refs = 0;
  const members = new Map();         // id -> name
  const pending = new Map();         // publish ref -> text, until its ack or error

  // ---- connection -----------------------------------------------------------------------------------------

  /**
   * The room's WebSocket URL, derived from this page's URL: same host, ws or wss, and the application's root,
   * which is the path before /chat/ (/ standalone, /herald/ in a container).
   */
  function socketUrl(room, name, resume) {
    const path = window.location.pathname;
    const chat = path.lastIndexOf('/chat');
    const root = chat >= 0 ? path.slice(0, chat + 1) : new URL('.', window.location.href).pathname;
    const url = new URL(root + 'rooms/' + encodeURIComponent(room), window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = new URLSearchParams();
    if (name) {
      query.set('name', name);
    }
    if (resume) {
      query.set('since', String(resume.since));
      query.set('epoch', resume.epoch);
    }
    url.search = query.toString();
    url.hash = '';
    return url.href;
  }

  function connect() {
    clearTimers();
    welcomed = false;
    setState('connecting', attempt === 0 && !everWelcomed ? 'Connecting…' : 'Reconnecting…');
    // With a token, it travels as a subprotocol next to herald.v1, so it never appears in a URL or a log.
    const protocols = wanted.token ? ['herald.v1', 'herald.bearer.' + wanted.token] : [];
    // A reconnect resumes from the last message shown, once a welcome has named the room's epoch.
    resuming = everWelcomed && epoch !== null;
    let ws;
    try {
      ws = new WebSocket(socketUrl(wanted.room, wanted.name, resuming ? { since: lastOffset, epoch } : null), protocols);
    } catch (e) {
      // Only a malformed URL throws here; nothing to retry.
      stop('Cannot open a connection: ' + e.message);
      return;
    }
    socket = ws;
    lastHeard = Date.now();
    lastPing = lastHeard;
    clearInterval(livenessTimer);
    livenessTimer = setInterval(checkLiveness, LIVENESS_TICK_MS);
    // Events of a socket that was replaced (leave, then join again, or declared dead) are ignored.
    ws.addEventListener('message', (event) => { if (ws === socket) onFrame(event.data); });
    ws.addEventListener('close', (event) => { if (ws === socket) onClose(event); });
  }

  /**
   * Runs once a second while a connection is open or opening: pings when the room has been quiet for half a
   * heartbeat, and gives the connection up when nothing at all (not even a welcome or a pong) has arrived for
   * heartbeatSeconds + 10 s.
   */
  function checkLiveness() {
    const ws = socket;
    if (!ws) {
      return;
    }
    const now = Date.now();
    const silent = now - lastHeard;
    if (silent >= heartbeatMs + SILENCE_GRACE_MS) {
      socket = null;                 // its late events, if any, are ignored from now on
      ws.close();
      onClose({ code: 1006, reason: 'silent' });
      return;
    }
    if (ws.readyState === WebSocket.OPEN && silent >= heartbeatMs / 2 && now - lastPing >= heartbeatMs / 2) {
      lastPing = now;
      ws.send(JSON.stringify({ type: 'ping' }));
    }
  }

  function onClose(event) {
    socket = null;
    clearInterval(livenessTimer);
    livenessTimer = null;
    enableComposer(false);
    pending.clear();
    if (!wanted) {
      return;
    }
    const words = closeWords(event.code, event.reason);
    if (!RECONNECT_CODES.has(event.code)) {
      stop('The server closed the connection: ' + words + '.');
      return;
    }
    if (welcomed) {
      addSystem('Connection lost: ' + words + '.');
    }
    if (BUSY_CODES.has(event.code)) {
      attempt = Math.max(attempt, BUSY_FIRST_ATTEMPT);
    }
    scheduleReconnect(words);
  }

  /**
   * Exponential backoff with full jitter, so that the clients of a restarted server do not all return at once:
   * the n-th retry in a row waits a random time between 0.5 s and min(20 s, 0.5 s × 2^n).
   */
  function scheduleReconnect(words) {
    attempt += 1;
    const ceiling = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** attempt);
    const delay = Math.round(MIN_RETRY_MS + Math.random() * (ceiling - MIN_RETRY_MS));
    const due = Date.now() + delay;
    const show = () => {
      const seconds = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      setState('reconnecting', 'Disconnected (' + words + '). Reconnecting in ' + seconds + ' s…');
    };
    show();
    ui.retry.hidden = false;
    countdownTimer = setInterval(show, 1000);
    retryTimer = setTimeout(connect, delay);
  }

  function clearTimers() {
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    retryTimer = null;
    countdownTimer = null;
    ui.retry.hidden = true;
  }

  /** Gives up on the room (a final close or a bad URL) and returns to the join form with the reason. */
  function stop(message) {
    wanted = null;
    clearTimers();
    clearInterval(livenessTimer);
    livenessTimer = null;
    setState('idle', 'Not connected');
    showJoin();
    ui.joinError.textContent = message;
  }

  function leave() {
    wanted = null;
    clearTimers();
    clearInterval(livenessTimer);
    livenessTimer = null;
    const ws = socket;
    socket = null;
    if (ws) {
      ws.close(1000, 'left');
    }
    enableComposer(false);
    setState('idle', 'Not connected');
    showJoin();
  }

  // ---- frames ---------------------------------------------------------------------------------------------

  function onFrame(data) {
    lastHeard = Date.now();          // any frame is a sign of life
    if (typeof data !== 'string') {
      addSystem('A binary frame arrived (' + data.size + ' bytes); this page shows text only.');
      return;
    }
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      showError('The server sent a frame this page cannot read.');
      return;
    }
    switch (frame.type) {
      case 'welcome': onWelcome(frame); break;
      case 'joined':
        members.set(frame.member.id, frame.member.name);
        renderMembers();
        addSystem(shownName(frame.member.id, frame.member.name) + ' joined.');
        break;
      case 'left':
        addSystem(shownName(frame.member.id, frame.member.name) + ' ' + leftWords(frame.reason) + '.');
        members.delete(frame.member.id);
        renderMembers();
        break;
      case 'message': onMessage(frame); break;
      case 'presence': setMembers(frame.members); break;
      case 'ack': pending.delete(frame.ref); break;
      case 'error': onError(frame); break;
      case 'pong': break;
      case 'direct': addSystem('To you only, from ' + frame.from.name + ': ' + frame.text); break;
      default: break;                // unknown types are ignored, as the protocol allows
    }
  }

  function onWelcome(frame) {
    const reconnected = everWelcomed;
    welcomed = true;
    everWelcomed = true;
    attempt = 0;
    me = frame.you;
    setMembers(frame.members);
    clearTimers();
    const seconds = Number(frame.heartbeatSeconds);
    heartbeatMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_HEARTBEAT_SECONDS) * 1000;
    setState('open', 'Connected as ' + me.name);
    showError('');
    addSystem(reconnected ? 'Reconnected to ' + frame.room + '.' : 'You joined ' + frame.room + ' as ' + me.name + '.');
    const recovered = resuming && frame.recovered === true && frame.epoch === epoch;
    if (recovered) {
      // The missed messages follow as ordinary message frames; lastOffset stays where it was, so that each of
      // them is shown once and anything at or below it is dropped.
      const missed = Number(frame.missed) || 0;
      if (missed > 0) {
        addSystem('Back: ' + missed + ' missed ' + (missed === 1 ? 'message' : 'messages') + ' recovered.');
      }
    } else {
      // A first join, or history that could not be replayed (a new epoch, or too far behind): live from here.
      if (resuming) {
        addSystem('History could not be recovered: some messages may be missing.');
      }
      lastOffset = Number(frame.offset) || 0;
    }
    epoch = typeof frame.epoch === 'string' ? frame.epoch : null;
    resuming = false;
    enableComposer(true);
  }

  /** Shows a message once: one at or below the last offset shown is a duplicate (say, replayed and live). */
  function onMessage(frame) {
    const offset = Number(frame.offset);
    if (Number.isFinite(offset)) {
      if (offset <= lastOffset) {
        return;
      }
      lastOffset = offset;
    }
    addMessage(frame);
  }

  function onError(frame) {
    const text = frame.ref ? pending.get(frame.ref) : undefined;
    pending.delete(frame.ref);
    if (text !== undefined && ui.text.value === '') {
      ui.text.value = text;          // give the refused text back, so it is not lost
    }
    showError(errorWords(frame.code, frame.message, frame.count));
  }

  function send(event) {
    event.preventDefault();
    const text = ui.text.value;
    if (!socket || socket.readyState !== WebSocket.OPEN || !welcomed) {
      showError('Not sent: not connected. The page reconnects by itself.');
      return;
    }
    if (text.trim() === '') {
      showError('Type a message first.');
      return;
    }
    const ref = 'p' + (++refs);
    pending.set(ref, text);
    socket.send(JSON.stringify({ type: 'publish', text: text, ref: ref }));
    ui.text.value = '';
    showError('');
    ui.text.focus();
  }

  // ---- rendering: textContent only --------------------------------------------------------------------------

  function setMembers(list) {
    members.clear();
    for (const member of list || []) {
      members.set(member.id, member.name);
    }
    renderMembers();
  }

  // Two members may choose the same name. Wherever a name is shown, one that another member of the room also has
  // carries the member's number (#124), or its whole id when even the numbers match (members on two nodes), so
  // that two "ann"s can always be told apart (README, Security).
  function shownName(id, name) {
    const namesakes = [];
    for (const [otherId, otherName] of members) {
      if (otherName === name && otherId !== id) {
        namesakes.push(otherId);
      }
    }
    if (namesakes.length === 0 || !id) {
      return name;
    }
    const number = id.slice(id.lastIndexOf('-') + 1);
    const clash = namesakes.some(other => other.slice(other.lastIndexOf('-') + 1) === number);
    return name + ' #' + (clash ? id : number);
  }

  function renderMembers() {
    const items = [];
    for (const [id, name] of members) {
      const li = document.createElement('li');
      li.dataset.id = id;
      li.textContent = shownName(id, name);
      if (me && id === me.id) {
        li.classList.add('me');
        li.append(' (you)');
      }
      items.push(li);
    }
    ui.members.replaceChildren(...items);
    ui.memberCount.textContent = String(members.size);
  }

  function addMessage(frame) {
    const li = document.createElement('li');
    li.className = 'msg';
    li.dataset.offset = String(frame.offset);
    if (me && frame.from && frame.from.id === me.id) {
      li.classList.add('mine');
    }
    const from = document.createElement('span');
    from.className = 'from';
    from.textContent = frame.from ? shownName(frame.from.id, frame.from.name) : '?';
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = frame.text;
    li.append(timeElement(frame.ts), from, text);
    append(li);
  }

  function addSystem(message) {
    const li = document.createElement('li');
    li.className = 'system';
    const note = document.createElement('span');
    note.textContent = message;
    li.append(timeElement(new Date().toISOString()), note);
    append(li);
  }

  function timeElement(iso) {
    const time = document.createElement('time');
    const date = new Date(iso);
    if (!Number.isNaN(date.getTime())) {
      time.dateTime = date.toISOString();
      time.textContent = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    }
    return time;
  }

  /** Appends a line and follows the conversation, unless the reader has scrolled up to read older lines. */
  function append(li) {
    const list = ui.messages;
    const following = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(li);
    while (list.children.length > MAX_LINES) {
      list.firstElementChild.remove();
    }
    if (following) {
      list.scrollTop = list.scrollHeight;
    }
  }

  function setState(state, text) {
    ui.status.dataset.state = state;
    ui.statusText.textContent = text;
  }

  function showError(message) {
    ui.error.textContent = message;
  }

  function enableComposer(enabled) {
    ui.text.disabled = !enabled;
    ui.send.disabled = !enabled;
    if (enabled && document.activeElement !== ui.text && !ui.chat.hidden) {
      ui.text.focus();
    }
  }

  function showJoin() {
    ui.chat.hidden = true;
    ui.join.hidden = false;
    ui.room.focus();
  }

  function showChat(room) {
    ui.join.hidden = true;
    ui.chat.hidden = false;
    ui.roomName.textContent = room;
    ui.messages.replaceChildren();
    members.clear();
    me = null;
    renderMembers();
    showError('');
  }

  // ---- words ----------------------------------------------------------------------------------------------

  function closeWords(code, reason) {
    const known = {
      1000: 'normal close',
      1001: reason === 'idle timeout' ? 'idle for too long' : 'the server is stopping',
      1003: 'this endpoint takes text only',
      1006: reason === 'silent'
        ? 'no sign of life from the server for ' + Math.round((heartbeatMs + SILENCE_GRACE_MS) / 1000) + ' s'
        : 'the connection dropped or the server could not be reached',
      1008: reason === 'invalid room' ? 'the room name is not allowed (1 to 64 letters, digits, dots, underscores or hyphens)'
        : reason === 'invalid name' ? 'the name is not allowed (at most 32 characters, no control characters)'
          : reason === 'rate limit abuse' ? 'too many messages too fast'
            : reason === 'unauthorized' ? 'not authorized' : 'a rule of the server was broken',
      1009: 'a message was too big',
      1011: 'the server hit an error',
      1012: 'the server is restarting',
      1013: 'the server is full; try again later',
      4000: 'this page could not keep up with the messages',
      4001: 'the sign-in token expired; join again with a new one',
    };
    return (known[code] || 'closed') + ' (' + code + ')';
  }

  function errorWords(code, message, count) {
    switch (code) {
      case 'rate_limited': return 'Not sent: you are sending too fast. Wait a moment, then send again.';
      case 'dropped': return 'This page fell behind, so the server skipped ' + (count || 'some') + ' messages.';
      case 'bad_message': return 'Not sent: ' + (message || 'the message was empty or too long') + '.';
      default: return 'The server could not use a frame from this page: ' + (message || code) + '.';
    }
  }

  function leftWords(reason) {
    switch (reason) {
      case 'timeout': return 'timed out';
      case 'slow': return 'was disconnected (too slow to keep up)';
      case 'policy': return 'was disconnected by the server';
      case 'error': return 'lost the connection';
      default: return 'left';
    }
  }

  // ---- wiring ---------------------------------------------------------------------------------------------

  function onJoin(event) {
    event.preventDefault();
    const room = ui.room.value.trim();
    const name = ui.name.value.trim();
    const token = ui.token.value.trim();
    if (!ROOM_NAME.test(room)) {
      ui.joinError.textContent = 'The room name must be 1 to 64 letters, digits, dots, underscores or hyphens.';
      ui.room.focus();
      return;
    }
    if ((name === '' && token === '') || name.length > MAX_NAME) {
      ui.joinError.textContent = 'Please enter a name of up to ' + MAX_NAME + ' characters, or a sign-in token.';
      ui.name.focus();
      return;
    }
    ui.joinError.textContent = '';
    try {
      if (name !== '') {
        window.localStorage.setItem('herald.name', name);
      }
    } catch (e) {
      // Storage may be disabled (private mode); remembering the name is only a convenience.
    }
    wanted = { room, name, token };
    attempt = 0;
    everWelcomed = false;
    epoch = null;
    lastOffset = 0;
    showChat(room);
    connect();
  }

  function prefill() {
    const params = new URLSearchParams(window.location.search);
    if (params.get('room')) {
      ui.room.value = params.get('room');
    }
    let name = params.get('name');
    if (!name) {
      try {
        name = window.localStorage.getItem('herald.name');
      } catch (e) {
        name = null;
      }
    }
    if (name) {
      ui.name.value = name;
    }
  }

  ui.join.addEventListener('submit', onJoin);
  ui.composer.addEventListener('submit', send);
  ui.leave.addEventListener('click', leave);
  ui.retry.addEventListener('click', () => { if (wanted && !socket) connect(); });
  // Back online after a network change: try at once instead of waiting out the backoff.
  window.addEventListener('online', () => { if (wanted && !socket) connect(); });
  prefill();
  ui.join.noValidate = true;         // our own messages say what is wrong, in words
  ui.room.focus();
})();
