-- A member joined on some node: add it to the room's members (ARGV[3] id, ARGV[4] name) and, if it is new there,
-- tell every node, numbered in the room's presence sequence. ARGV[5] is the change as JSON. Returns 1 if added.
local added = redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
if added == 1 then
  local seq = redis.call('HINCRBY', meta, 'pseq', 1)
  redis.call('PUBLISH', KEYS[4], 'P\n' .. seq .. '\n' .. ARGV[5])
end
return {added}
