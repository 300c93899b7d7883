-- The room's current epoch, shared by every script (this text is prepended to each of them).
-- KEYS[1] the room's meta hash (epoch, run, offset, pseq), KEYS[2] its history stream, KEYS[3] its members
-- (member id -> name, across every node), KEYS[4] its channel.
-- ARGV[1] a fresh epoch to use if the room has none, ARGV[2] how long (ms) the room outlives its last touch.
--
-- A room's offsets are only as good as the memory that holds them. The epoch changes when the meta is gone
-- (never written, expired, or FLUSHALL) and also when this Redis is not the process that wrote it: a Redis
-- restarted from an older snapshot would otherwise hand out offsets that clients already saw, for other messages.
-- Redis's run_id changes at every start, so a restart always begins new epochs, even when nothing was lost:
-- Herald cannot tell a current snapshot from an old one, and says "not recovered" rather than guess.
local meta, log = KEYS[1], KEYS[2]
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
local epoch = redis.call('HGET', meta, 'epoch')
if (not epoch) or redis.call('HGET', meta, 'run') ~= run then
  epoch = ARGV[1]
  redis.call('DEL', log)
  redis.call('HSET', meta, 'epoch', epoch, 'run', run, 'offset', 0)
end
redis.call('PEXPIRE', meta, ARGV[2])
redis.call('PEXPIRE', log, ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
