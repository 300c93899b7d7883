-- One atomic step gives a message its place in the room's single order, across every node:
-- the next offset, the history stream (capped at ARGV[3] entries), and the publication on the room's channel.
-- ARGV[4] is the message as JSON; the channel carries "epoch\noffset\njson".
local offset = redis.call('HINCRBY', meta, 'offset', 1)
local now = redis.call('TIME')
local ms = now[1] * 1000 + math.floor(now[2] / 1000)
redis.call('XADD', log, 'MAXLEN', '=', ARGV[3], offset .. '-0', 'd', ARGV[4], 't', ms)
redis.call('PEXPIRE', log, ARGV[2])
redis.call('PUBLISH', KEYS[4], epoch .. '\n' .. offset .. '\n' .. ARGV[4])
return {epoch, offset}
