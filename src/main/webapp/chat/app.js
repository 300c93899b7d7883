// Herald chat page: joins a room over the room protocol, shows members, messages and errors in words, and
// reconnects with backoff. Everything that comes from the network or from other people is put into the page
// with textContent, never parsed as HTML.
'use strict';

(() => {
  const ROOM_NAME = /^[A-Za-z0-9._-]{1,64}$/;
  const MAX_NAME = 32;
  const MAX_LINES = 500;             // older lines are dropped, so a long session cannot grow without bound
  const FIRST_RETRY_MS = 500;
  const MAX_RETRY_MS = 15000;
  // After 1012 (the server is draining for a restart) or 1013 (it is full), an instant retry would only be
  // refused again; the first retry waits 2 to 4 s instead.
  const BUSY_CODES = new Set([1012, 1013]);
  const BUSY_FIRST_ATTEMPT = 3;
  // Closes that reconnecting cannot fix: the room or name is wrong, or the server refuses this client.
  const FINAL_REASONS = new Set(['invalid room', 'invalid name', 'unauthorized']);

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
  let me = null;
  let refs = 0;
  const members = new Map();         // id -> name
  const pending = new Map();         // publish ref -> text, until its ack or error

  // ---- connection -----------------------------------------------------------------------------------------

  /**
   * The room's WebSocket URL, derived from this page's URL: same host, ws or wss, and the application's root,
   * which is the path before /chat/ (/ standalone, /herald/ in a container).
   */
  function socketUrl(room, name) {
    const path = window.location.pathname;
    const chat = path.lastIndexOf('/chat');
    const root = chat >= 0 ? path.slice(0, chat + 1) : new URL('.', window.location.href).pathname;
    const url = new URL(root + 'rooms/' + encodeURIComponent(room), window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = name ? '?name=' + encodeURIComponent(name) : '';
    url.hash = '';
    return url.href;
  }

  function connect() {
    clearTimers();
    welcomed = false;
    setState('connecting', attempt === 0 && !everWelcomed ? 'Connecting…' : 'Reconnecting…');
    // With a token, it travels as a subprotocol next to herald.v1, so it never appears in a URL or a log.
    const protocols = wanted.token ? ['herald.v1', 'herald.bearer.' + wanted.token] : [];
    let ws;
    try {
      ws = new WebSocket(socketUrl(wanted.room, wanted.name), protocols);
    } catch (e) {
      // Only a malformed URL throws here; nothing to retry.
      stop('Cannot open a connection: ' + e.message);
      return;
    }
    socket = ws;
    // Events of a socket that was replaced (leave, then join again) are ignored.
    ws.addEventListener('message', (event) => { if (ws === socket) onFrame(event.data); });
    ws.addEventListener('close', (event) => { if (ws === socket) onClose(event); });
  }

  function onClose(event) {
    socket = null;
    enableComposer(false);
    pending.clear();
    if (!wanted) {
      return;
    }
    const words = closeWords(event.code, event.reason);
    if (FINAL_REASONS.has(event.reason)) {
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

  /** Exponential backoff with jitter, so that clients of a restarted server do not all return at once. */
  function scheduleReconnect(words) {
    attempt += 1;
    const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
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
    setState('idle', 'Not connected');
    showJoin();
    ui.joinError.textContent = message;
  }

  function leave() {
    wanted = null;
    clearTimers();
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
        addSystem(frame.member.name + ' joined.');
        break;
      case 'left':
        members.delete(frame.member.id);
        renderMembers();
        addSystem(frame.member.name + ' ' + leftWords(frame.reason) + '.');
        break;
      case 'message': addMessage(frame); break;
      case 'presence': setMembers(frame.members); break;
      case 'ack': pending.delete(frame.ref); break;
      case 'error': onError(frame); break;
      case 'pong': break;
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
    setState('open', 'Connected as ' + me.name);
    showError('');
    addSystem(reconnected ? 'Reconnected to ' + frame.room + '.' : 'You joined ' + frame.room + ' as ' + me.name + '.');
    enableComposer(true);
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

  function renderMembers() {
    const items = [];
    for (const [id, name] of members) {
      const li = document.createElement('li');
      li.dataset.id = id;
      li.textContent = name;
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
    from.textContent = frame.from ? frame.from.name : '?';
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
      1006: 'the connection dropped or the server could not be reached',
      1008: reason === 'invalid room' ? 'the room name is not allowed (1 to 64 letters, digits, dots, underscores or hyphens)'
        : reason === 'invalid name' ? 'the name is not allowed (at most 32 characters, no control characters)'
          : reason === 'rate limit abuse' ? 'too many messages too fast'
            : reason === 'unauthorized' ? 'not authorized' : 'a rule of the server was broken',
      1009: 'a message was too big',
      1011: 'the server hit an error',
      1012: 'the server is restarting',
      1013: 'the server is full; try again later',
      4000: 'this page could not keep up with the messages',
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
