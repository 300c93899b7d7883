-- A member left (ARGV[3] id; ARGV[5] the change as JSON): remove it and tell every node, once. When a dead node's
-- members are reaped by several nodes at the same time, only the first removal announces anything.
local removed = redis.call('HDEL', KEYS[3], ARGV[3])
if removed == 1 then
  local seq = redis.call('HINCRBY', meta, 'pseq', 1)
  redis.call('PUBLISH', KEYS[4], 'P\n' .. seq .. '\n' .. ARGV[5])
end
return {removed}
