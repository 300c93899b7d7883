-- Where many rooms stand, for a node's periodic touch, which also keeps their keys alive: one call for a batch of
-- rooms instead of one each (a node may hold tens of thousands of rooms, touched every few seconds).
-- KEYS: each room's meta hash, history stream and members, three keys a room; ARGV[1] how long (ms) a room outlives
-- its last touch, ARGV[1 + i] a fresh epoch for room i. Returns {epoch1, offset1, epoch2, offset2, ...}.
local reply = {}
for i = 1, #KEYS / 3 do
  local meta = KEYS[3 * i - 2]
  reply[2 * i - 1] = settle(meta, KEYS[3 * i - 1], KEYS[3 * i], ARGV[1 + i], ARGV[1])
  reply[2 * i] = redis.call('HGET', meta, 'offset')
end
return reply
