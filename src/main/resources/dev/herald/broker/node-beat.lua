-- A node is alive (ARGV[1] its id): its heartbeat is Redis's own clock, so nodes' clocks need not agree.
-- Nodes silent for over a day are forgotten. Returns the time recorded, in ms.
local now = redis.call('TIME')
local ms = now[1] * 1000 + math.floor(now[2] / 1000)
redis.call('ZADD', KEYS[1], ms, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - 86400000)
return {ms}
